package dev.omnibridge.hub.triage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Entries of a condition (keywords, regular expressions) scoped by language: those listed under a language apply to
 * messages in that language (a region of it included) and to messages of unknown language; those of the plain list
 * ({@link KeywordMatcher#ANY_LANGUAGE}) apply whatever the language.
 */
final class LanguageScoped<T> {
    private final List<T> anyLanguage;
    private final String[] languages;
    private final List<List<T>> byLanguage;
    private final List<T> all;

    /** @param entries by language tag, {@link KeywordMatcher#ANY_LANGUAGE} for the plain list */
    LanguageScoped(Map<String, List<T>> entries) {
        Map<String, List<T>> scoped = new LinkedHashMap<>();
        List<T> every = new ArrayList<>();
        List<T> any = List.of();
        for (Map.Entry<String, List<T>> e : entries.entrySet()) {
            List<T> list = List.copyOf(e.getValue());
            list.stream().filter(t -> !every.contains(t)).forEach(every::add);
            if (e.getKey().equals(KeywordMatcher.ANY_LANGUAGE)) {
                any = list;
            } else {
                scoped.put(e.getKey(), list);
            }
        }
        this.anyLanguage = any;
        this.languages = scoped.keySet().toArray(String[]::new);
        this.byLanguage = List.copyOf(scoped.values());
        this.all = List.copyOf(every);
    }

    /** Whether an entry that applies to the message passes {@code test}. */
    boolean anyMatch(Facts facts, Predicate<T> test) {
        if (facts.language == null) {
            return any(all, test);
        }
        if (any(anyLanguage, test)) {
            return true;
        }
        for (int i = 0; i < languages.length; i++) {
            if (facts.inLanguage(languages[i]) && any(byLanguage.get(i), test)) {
                return true;
            }
        }
        return false;
    }

    private static <T> boolean any(List<T> entries, Predicate<T> test) {
        for (T entry : entries) {
            if (test.test(entry)) {
                return true;
            }
        }
        return false;
    }
}
