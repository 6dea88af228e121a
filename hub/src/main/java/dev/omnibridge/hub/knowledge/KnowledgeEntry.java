package dev.omnibridge.hub.knowledge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One answer the hub can give, in one or more languages.
 *
 * @param id        unique in the base: a file entry's own id, {@code <desk>:<article id>} for a synced article
 * @param languages the entry's text by language (ISO 639-1, lower case), in the order the source gave them
 * @param tags      free labels (shown in the console, carried into suggestions)
 * @param link      a page with more, may be null
 * @param source    where the entry comes from: a file's name or a desk instance id
 */
public record KnowledgeEntry(String id, Map<String, Text> languages, List<String> tags, String link, String source) {
    public KnowledgeEntry {
        Objects.requireNonNull(id, "id");
        if (languages == null || languages.isEmpty()) {
            throw new IllegalArgumentException("entry " + id + " has no language");
        }
        languages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(languages));
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /**
     * The entry in one language.
     *
     * @param title     what the entry is about (shown to agents and in the console); its first question when not
     *                  given
     * @param questions how customers ask for it; the title is searched too
     * @param answer    the answer's text
     */
    public record Text(String title, List<String> questions, String answer) {
        public Text {
            questions = questions == null ? List.of() : List.copyOf(questions);
            Objects.requireNonNull(answer, "answer");
            if (title == null || title.isBlank()) {
                title = questions.isEmpty() ? "" : questions.get(0);
            }
        }

        /** The title and every question, without repeats: what the index searches. */
        public List<String> searchable() {
            List<String> out = new ArrayList<>();
            if (!title.isBlank()) {
                out.add(title);
            }
            questions.stream().filter(q -> !out.contains(q)).forEach(out::add);
            return out;
        }
    }

    /** The first language's text: the entry's title in the console. */
    public Text first() {
        return languages.values().iterator().next();
    }

    /** A language tag as the base keeps it: its primary subtag, lower case ({@code en-US} → {@code en}). */
    public static String language(String tag) {
        if (tag == null || tag.isBlank()) {
            return null;
        }
        String t = tag.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        int dash = t.indexOf('-');
        return dash > 0 ? t.substring(0, dash) : t;
    }
}
