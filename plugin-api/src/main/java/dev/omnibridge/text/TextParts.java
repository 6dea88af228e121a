package dev.omnibridge.text;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;

/**
 * Splits a text that is too long for one channel message into parts that each fit the channel's limit, in order and
 * without loss: the parts joined give the text back exactly.
 *
 * <p>Channels count their limits differently (Instagram in UTF-8 bytes, Twilio in UTF-16 code units with GSM-7
 * extension characters counted twice, WhatsApp and Telegram in characters), so the caller passes the cost of each
 * code point. A part never ends inside a code point, and never inside a user-perceived character (a letter with its
 * combining marks as the JDK's character {@link BreakIterator} knows them; an emoji with its skin tone, variation
 * selector or zero-width-joined sequence) unless that one character alone is over the limit. A part ends after the
 * last white space that leaves it at least half full, so words stay whole where that costs little.
 */
public final class TextParts {
    /** One per UTF-16 code unit: what Java's {@code String.length()} counts; a supplementary character costs 2. */
    public static final IntUnaryOperator UTF16_UNITS = Character::charCount;
    /** Bytes of the code point in UTF-8 (1 to 4). */
    public static final IntUnaryOperator UTF8_BYTES = cp -> cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

    /** One per code point (what a person counts as a character, short of combining sequences). */
    public static final IntUnaryOperator CODE_POINTS = cp -> 1;
    /**
     * SMS characters: UTF-16 code units, with GSM 03.38's extension characters (sent as an escape and the character,
     * two septets) counting 2; never fewer than a carrier counts, whichever encoding it picks.
     */
    public static final IntUnaryOperator SMS_CHARACTERS = cp -> "\f^{}\\[~]|\u20AC".indexOf(cp) >= 0 ? 2
            : Character.charCount(cp);

    private TextParts() {
    }

    /**
     * The parts of {@code text}, each costing at most {@code max}; empty for an empty text, one part when it fits.
     *
     * @param cost what one code point counts against {@code max}; at most {@code max} for any code point
     */
    public static List<String> split(String text, int max, IntUnaryOperator cost) {
        if (max < 4) {
            throw new IllegalArgumentException("max must be at least 4, the cost of any one code point");
        }
        List<String> parts = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return parts;
        }
        BreakIterator graphemes = BreakIterator.getCharacterInstance(Locale.ROOT);
        graphemes.setText(text);
        int start = 0;
        while (start < text.length()) {
            int end = start;
            int afterSpace = -1;
            int used = 0;
            for (int next = graphemes.following(start); next != BreakIterator.DONE; next = graphemes.next()) {
                if (next < text.length() && joined(text, next)) {
                    continue;
                }
                int c = cost(text, end, next, cost);
                if (used + c > max) {
                    break;
                }
                used += c;
                end = next;
                if (Character.isWhitespace(text.codePointBefore(end))) {
                    afterSpace = end;
                }
            }
            if (end == start) {
                end = byCodePoints(text, start, max, cost);
            } else if (end < text.length() && afterSpace > start && cost(text, start, afterSpace, cost) * 2 >= max) {
                end = afterSpace;
            }
            parts.add(text.substring(start, end));
            start = end;
        }
        return parts;
    }

    /**
     * Whether the JDK's character iterator breaks at {@code i} although the characters on both sides form one emoji
     * (its rules predate emoji sequences): before a skin tone modifier, variation selector, zero width joiner or tag
     * character, and after a zero width joiner.
     */
    private static boolean joined(String text, int i) {
        int after = text.codePointAt(i);
        if ((after >= 0x1F3FB && after <= 0x1F3FF) || after == 0xFE0E || after == 0xFE0F || after == 0x200D
                || (after >= 0xE0020 && after <= 0xE007F)) {
            return true;
        }
        return i > 0 && text.codePointBefore(i) == 0x200D;
    }

    /** What {@code text} costs in total. */
    public static int cost(String text, IntUnaryOperator cost) {
        return text == null ? 0 : cost(text, 0, text.length(), cost);
    }

    private static int cost(String text, int from, int to, IntUnaryOperator cost) {
        int sum = 0;
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            sum += cost.applyAsInt(cp);
            i += Character.charCount(cp);
        }
        return sum;
    }

    /** A single user-perceived character over the limit (a very long emoji sequence): cut between code points. */
    private static int byCodePoints(String text, int start, int max, IntUnaryOperator cost) {
        int end = start;
        int used = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int c = cost.applyAsInt(cp);
            if (used + c > max) {
                break;
            }
            used += c;
            end += Character.charCount(cp);
        }
        return end == start ? start + Character.charCount(text.codePointAt(start)) : end;
    }
}
