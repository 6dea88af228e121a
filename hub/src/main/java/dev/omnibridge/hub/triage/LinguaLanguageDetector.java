package dev.omnibridge.hub.triage;

import com.github.pemistahl.lingua.api.IsoCode639_1;
import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Detects the language of a customer's message offline with <a href="https://github.com/pemistahl/lingua">Lingua</a>
 * (low accuracy mode by default, models loaded when it is built), choosing only among the languages configured.
 *
 * <p>Lingua 1.2.2's confidence values are relative: the best fitting of the configured languages gets 1.0 and each
 * other one the ratio of the two log-likelihoods (0.96 for Portuguese when "Hola, mi pedido no ha llegado" is scored
 * against Spanish). So the top value says nothing; what tells a safe answer from a guess is how far the runner-up is
 * behind, its <em>lead</em> {@code 1 - runnerUp}. The confidence reported is that lead on a 0 to 1 scale:
 * {@code 1 - 2^(-lead / }{@value #HALF_CONFIDENCE_LEAD}{@code )}: 0.5 when the runner-up fits 5 % worse, 0.75 at
 * 10 %, 0.94 at 20 %. On the test corpus right answers lead by 0.02 to 0.43 (median 0.22), and the wrong answers
 * on three-word texts of 15 letters or more by less than 0.05 ("ciao, grazie mille!" scored Dutch); so
 * {@code minConfidence: 0.5} (the default) keeps nearly every right answer and drops those guesses.
 *
 * <p>Shorter texts are wrong with larger leads ("danke schoen" is Dutch by 0.26: "schoen" is Dutch for shoe;
 * "super, merci bien" Spanish by 0.15), so a text must also have at least {@value #MIN_WORDS} words and
 * {@value #MIN_LETTERS} letters once links, addresses and numbers are gone (see {@link LanguageText}): greetings and
 * thanks ("ok", "Danke", "merci beaucoup") are unknown rather than a confident wrong guess. With a single language
 * configured, every text with letters is in it.
 *
 * <p>Thread safe: Lingua's detector keeps no per-call state and its models are read-only once loaded; the models are
 * loaded when the detector is built (hub start), never on an ingest thread.
 */
public final class LinguaLanguageDetector implements LanguageDetector {
    /** Fewer words than this: unknown (greetings and thanks do not tell a language). */
    static final int MIN_WORDS = 3;
    /** Fewer letters than this: unknown ("colis pas recu" has too few n-grams to go on; Lingua says Portuguese). */
    static final int MIN_LETTERS = 15;
    /**
     * Only the beginning of a long text is judged: it tells the language as well as the whole, and the time per
     * detection stays bounded on the ingest thread (about 5 ms for 2,000 characters against 66 ms for 100,000).
     */
    static final int MAX_CHARS = 2_000;
    /** The runner-up's relative distance at which the confidence is 0.5. */
    static final double HALF_CONFIDENCE_LEAD = 0.05;

    private final Map<Language, String> tags;
    private final com.github.pemistahl.lingua.api.LanguageDetector lingua;
    private final double minConfidence;

    /** Which of Lingua's models to use: the memory they take against how well they do on short texts. */
    public enum Accuracy {
        /**
         * Trigram models only: about 1 MB of heap per language, loaded in well under a second. On the test corpus
         * (3 to 25 words) its best language is always the right one, as with {@link #HIGH}; one more falls under
         * the confidence threshold.
         */
        LOW,
        /**
         * Unigram to fivegram models: better on texts of a few words, but about 26 MB of heap per language (183 MB
         * for seven, more than the launcher's default 256 MB heap can spare) and 5 s to load. Needs Lingua's full
         * jar: the hub's distribution ships the trigram models only.
         */
        HIGH
    }

    private LinguaLanguageDetector(Map<Language, String> tags, double minConfidence, Accuracy accuracy) {
        this.tags = tags;
        this.minConfidence = minConfidence;
        if (tags.size() < 2) {
            this.lingua = null;
        } else {
            if (accuracy == Accuracy.HIGH) {
                // Lingua would take a missing model for an empty one and answer worse without a word.
                for (Language l : tags.keySet()) {
                    String model = "/language-models/" + l.getIsoCode639_1().name().toLowerCase(Locale.ROOT)
                            + "/fivegrams.json";
                    if (Language.class.getResource(model) == null) {
                        throw new IllegalStateException("high accuracy language detection needs Lingua's full jar"
                                + " (" + model + " is missing): the hub's distribution ships the trigram models only");
                    }
                }
            }
            LanguageDetectorBuilder builder = LanguageDetectorBuilder
                    .fromLanguages(tags.keySet().toArray(Language[]::new))
                    .withPreloadedLanguageModels();
            this.lingua = (accuracy == Accuracy.LOW ? builder.withLowAccuracyMode() : builder).build();
        }
    }

    /** A detector choosing among {@code languageTags} with {@link Accuracy#LOW}, the hub's default. */
    public static LinguaLanguageDetector forLanguages(Collection<String> languageTags, double minConfidence) {
        return forLanguages(languageTags, minConfidence, Accuracy.LOW);
    }

    /**
     * A detector choosing among {@code languageTags}; loads their models now, so that no ingest thread waits for
     * them (figures in docs/contracts.md, Language detection).
     *
     * @param languageTags  ISO 639-1 codes such as {@code de}, {@code en} (case insensitive); at least one
     * @param minConfidence 0 to 1: below it a detection is unknown
     * @param accuracy      which models to load
     * @throws IllegalArgumentException naming every unsupported tag and the languages that are supported
     */
    public static LinguaLanguageDetector forLanguages(Collection<String> languageTags, double minConfidence,
                                                      Accuracy accuracy) {
        if (languageTags.isEmpty()) {
            throw new IllegalArgumentException("no languages to detect: name at least one of " + supported());
        }
        if (!(minConfidence >= 0 && minConfidence <= 1)) {
            throw new IllegalArgumentException("minConfidence must be between 0 and 1, not " + minConfidence);
        }
        List<String> problems = new ArrayList<>();
        Map<Language, String> tags = new EnumMap<>(Language.class);
        for (String tag : languageTags) {
            problem(tag).ifPresentOrElse(problems::add, () -> tags.put(language(tag), normal(tag)));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems) + "; supported: " + supported());
        }
        return new LinguaLanguageDetector(tags, minConfidence, accuracy);
    }

    /**
     * Why {@code tag} cannot be detected, or empty when it can: for configuration checks, which list every problem
     * at once. The message names the tag and, for a code the detector does not know, the codes it does.
     */
    public static Optional<String> unsupported(String tag) {
        return problem(tag).map(p -> language(tag == null ? "" : regionless(normal(tag))) == null
                ? p + "; supported: " + supported() : p);
    }

    private static Optional<String> problem(String tag) {
        if (tag == null || tag.isBlank()) {
            return Optional.of("a language must be an ISO 639-1 code such as en or de, not empty");
        }
        String t = normal(tag);
        if (t.contains("-")) {
            return Optional.of("'" + tag + "': detection tells languages, not regions: use '" + regionless(t) + "'");
        }
        return language(t) == null
                ? Optional.of("'" + tag + "' is not a language the detector knows (ISO 639-1 codes such as en, de)")
                : Optional.empty();
    }

    private static String regionless(String tag) {
        return tag.contains("-") ? tag.substring(0, tag.indexOf('-')) : tag;
    }

    /** The ISO 639-1 codes of every language the detector can tell, sorted. */
    public static Set<String> supported() {
        Set<String> codes = new TreeSet<>();
        for (Language l : Language.values()) {
            if (l != Language.UNKNOWN) {
                codes.add(l.getIsoCode639_1().name().toLowerCase(Locale.ROOT));
            }
        }
        return codes;
    }

    /** The languages this detector chooses among, as configured (lower case). */
    public Set<String> languages() {
        return new TreeSet<>(tags.values());
    }

    /**
     * Frees the models of this detector's languages. Lingua keeps them per JVM, shared by every detector: another
     * detector of the same languages loads them again on its next detection.
     */
    public void unload() {
        if (lingua != null) {
            lingua.unloadLanguageModels();
        }
    }

    @Override
    public Detection detect(String text) {
        String cleaned = beginning(LanguageText.of(text));
        int letters = LanguageText.letters(cleaned);
        if (letters == 0) {
            return Detection.unknown(0);
        }
        if (lingua == null) {
            return new Detection(tags.values().iterator().next(), 1);
        }
        SortedMap<Language, Double> values = lingua.computeLanguageConfidenceValues(cleaned);
        if (values.isEmpty()) {
            return Detection.unknown(0);
        }
        // Lingua sorts by descending value: the best fitting language (1.0) first, then the runner-up. A single
        // entry: Lingua decided by a letter only one of the languages has (ß, ñ, ã...).
        Iterator<Map.Entry<Language, Double>> it = values.entrySet().iterator();
        Language top = it.next().getKey();
        double runnerUp = it.hasNext() ? it.next().getValue() : 0;
        double confidence = confidence(1 - runnerUp);
        boolean enough = LanguageText.words(cleaned) >= MIN_WORDS && letters >= MIN_LETTERS;
        if (!enough || confidence < minConfidence) {
            return Detection.unknown(confidence);
        }
        return new Detection(tags.get(top), confidence);
    }

    private static String beginning(String cleaned) {
        if (cleaned.length() <= MAX_CHARS) {
            return cleaned;
        }
        int end = cleaned.lastIndexOf(' ', MAX_CHARS);
        return cleaned.substring(0, end > 0 ? end : MAX_CHARS);
    }

    /** The confidence for a lead over the runner-up, rounded to two decimals as it is stored and shown. */
    static double confidence(double lead) {
        double c = 1 - Math.pow(2, -Math.max(0, lead) / HALF_CONFIDENCE_LEAD);
        return Math.round(c * 100) / 100.0;
    }

    private static String normal(String tag) {
        return tag.strip().replace('_', '-').toLowerCase(Locale.ROOT);
    }

    /** The Lingua language of an ISO 639-1 code, or null. */
    private static Language language(String tag) {
        String t = normal(tag);
        for (Language l : EnumSet.complementOf(EnumSet.of(Language.UNKNOWN))) {
            if (l.getIsoCode639_1() != IsoCode639_1.NONE && l.getIsoCode639_1().name().equalsIgnoreCase(t)) {
                return l;
            }
        }
        return null;
    }
}
