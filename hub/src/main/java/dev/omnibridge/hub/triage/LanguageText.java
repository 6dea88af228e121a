package dev.omnibridge.hub.triage;

import java.util.regex.Pattern;

/**
 * The part of a customer's message that says something about its language: without the quoted earlier mail, the
 * signature, links, addresses, order numbers and phone numbers, which are the same in every language and would
 * only pull the detector towards whichever language's n-grams they happen to resemble.
 */
final class LanguageText {
    /** A signature starts at the RFC 3676 delimiter line "-- ". */
    private static final Pattern SIGNATURE = Pattern.compile("(?m)^-- ?$[\\s\\S]*");
    /**
     * The earlier mail below a top-posted reply: from its attribution line ("On ... wrote:", "Am ... schrieb ...:",
     * "Le ... a écrit :") or Outlook's "-----Original Message-----" to the end.
     */
    private static final Pattern EARLIER_MAIL = Pattern.compile("(?mi)(?:^.*\\b(?:wrote|schrieb|a [ée]crit|escribi[óo]"
            + "|escreveu|ha scritto|schreef)(?!\\p{L}).*:\\s*$|^-{2,}\\s*(?:original message|urspr[üu]ngliche nachricht)"
            + "\\s*-{2,}\\s*$)[\\s\\S]*");
    /** Quoted lines ("> ...") left in the reply (interleaved quoting). */
    private static final Pattern QUOTED = Pattern.compile("(?m)^\\s*>.*$");
    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S+");
    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+");
    /** Any word with a digit in it: order and ticket numbers (A-10023, #4411), phone numbers, dates, amounts. */
    private static final Pattern WITH_DIGITS = Pattern.compile("\\S*\\d\\S*");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private LanguageText() {
    }

    /** {@code text} without what is not language, spaces collapsed; empty when nothing is left. */
    static String of(String text) {
        if (text == null) {
            return "";
        }
        String t = EARLIER_MAIL.matcher(text).replaceFirst("");
        t = SIGNATURE.matcher(t).replaceFirst("");
        t = QUOTED.matcher(t).replaceAll(" ");
        t = URL.matcher(t).replaceAll(" ");
        t = EMAIL.matcher(t).replaceAll(" ");
        t = WITH_DIGITS.matcher(t).replaceAll(" ");
        return SPACES.matcher(t).replaceAll(" ").strip();
    }

    /** The number of words made of letters in {@code cleaned} (one letter or more). */
    static int words(String cleaned) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < cleaned.length(); ) {
            int cp = cleaned.codePointAt(i);
            boolean letter = Character.isLetter(cp);
            if (letter && !inWord) {
                words++;
            }
            inWord = letter || (inWord && (cp == '\'' || cp == '-'));
            i += Character.charCount(cp);
        }
        return words;
    }

    /** The number of letters in {@code cleaned}. */
    static int letters(String cleaned) {
        return (int) cleaned.codePoints().filter(Character::isLetter).count();
    }
}
