package dev.omnibridge.text;

/**
 * Cleans text as it enters the hub from outside (a customer's message, a desk's reply), the one place every channel
 * and desk goes through, so agents and customers never see text that pretends to be something else.
 *
 * <p>It removes the Unicode bidirectional <em>embedding, override and isolate</em> controls (U+202A to U+202E,
 * U+2066 to U+2069). They reorder what follows them until the end of a paragraph: "pay", U+202E, "latot" shows as
 * "paytotal", a file "invoice", U+202E, "fdp.exe" looks like a PDF, and an unterminated override in one
 * message can garble the console line around it. Without them the text shows in its real order, which is what the
 * sender typed for every script (the Unicode bidi algorithm orders Arabic and Hebrew by itself).
 *
 * <p>The implicit marks U+200E (LRM), U+200F (RLM) and U+061C (ALM) stay: right-to-left writers use them to place
 * punctuation and numbers, and they cannot reverse a run of text.
 *
 * <p>It also removes the characters that are not text: NUL and the other C0 controls except TAB, LF and CR (so lines
 * and indentation stay), DEL (U+007F), the C1 controls (U+0080 to U+009F), a surrogate that is not half of a pair,
 * and the noncharacters U+FFFE and U+FFFF. A stray NUL from a broken mail reaches a desk as the JSON escape of
 * U+0000, which PostgreSQL text columns and several desks' APIs refuse, so the delivery fails for good; XML 1.0
 * forbids the C0 controls, lone surrogates, U+FFFE and U+FFFF outright (and discourages DEL and C1), so XML-based
 * APIs reject them the same way. Form feed and vertical tab go with them: no desk,
 * console or chat shows them as a line break, they print as a box or nothing. NEL (U+0085) goes as a C1 control.
 * Everything else stays, among it emoji, their joiners (U+200D) and variation selectors, no-break spaces and
 * every script.
 *
 * <p>{@link #clean} runs for every message, so it makes one pass without regular expressions and returns the same
 * String when there is nothing to remove.
 */
public final class InboundText {
    private InboundText() {
    }

    /**
     * The text without bidi embedding, override and isolate controls, control characters other than TAB, LF and
     * CR, lone surrogates, U+FFFE and U+FFFF; the same instance when nothing goes; null stays null.
     */
    public static String clean(String text) {
        if (text == null) {
            return null;
        }
        int first = firstToRemove(text);
        if (first < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        sb.append(text, 0, first);
        int n = text.length();
        for (int i = first; i < n; i++) {
            int width = keptWidth(text, i);
            if (width == 0) {
                continue;
            }
            if (width == 2) {
                sb.append(text.charAt(i)).append(text.charAt(i + 1));
                i++;
            } else {
                sb.append(text.charAt(i));
            }
        }
        return sb.toString();
    }

    /** U+202A LRE, U+202B RLE, U+202C PDF, U+202D LRO, U+202E RLO, U+2066 LRI, U+2067 RLI, U+2068 FSI, U+2069 PDI. */
    public static boolean isBidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    }

    /**
     * NUL and the other C0 controls except TAB (U+0009), LF (U+000A) and CR (U+000D); DEL (U+007F); the C1 controls
     * U+0080 to U+009F.
     */
    public static boolean isControlToRemove(int c) {
        return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F);
    }

    /**
     * How many chars at {@code i} stay: 1 for a char of text, 2 for a surrogate pair, 0 for a char to remove. Printable
     * ASCII, the commonest case, takes two comparisons.
     */
    private static int keptWidth(String text, int i) {
        char c = text.charAt(i);
        if (c < 0x7F) {
            return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
        }
        if (c < 0xA0) {
            return 0; // DEL and the C1 controls
        }
        if (c < 0x2000) {
            return 1; // Latin, Greek, Cyrillic, Hebrew, Arabic, Indic scripts...
        }
        if (Character.isSurrogate(c)) {
            return Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1)) ? 2 : 0;
        }
        return isBidiControl(c) || c == 0xFFFE || c == 0xFFFF ? 0 : 1;
    }

    private static int firstToRemove(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            int width = keptWidth(text, i);
            if (width == 0) {
                return i;
            }
            i += width - 1;
        }
        return -1;
    }
}
