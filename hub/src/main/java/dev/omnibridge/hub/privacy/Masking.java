package dev.omnibridge.hub.privacy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks what a channel's configuration names in a text: {@code card} becomes {@code [card ****1111]} (last four
 * digits kept, as on a receipt), {@code iban} becomes {@code [IBAN DE** ****3000]} (country and last four kept),
 * and an operator's pattern becomes {@code [<name>]}. IBANs go first, so that the digits of an IBAN are not read as
 * a card number. The masked text says what was there, so an agent knows to ask for it another way, and nothing of
 * the original that identifies it.
 */
public final class Masking {
    private final List<String> kinds;
    private final Map<String, Pattern> patterns;

    /**
     * @param kinds    what to mask, in the configured order ({@code card}, {@code iban}, pattern names)
     * @param patterns the operator's patterns by name
     */
    public Masking(List<String> kinds, Map<String, Pattern> patterns) {
        List<String> ordered = new ArrayList<>(kinds);
        // IBAN before card: an IBAN's digit groups could pass a Luhn check on their own.
        ordered.sort(Comparator.comparingInt(k -> k.equals(PrivacyConfig.IBAN) ? 0
                : k.equals(PrivacyConfig.CARD) ? 1 : 2));
        this.kinds = List.copyOf(ordered);
        this.patterns = Map.copyOf(patterns);
    }

    public boolean masksNothing() {
        return kinds.isEmpty();
    }

    /** A text after masking, and how many of each kind were masked (empty when the text is unchanged). */
    public record Result(String text, Map<String, Integer> counts) {
        public boolean changed() {
            return !counts.isEmpty();
        }
    }

    /** The text masked; null stays null. */
    public Result mask(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (text == null || text.isEmpty() || kinds.isEmpty()) {
            return new Result(text, counts);
        }
        String out = text;
        for (String kind : kinds) {
            int before = counts.getOrDefault(kind, 0);
            String masked = switch (kind) {
                case PrivacyConfig.CARD -> cards(out, counts);
                case PrivacyConfig.IBAN -> ibans(out, counts);
                default -> pattern(kind, out, counts);
            };
            if (counts.getOrDefault(kind, 0) > before) {
                out = masked;
            }
        }
        return new Result(out, counts);
    }

    static String cardMask(String lastFour) {
        return "[card ****" + lastFour + "]";
    }

    static String ibanMask(String country, String lastFour) {
        return "[IBAN " + country + "** ****" + lastFour + "]";
    }

    private static String cards(String text, Map<String, Integer> counts) {
        List<CardNumbers.Found> found = CardNumbers.find(text);
        if (found.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (CardNumbers.Found f : found) {
            out.append(text, at, f.start()).append(cardMask(f.lastFour()));
            at = f.end();
        }
        counts.merge(PrivacyConfig.CARD, found.size(), Integer::sum);
        return out.append(text, at, text.length()).toString();
    }

    private static String ibans(String text, Map<String, Integer> counts) {
        List<Ibans.Found> found = Ibans.find(text);
        if (found.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Ibans.Found f : found) {
            out.append(text, at, f.start()).append(ibanMask(f.country(), f.lastFour()));
            at = f.end();
        }
        counts.merge(PrivacyConfig.IBAN, found.size(), Integer::sum);
        return out.append(text, at, text.length()).toString();
    }

    private String pattern(String name, String text, Map<String, Integer> counts) {
        Pattern p = patterns.get(name);
        if (p == null) {
            return text;
        }
        Matcher m = p.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int n = 0;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;   // an empty match masks nothing
            }
            m.appendReplacement(out, Matcher.quoteReplacement("[" + name + "]"));
            n++;
        }
        if (n == 0) {
            return text;
        }
        m.appendTail(out);
        counts.merge(name, n, Integer::sum);
        return out.toString();
    }
}
