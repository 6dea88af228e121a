package dev.omnibridge.connector.email.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 2047 decoding that survives what mailers really send. Jakarta Mail's decoder is strict by default (a JVM-wide
 * system property we must not flip from a plugin), gives up on unknown charsets, and decodes every encoded word on
 * its own, which garbles multi-byte characters that a sender split across two words (common with Shift_JIS and
 * UTF-8 base64). Here adjacent words of one charset are joined at byte level before decoding.
 */
final class EncodedWords {

    private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?]*)\\?=");
    private static final Pattern LINEAR_WHITESPACE = Pattern.compile("[ \\t\\r\\n]*");

    private EncodedWords() {
    }

    /** Decodes all encoded words in an (already unfolded) header value; text without any is returned as is. */
    static String decode(String value) {
        if (value == null || !value.contains("=?")) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        Matcher m = WORD.matcher(value);
        int pos = 0;
        String pendingCharset = null;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        while (m.find()) {
            String between = value.substring(pos, m.start());
            boolean adjacent = pendingCharset != null && LINEAR_WHITESPACE.matcher(between).matches();
            String charset = m.group(1);
            if (!adjacent || !charset.equalsIgnoreCase(pendingCharset)) {
                flush(out, pending, pendingCharset);
                if (!adjacent) {
                    out.append(between); // whitespace between two encoded words is not part of the text
                }
            }
            pendingCharset = charset;
            byte[] bytes = m.group(2).equalsIgnoreCase("b") ? base64(m.group(3)) : quotedPrintable(m.group(3));
            pending.writeBytes(bytes);
            pos = m.end();
        }
        flush(out, pending, pendingCharset);
        out.append(value, pos, value.length());
        return out.toString();
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, String charset) {
        if (pending.size() > 0) {
            out.append(Charsets.decode(pending.toByteArray(), charset));
            pending.reset();
        }
    }

    private static byte[] base64(String text) {
        String clean = text.replaceAll("[^A-Za-z0-9+/]", ""); // padding and stray characters: senders get it wrong
        clean = clean.substring(0, clean.length() - (clean.length() % 4 == 1 ? 1 : 0));
        try {
            return Base64.getDecoder().decode(clean);
        } catch (IllegalArgumentException e) {
            return text.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static byte[] quotedPrintable(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3).toUpperCase(Locale.ROOT), 16));
                i += 2;
            } else {
                out.write(c & 0xFF);
            }
        }
        return out.toByteArray();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
