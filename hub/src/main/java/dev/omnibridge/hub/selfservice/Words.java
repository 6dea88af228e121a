package dev.omnibridge.hub.selfservice;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A customer's text as the bot compares it with its word lists: lower case, accents dropped ("sí" is "si",
 * "Mitarbeiterin" is "mitarbeiterin"), split on anything that is not a letter or a digit.
 */
final class Words {
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");

    private Words() {
    }

    static List<String> of(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        String plain = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("")
                .toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        for (String w : SEPARATORS.split(plain)) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    /** Whether {@code phrase} (already split) occurs in {@code words} as consecutive words. */
    static boolean contains(List<String> words, List<String> phrase) {
        if (phrase.isEmpty() || phrase.size() > words.size()) {
            return false;
        }
        outer:
        for (int i = 0; i + phrase.size() <= words.size(); i++) {
            for (int j = 0; j < phrase.size(); j++) {
                if (!words.get(i + j).equals(phrase.get(j))) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Replaces every occurrence of {@code phrase} in {@code words} (a mutable list) with empty strings. */
    static void blank(List<String> words, List<String> phrase) {
        outer:
        for (int i = 0; i + phrase.size() <= words.size(); i++) {
            for (int j = 0; j < phrase.size(); j++) {
                if (!words.get(i + j).equals(phrase.get(j))) {
                    continue outer;
                }
            }
            for (int j = 0; j < phrase.size(); j++) {
                words.set(i + j, "");
            }
        }
    }

    /** The primary language subtag of a BCP 47 tag ({@code de-CH} is {@code de}); null stays null. */
    static String language(String tag) {
        if (tag == null || tag.isBlank()) {
            return null;
        }
        int dash = tag.indexOf('-');
        return (dash < 0 ? tag : tag.substring(0, dash)).toLowerCase(Locale.ROOT);
    }
}
