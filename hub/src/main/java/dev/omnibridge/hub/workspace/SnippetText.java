package dev.omnibridge.hub.workspace;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a canned reply's placeholders ({@code {{contact.name}}}, {@code {{agent.name}}},
 * {@code {{conversation.reference}}}) for one conversation and agent. A placeholder without a value (a contact
 * without a name) becomes empty text, and one the hub does not know stays as written, so the agent sees it before
 * sending.
 */
public final class SnippetText {
    /** The placeholders the hub fills. */
    public static final java.util.List<String> PLACEHOLDERS =
            java.util.List.of("contact.name", "agent.name", "conversation.reference");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z]+\\.[a-z]+)\\s*}}");

    private SnippetText() {
    }

    public static String render(String body, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(body);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = PLACEHOLDERS.contains(key) ? values.getOrDefault(key, "") : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
