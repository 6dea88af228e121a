package dev.omnibridge.hub.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds payment card numbers in text: 13 to 19 digits, written together or in groups separated by one space or
 * dash, starting with a digit card schemes use (2 to 6: Mastercard, Visa, Amex, Discover, JCB, UnionPay...) and
 * passing the Luhn check. A number preceded by {@code +} is a phone number and left alone; so is one whose Luhn
 * check fails (an order or tracking number). A run of groups is tried at every group boundary, so a card written
 * after another number ("order 12 4111 1111 1111 1111") is still found.
 */
public final class CardNumbers {
    /** Digit groups joined by single spaces or dashes, not glued to other digits or letters. */
    private static final Pattern RUN = Pattern.compile("(?<![\\p{L}\\p{N}+])\\d+(?:[ -]\\d+)*(?![\\p{L}\\p{N}])");
    private static final Pattern GROUP = Pattern.compile("\\d+");
    static final int MIN_DIGITS = 13;
    static final int MAX_DIGITS = 19;

    private CardNumbers() {
    }

    /** A card number found: where it is in the text and its digits. */
    public record Found(int start, int end, String digits) {
        /** Its last four digits, which may be shown (PCI DSS allows the first six and last four at most). */
        public String lastFour() {
            return digits.substring(digits.length() - 4);
        }
    }

    /** The card numbers in the text, left to right, not overlapping. */
    public static List<Found> find(CharSequence text) {
        List<Found> found = new ArrayList<>();
        Matcher run = RUN.matcher(text);
        while (run.find()) {
            List<int[]> groups = new ArrayList<>();
            Matcher g = GROUP.matcher(text).region(run.start(), run.end());
            while (g.find()) {
                groups.add(new int[]{g.start(), g.end()});
            }
            int from = 0;
            while (from < groups.size()) {
                Found best = longestFrom(text, groups, from);
                if (best == null) {
                    from++;
                    continue;
                }
                found.add(best);
                while (from < groups.size() && groups.get(from)[0] < best.end()) {
                    from++;
                }
            }
        }
        return found;
    }

    /** The longest card number made of whole groups starting at group {@code from}, or null. */
    private static Found longestFrom(CharSequence text, List<int[]> groups, int from) {
        if (text.charAt(groups.get(from)[0]) < '2' || text.charAt(groups.get(from)[0]) > '6') {
            return null;
        }
        StringBuilder digits = new StringBuilder();
        Found best = null;
        for (int to = from; to < groups.size(); to++) {
            digits.append(text, groups.get(to)[0], groups.get(to)[1]);
            if (digits.length() > MAX_DIGITS) {
                break;
            }
            if (digits.length() >= MIN_DIGITS && luhn(digits)) {
                best = new Found(groups.get(from)[0], groups.get(to)[1], digits.toString());
            }
        }
        return best;
    }

    /** Whether the digits pass the Luhn check (the last digit is the check digit). */
    public static boolean luhn(CharSequence digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return digits.length() > 0 && sum % 10 == 0;
    }
}
