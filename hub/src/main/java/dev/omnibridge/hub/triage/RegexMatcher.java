package dev.omnibridge.hub.triage;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Regular expressions searched in a message's subject and text as written (case insensitive, Unicode aware),
 * compiled once. Scoped by language like {@link KeywordMatcher}.
 */
final class RegexMatcher {
    static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    private final LanguageScoped<Pattern> patterns;

    /** @param patterns compiled with {@link #FLAGS}, by language tag, {@link KeywordMatcher#ANY_LANGUAGE} for all */
    RegexMatcher(Map<String, List<Pattern>> patterns) {
        this.patterns = new LanguageScoped<>(patterns);
    }

    boolean matches(Facts facts) {
        String text = facts.plainText();
        return patterns.anyMatch(facts, p -> p.matcher(text).find());
    }
}
