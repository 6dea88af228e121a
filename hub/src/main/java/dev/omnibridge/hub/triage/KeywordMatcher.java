package dev.omnibridge.hub.triage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whole words and phrases in a message's subject and text, case and accent insensitive (see
 * {@link TextNormalizer}). Keywords listed under a language apply to messages in that language and to messages of
 * unknown language; keywords given as a plain list apply whatever the language.
 */
final class KeywordMatcher {
    /** The key of keywords that apply to every language. */
    static final String ANY_LANGUAGE = "*";

    private final String[] anyLanguage;
    private final String[] languages;
    private final String[][] byLanguage;
    private final String[] all;

    /** @param keywords by language tag, {@link #ANY_LANGUAGE} for the plain list; as configured */
    KeywordMatcher(Map<String, List<String>> keywords) {
        Map<String, String[]> languages = new LinkedHashMap<>();
        List<String> every = new ArrayList<>();
        String[] any = new String[0];
        for (Map.Entry<String, List<String>> e : keywords.entrySet()) {
            String[] needles = e.getValue().stream().map(TextNormalizer::normalize).filter(n -> !n.isBlank())
                    .distinct().toArray(String[]::new);
            every.addAll(List.of(needles));
            if (e.getKey().equals(ANY_LANGUAGE)) {
                any = needles;
            } else {
                languages.put(e.getKey(), needles);
            }
        }
        this.anyLanguage = any;
        this.languages = languages.keySet().toArray(String[]::new);
        this.byLanguage = languages.values().toArray(String[][]::new);
        this.all = every.stream().distinct().toArray(String[]::new);
    }

    /** A keyword in the form it is matched in, e.g. to check it is not empty once normalised. */
    static boolean meaningful(String keyword) {
        return !TextNormalizer.normalize(keyword).isBlank();
    }

    boolean matches(Facts facts) {
        String text = facts.normalizedText();
        if (facts.language == null) {
            return any(text, all);
        }
        if (any(text, anyLanguage)) {
            return true;
        }
        for (int i = 0; i < languages.length; i++) {
            if (facts.inLanguage(languages[i]) && any(text, byLanguage[i])) {
                return true;
            }
        }
        return false;
    }

    private static boolean any(String text, String[] needles) {
        for (String needle : needles) {
            if (text.contains(needle)) {
                return true;
            }
        }
        return false;
    }
}
