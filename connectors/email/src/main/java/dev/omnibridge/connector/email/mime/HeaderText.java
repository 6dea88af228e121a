package dev.omnibridge.connector.email.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads header values as text a person would read, whatever encoding the sender used. */
final class HeaderText {

    private static final Pattern FOLD = Pattern.compile("\\r?\\n(?=[ \\t])");
    private static final Pattern BRACKETED_ID = Pattern.compile("<([^<>]*)>");
    private static final Pattern BARE_ID = Pattern.compile("[^\\s<>,;()\"]+@[^\\s<>,;()\"]+");

    private HeaderText() {
    }

    /**
     * First value of a header, unfolded, with raw 8-bit bytes repaired, but encoded words left alone (structured
     * headers must be parsed before decoding). Null when absent.
     */
    static String raw(Part part, String name) {
        String[] values;
        try {
            values = part.getHeader(name);
        } catch (MessagingException e) {
            return null;
        }
        if (values == null || values.length == 0 || values[0] == null) {
            return null;
        }
        return unfold(repair8bit(values[0]));
    }

    /** Like {@link #raw} with RFC 2047 encoded words decoded and whitespace trimmed: for unstructured headers. */
    static String decoded(Part part, String name) {
        String raw = raw(part, name);
        return raw == null ? null : EncodedWords.decode(raw).trim();
    }

    static boolean present(Part part, String name) {
        return raw(part, name) != null;
    }

    static String unfold(String value) {
        String unfolded = FOLD.matcher(value).replaceAll("");
        return unfolded.replace("\r", " ").replace("\n", " ");
    }

    /**
     * Jakarta Mail reads header bytes as ISO-8859-1, so a client sending raw UTF-8 (RFC 6532, or just careless)
     * arrives as mojibake. The chars are exactly the original bytes, so they can be decoded again properly.
     */
    static String repair8bit(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF) {
                return value; // already real Unicode, not byte-per-char
            }
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return Charsets.guess(value.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return value;
    }

    /** Message ids from Message-ID, In-Reply-To or References, without angle brackets, in order, no duplicates. */
    static List<String> messageIds(String value) {
        if (value == null) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        Matcher bracketed = BRACKETED_ID.matcher(value);
        while (bracketed.find()) {
            String id = bracketed.group(1).replaceAll("\\s+", "");
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) { // some mailers drop the brackets
            Matcher bare = BARE_ID.matcher(value);
            while (bare.find()) {
                ids.add(bare.group());
            }
        }
        return new ArrayList<>(ids);
    }
}
