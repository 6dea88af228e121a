package dev.omnibridge.hub.automation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An acknowledgement text with placeholders: {@code {firstName}}, {@code {reference}}, {@code {channel}} and
 * {@code {expectedAnswer}}. A placeholder may name what to write when its value is unknown, after a colon:
 * {@code Hi {firstName:there}} reads "Hi there" when the customer's name is unknown. Parsed once, when the
 * configuration is read, so that an unknown placeholder is a configuration problem rather than a surprise in a
 * customer's message.
 */
public final class AckTemplate {
    /** The contact's first name, as the channel gave it. */
    public static final String FIRST_NAME = "firstName";
    /** The short conversation reference the customer can quote ({@link ConversationReference}). */
    public static final String REFERENCE = "reference";
    /** The channel's name as the customer knows it (e.g. WhatsApp). */
    public static final String CHANNEL = "channel";
    /** When an answer can be expected, in the calendar's time zone and the template's language. */
    public static final String EXPECTED_ANSWER = "expectedAnswer";
    public static final Set<String> PLACEHOLDERS = Set.of(FIRST_NAME, REFERENCE, CHANNEL, EXPECTED_ANSWER);
    /** Longest template accepted: an acknowledgement is a line or two, not a newsletter. */
    public static final int MAX_LENGTH = 1000;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)(?::([^{}]*))?}");

    private final String text;

    private AckTemplate(String text) {
        this.text = text;
    }

    /**
     * @param problems receives a description of each problem (an unknown placeholder, an empty or too long text);
     *                 the template is usable only when none was added
     */
    public static AckTemplate parse(String text, List<String> problems) {
        if (text == null || text.isBlank()) {
            problems.add("is empty");
            return new AckTemplate("");
        }
        if (text.length() > MAX_LENGTH) {
            problems.add("is " + text.length() + " characters long; at most " + MAX_LENGTH);
        }
        List<String> unknown = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                unknown.add("{" + m.group(1) + "}");
            }
        }
        if (!unknown.isEmpty()) {
            problems.add("has unknown placeholder(s) " + String.join(", ", unknown) + "; known are "
                    + PLACEHOLDERS.stream().sorted().map(p -> "{" + p + "}").toList());
        }
        return new AckTemplate(text);
    }

    /** The text with each placeholder replaced by its value, or by its fallback when the value is null or blank. */
    public String render(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null || value.isBlank()) {
                value = m.group(2) == null ? "" : m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().strip();
    }

    public String text() {
        return text;
    }
}
