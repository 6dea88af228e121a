package dev.omnibridge.hub.triage;

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

    private final LanguageScoped<String> keywords;

    /** @param keywords by language tag, {@link #ANY_LANGUAGE} for the plain list; as configured */
    KeywordMatcher(Map<String, List<String>> keywords) {
        Map<String, List<String>> normalized = new LinkedHashMap<>();
        keywords.forEach((language, list) -> normalized.put(language, list.stream().map(TextNormalizer::normalize)
                .filter(n -> !n.isBlank()).distinct().toList()));
        this.keywords = new LanguageScoped<>(normalized);
    }

    /** A keyword in the form it is matched in, e.g. to check it is not empty once normalised. */
    static boolean meaningful(String keyword) {
        return !TextNormalizer.normalize(keyword).isBlank();
    }

    boolean matches(Facts facts) {
        String text = facts.normalizedText();
        return keywords.anyMatch(facts, text::contains);
    }
}
