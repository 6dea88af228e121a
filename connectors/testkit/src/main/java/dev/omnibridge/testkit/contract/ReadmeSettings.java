package dev.omnibridge.testkit.contract;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The generated block of a README between {@code <!-- settings:begin NAME -->} and {@code <!-- settings:end NAME -->}
 * (NAME is the connector type, so one README can hold the tables of several types). The block is written by
 * {@link #write} and compared by {@link #current}; nothing outside the markers is touched.
 */
public final class ReadmeSettings {
    /** Set to {@code true} ({@code -Domnibridge.updateReadme=true}) to have the check rewrite stale tables. */
    public static final String UPDATE_PROPERTY = "omnibridge.updateReadme";

    private ReadmeSettings() {
    }

    public static String begin(String name) {
        return "<!-- settings:begin " + name + " -->";
    }

    public static String end(String name) {
        return "<!-- settings:end " + name + " -->";
    }

    /** The README's block for {@code name} (without the markers), or empty when it has no markers for it. */
    public static Optional<String> current(String readme, String name) {
        int b = readme.indexOf(begin(name));
        int e = readme.indexOf(end(name));
        if (b < 0 || e < b) {
            return Optional.empty();
        }
        String inside = readme.substring(b + begin(name).length(), e);
        return Optional.of(inside.strip() + "\n");
    }

    /**
     * The README with the block for {@code name} replaced by {@code table}; without markers, a
     * {@code ## Settings} section holding them is appended.
     */
    public static String withTable(String readme, String name, String table) {
        String block = begin(name) + "\n" + table.strip() + "\n" + end(name);
        int b = readme.indexOf(begin(name));
        int e = readme.indexOf(end(name));
        if (b < 0 || e < b) {
            String sep = readme.isEmpty() || readme.endsWith("\n\n") ? "" : readme.endsWith("\n") ? "\n" : "\n\n";
            return readme + sep + "## Settings (`" + name + "`)\n\nGenerated from the connector's `ConfigDef`.\n\n"
                    + block + "\n";
        }
        return readme.substring(0, b) + block + readme.substring(e + end(name).length());
    }

    public static void write(Path readme, String name, String table) throws IOException {
        String text = Files.exists(readme) ? Files.readString(readme, StandardCharsets.UTF_8) : "";
        String updated = withTable(text, name, table);
        if (!updated.equals(text)) {
            Files.writeString(readme, updated, StandardCharsets.UTF_8);
        }
    }

    public static boolean updateRequested() {
        return Boolean.getBoolean(UPDATE_PROPERTY);
    }
}
