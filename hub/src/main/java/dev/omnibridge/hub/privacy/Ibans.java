package dev.omnibridge.hub.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds IBANs in text: two letters, two check digits and 11 to 30 letters or digits, written together or in
 * groups separated by single spaces, passing the ISO 13616 mod-97 check. Case does not matter (customers type
 * {@code de89...}). A run of groups is cut at the group boundary that gives the longest valid IBAN, so the words
 * after it ("DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX") are not taken along.
 */
public final class Ibans {
    private static final Pattern RUN = Pattern.compile(
            "(?<![\\p{L}\\p{N}])[A-Za-z]{2}\\d{2}[A-Za-z0-9]*(?: [A-Za-z0-9]+)*(?![\\p{L}\\p{N}])");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9]+");
    static final int MIN_LENGTH = 15;
    static final int MAX_LENGTH = 34;

    private Ibans() {
    }

    /** An IBAN found: where it is in the text and its characters, upper case without spaces. */
    public record Found(int start, int end, String iban) {
        public String country() {
            return iban.substring(0, 2);
        }

        public String lastFour() {
            return iban.substring(iban.length() - 4);
        }
    }

    /** The IBANs in the text, left to right. */
    public static List<Found> find(CharSequence text) {
        List<Found> found = new ArrayList<>();
        Matcher run = RUN.matcher(text);
        int searchFrom = 0;
        while (searchFrom < text.length() && run.find(searchFrom)) {
            List<int[]> groups = new ArrayList<>();
            Matcher g = GROUP.matcher(text).region(run.start(), run.end());
            while (g.find()) {
                groups.add(new int[]{g.start(), g.end()});
            }
            StringBuilder chars = new StringBuilder();
            Found best = null;
            for (int[] group : groups) {
                chars.append(text, group[0], group[1]);
                if (chars.length() > MAX_LENGTH) {
                    break;
                }
                if (chars.length() >= MIN_LENGTH && valid(chars)) {
                    best = new Found(run.start(), group[1], chars.toString().toUpperCase(Locale.ROOT));
                }
            }
            if (best != null) {
                found.add(best);
                searchFrom = best.end();
            } else {
                // Not an IBAN from here: a later group of the same run may start one ("ref AB12 DE89 ...").
                searchFrom = groups.size() > 1 ? groups.get(1)[0] : run.end();
            }
        }
        return found;
    }

    /** Whether the characters (no spaces) form an IBAN by ISO 13616: letters, check digits, mod 97 = 1. */
    public static boolean valid(CharSequence iban) {
        int n = iban.length();
        if (n < MIN_LENGTH || n > MAX_LENGTH || !Character.isLetter(iban.charAt(0))
                || !Character.isLetter(iban.charAt(1)) || !Character.isDigit(iban.charAt(2))
                || !Character.isDigit(iban.charAt(3))) {
            return false;
        }
        int remainder = 0;
        for (int i = 0; i < n; i++) {
            char c = iban.charAt((i + 4) % n);   // the first four characters go to the end
            int v = Character.digit(c, 36);
            if (v < 0 || c > 'z') {
                return false;
            }
            remainder = v < 10 ? (remainder * 10 + v) % 97 : (remainder * 100 + v) % 97;
        }
        return remainder == 1;
    }
}
