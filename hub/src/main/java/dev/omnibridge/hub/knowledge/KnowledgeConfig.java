package dev.omnibridge.hub.knowledge;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The knowledge base's sources ({@code knowledge:}): entry files next to the configuration, the languages to analyse,
 * and help-center syncs of desk instances.
 *
 * @param files     the entry files (YAML or Markdown), resolved against the configuration's folder
 * @param languages the languages whose analyzers the index uses (ISO 639-1); empty: English plus
 *                  {@code triage.languages} (the hub decides, see {@link #languagesOr})
 * @param sync      the help centers to read, one per desk instance
 */
public record KnowledgeConfig(List<Path> files, List<String> languages, List<Sync> sync) {
    public static final String KEY = "knowledge";
    /** How often a help center is read when {@code every} is not given. */
    public static final Duration DEFAULT_EVERY = Duration.ofHours(6);
    /** The shortest period allowed: a help center's API has rate limits, and articles change slowly. */
    public static final Duration MIN_EVERY = Duration.ofMinutes(5);

    public KnowledgeConfig {
        files = files == null ? List.of() : List.copyOf(files);
        languages = languages == null ? List.of() : List.copyOf(languages);
        sync = sync == null ? List.of() : List.copyOf(sync);
    }

    public KnowledgeConfig(List<Path> files) {
        this(files, List.of(), List.of());
    }

    public static KnowledgeConfig none() {
        return new KnowledgeConfig(List.of(), List.of(), List.of());
    }

    /** Whether there is anything to know: a file or a sync. */
    public boolean configured() {
        return !files.isEmpty() || !sync.isEmpty();
    }

    /** The configured languages, or English plus {@code fallback} (e.g. the triage's languages) when none are. */
    public List<String> languagesOr(List<String> fallback) {
        if (!languages.isEmpty()) {
            return languages;
        }
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        out.add("en");
        if (fallback != null) {
            fallback.forEach(l -> out.add(l.toLowerCase(java.util.Locale.ROOT)));
        }
        return List.copyOf(out);
    }

    /**
     * A help center to read.
     *
     * @param desk  the desk instance whose connector implements {@code HelpCenter}
     * @param every how often to read it
     */
    public record Sync(String desk, Duration every) {
        public Sync {
            Objects.requireNonNull(desk, "desk");
            every = every == null ? DEFAULT_EVERY : every;
        }
    }
}
