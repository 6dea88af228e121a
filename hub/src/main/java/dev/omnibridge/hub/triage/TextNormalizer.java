package dev.omnibridge.hub.triage;

import java.text.Normalizer;

/**
 * Brings a text to the form keywords are matched in: accents removed (Unicode NFD, combining marks dropped), lower
 * case, every run of characters that are not letters or digits turned into one space, with a space at both ends.
 * A keyword or phrase in the same form, searched with its surrounding spaces, then matches whole words only:
 * {@code "Büro"} matches {@code "buro"} and {@code "BÜRO"}, {@code "Straße"} matches {@code "STRASSE"},
 * {@code "dringend"} does not match {@code "dringender"}.
 */
final class TextNormalizer {
    /** Longer texts are cut: a keyword deep in a quoted mail history says nothing about this message. */
    static final int MAX_CHARS = 20_000;

    private TextNormalizer() {
    }

    static String normalize(String text) {
        if (text == null || text.isEmpty()) {
            return " ";
        }
        String cut = text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
        String decomposed = ascii(cut) ? cut : Normalizer.normalize(cut, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length() + 2).append(' ');
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.COMBINING_SPACING_MARK) {
                continue;
            }
            if (cp == 'ß' || cp == 'ẞ') {
                out.append("ss"); // STRASSE is how Straße is written without the letter
            } else if (Character.isLetterOrDigit(cp)) {
                out.appendCodePoint(Character.toLowerCase(cp));
            } else if (out.charAt(out.length() - 1) != ' ') {
                out.append(' ');
            }
        }
        if (out.charAt(out.length() - 1) != ' ') {
            out.append(' ');
        }
        return out.toString();
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
