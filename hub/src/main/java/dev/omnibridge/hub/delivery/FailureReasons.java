package dev.omnibridge.hub.delivery;

import dev.omnibridge.privacy.Redact;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A delivery failure's reason as the hub keeps and logs it. Targets often echo what they were sent in their error
 * answers ({@code HTTP 400: {"error":"invalid requester ann@example.com","text":"..."}}), and connectors pass those
 * answers on: the reason would put the customer's text and addresses into the log, the dead-letter list and the desk's
 * note. So the delivered message's text (as sent, and as JSON escapes it, and each of its longer lines) becomes
 * {@value #TEXT}, and email addresses and phone numbers are masked: emails and {@code +}-numbers as
 * {@link Redact} does, and bare runs of 10 to 15 digits (a WhatsApp id is the number without its {@code +}). Dates,
 * times and HTTP statuses stay readable, unlike with {@link Redact#text}, which takes any digit run for a number.
 */
final class FailureReasons {
    static final String TEXT = "[the message's text]";
    /** Lines shorter than this are not cut out one by one: they would match ordinary words of an error message. */
    private static final int SHORTEST_LINE = 12;

    private FailureReasons() {
    }

    /** The reason without the message's text nor whole addresses. */
    static String scrub(String reason, String messageText) {
        if (reason == null) {
            return null;
        }
        String scrubbed = reason;
        if (messageText != null && !messageText.isBlank()) {
            String text = messageText.strip();
            scrubbed = cut(scrubbed, text);
            scrubbed = cut(scrubbed, json(text));
            for (String line : text.split("\\R")) {
                if (line.strip().length() >= SHORTEST_LINE) {
                    scrubbed = cut(scrubbed, line.strip());
                    scrubbed = cut(scrubbed, json(line.strip()));
                }
            }
        }
        scrubbed = EMAIL.matcher(scrubbed).replaceAll(m -> Matcher.quoteReplacement(Redact.email(m.group())));
        scrubbed = PLUS_NUMBER.matcher(scrubbed).replaceAll(m -> Matcher.quoteReplacement(Redact.phone(m.group())));
        return BARE_NUMBER.matcher(scrubbed).replaceAll(m -> Matcher.quoteReplacement(Redact.phone(m.group())));
    }

    private static final Pattern EMAIL = Pattern.compile("[\\w.+%-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final Pattern PLUS_NUMBER = Pattern.compile("\\+\\d[\\d ()-]{6,}\\d");
    private static final Pattern BARE_NUMBER = Pattern.compile("(?<![\\w.:-])\\d{10,15}(?![\\w.:-])");

    private static String cut(String reason, String part) {
        return part.isEmpty() ? reason : reason.replace(part, TEXT);
    }

    /** The text as it appears inside a JSON string. */
    private static String json(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
