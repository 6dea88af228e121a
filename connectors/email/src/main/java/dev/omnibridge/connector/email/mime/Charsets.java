package dev.omnibridge.connector.email.mime;

import jakarta.mail.internet.MimeUtility;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decodes mail bytes without ever failing. Declared charsets are often wrong or invented ("utf8", "x-unknown",
 * "ISO-8859-1" for Windows text), and rejecting a customer's mail over a label helps nobody.
 */
final class Charsets {

    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private Charsets() {
    }

    /**
     * Decodes with the declared charset when Java knows it; otherwise UTF-8 if the bytes are valid UTF-8, else
     * windows-1252 (which maps every byte, so nothing is lost).
     */
    static String decode(byte[] bytes, String declared) {
        Charset charset = lookup(declared);
        if (charset == null) {
            return guess(bytes);
        }
        if (isLatin1Family(charset)) {
            // Like browsers (WHATWG encoding spec): "ISO-8859-1" and "US-ASCII" labelled text is nearly always
            // windows-1252, or UTF-8 from a client that did not bother to label it.
            return guess(bytes);
        }
        return new String(bytes, charset); // malformed sequences become U+FFFD
    }

    /** UTF-8 when the bytes are valid UTF-8, otherwise windows-1252. */
    static String guess(byte[] bytes) {
        String utf8 = strictUtf8(bytes);
        return utf8 != null ? utf8 : new String(bytes, WINDOWS_1252);
    }

    /** Java charset for a MIME charset label, or null when unknown or bogus. */
    static Charset lookup(String declared) {
        if (declared == null) {
            return null;
        }
        String label = declared.trim();
        int star = label.indexOf('*'); // RFC 2231 language suffix, e.g. "utf-8*en"
        if (star >= 0) {
            label = label.substring(0, star);
        }
        label = label.replace("\"", "").replace("'", "").trim();
        if (label.isEmpty()) {
            return null;
        }
        try {
            return Charset.forName(MimeUtility.javaCharset(label));
        } catch (IllegalArgumentException e) { // IllegalCharsetName and UnsupportedCharset
            return null;
        }
    }

    private static boolean isLatin1Family(Charset charset) {
        String name = charset.name().toLowerCase(Locale.ROOT);
        return name.equals("iso-8859-1") || name.equals("us-ascii") || name.equals("windows-1252");
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
