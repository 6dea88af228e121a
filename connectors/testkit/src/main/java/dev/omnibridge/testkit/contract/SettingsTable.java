package dev.omnibridge.testkit.contract;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;

import java.util.Collection;
import java.util.Locale;

/**
 * Renders a {@link ConfigDef} as the Markdown settings table of a connector's README: one row per setting, in the
 * order the connector declares them, with its type, default, whether it is required, and its description.
 */
public final class SettingsTable {
    private SettingsTable() {
    }

    public static String render(ConfigDef config) {
        return render(config.settings());
    }

    public static String render(Collection<Setting> settings) {
        StringBuilder sb = new StringBuilder();
        sb.append("| Setting | Type | Default | Required | Description |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Setting s : settings) {
            sb.append("| `").append(s.name()).append("` | ")
                    .append(s.type().name().toLowerCase(Locale.ROOT)).append(s.isSecret() ? " (secret)" : "")
                    .append(" | ").append(defaultCell(s.defaultValue()))
                    .append(" | ").append(s.isRequired() ? "yes" : "no")
                    .append(" | ").append(cell(s.description()))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /**
     * The default in configuration form, as code; blank when there is none (or it is empty). Line breaks show as
     * {@code \n}, as a YAML double-quoted string would write them.
     */
    private static String defaultCell(Object value) {
        String text = value == null ? "" : defaultText(value);
        if (text.isBlank()) {
            return "";
        }
        return "`" + text.replaceAll("\\R", "\\\\n").replace("`", "'").replace("|", "\\|") + "`";
    }

    private static String defaultText(Object value) {
        if (value instanceof Collection<?> c) {
            return String.join(",", c.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    /**
     * One table cell: no line breaks, a pipe would end the cell, and {@code <id>} would be taken for an HTML tag and
     * hidden.
     */
    private static String cell(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ").replace("|", "\\|").replace("<", "&lt;")
                .replace(">", "&gt;");
    }
}
