package dev.omnibridge.text;

/**
 * Cleans text as it enters the hub from outside (a customer's message, a desk's reply), the one place every channel
 * and desk goes through, so agents and customers never see text that pretends to be something else.
 *
 * <p>Today it removes the Unicode bidirectional <em>embedding, override and isolate</em> controls (U+202A to U+202E,
 * U+2066 to U+2069). They reorder what follows them until the end of a paragraph: "pay", U+202E, "latot" shows as
 * "paytotal", a file "invoice", U+202E, "fdp.exe" looks like a PDF, and an unterminated override in one
 * message can garble the console line around it. Without them the text shows in its real order, which is what the
 * sender typed for every script (the Unicode bidi algorithm orders Arabic and Hebrew by itself).
 *
 * <p>The implicit marks U+200E (LRM), U+200F (RLM) and U+061C (ALM) stay: right-to-left writers use them to place
 * punctuation and numbers, and they cannot reverse a run of text. Later rules for text entering the hub (such as
 * control characters) belong here too.
 */
public final class InboundText {
    private InboundText() {
    }

    /** The text without bidi embedding, override and isolate controls; null stays null. */
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
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isBidiControl(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** U+202A LRE, U+202B RLE, U+202C PDF, U+202D LRO, U+202E RLO, U+2066 LRI, U+2067 RLI, U+2068 FSI, U+2069 PDI. */
    public static boolean isBidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    }

    private static int firstToRemove(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isBidiControl(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
