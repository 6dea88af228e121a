package dev.omnibridge.hub.triage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Regular expressions searched in a message's subject and text as written (case insensitive, Unicode aware),
 * compiled once. Scoped by language like {@link KeywordMatcher}.
 */
final class RegexMatcher {
    static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    private final Pattern[] anyLanguage;
    private final String[] languages;
    private final Pattern[][] byLanguage;
    private final Pattern[] all;

    /** @param patterns compiled with {@link #FLAGS}, by language tag, {@link KeywordMatcher#ANY_LANGUAGE} for all */
    RegexMatcher(Map<String, List<Pattern>> patterns) {
        Map<String, Pattern[]> languages = new LinkedHashMap<>();
        List<Pattern> every = new ArrayList<>();
        Pattern[] any = new Pattern[0];
        for (Map.Entry<String, List<Pattern>> e : patterns.entrySet()) {
            Pattern[] list = e.getValue().toArray(Pattern[]::new);
            every.addAll(e.getValue());
            if (e.getKey().equals(KeywordMatcher.ANY_LANGUAGE)) {
                any = list;
            } else {
                languages.put(e.getKey(), list);
            }
        }
        this.anyLanguage = any;
        this.languages = languages.keySet().toArray(String[]::new);
        this.byLanguage = languages.values().toArray(Pattern[][]::new);
        this.all = every.toArray(Pattern[]::new);
    }

    boolean matches(Facts facts) {
        String text = facts.plainText();
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

    private static boolean any(String text, Pattern[] patterns) {
        for (Pattern p : patterns) {
            if (p.matcher(text).find()) {
                return true;
            }
        }
        return false;
    }
}
