package dev.omnibridge.connector.telegram;

import java.util.regex.Pattern;

/** Keeps bot tokens out of text: the Bot API puts the token in every URL path ({@code /bot<token>/...}). */
final class Tokens {
    static final String MASK = "<redacted>";
    /** A bot token anywhere, with or without the {@code bot} prefix of the URL path. */
    private static final Pattern TOKEN = Pattern.compile("[0-9]{3,}:[A-Za-z0-9_-]{10,}");
    private static final Pattern BOT_PATH = Pattern.compile("bot[0-9]+:[A-Za-z0-9_-]+");

    private Tokens() {
    }

    /** The text with the given token, anything shaped like a bot token and any {@code bot<token>} path removed. */
    static String redact(String text, String token) {
        if (text == null) {
            return null;
        }
        String s = text;
        if (token != null && !token.isEmpty()) {
            s = s.replace(token, MASK);
        }
        s = BOT_PATH.matcher(s).replaceAll("bot" + MASK);
        return TOKEN.matcher(s).replaceAll(MASK);
    }
}
