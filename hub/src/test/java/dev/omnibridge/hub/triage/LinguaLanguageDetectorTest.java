package dev.omnibridge.hub.triage;

import dev.omnibridge.hub.triage.LanguageDetector.Detection;
import dev.omnibridge.hub.triage.LinguaLanguageDetector.Accuracy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/**
 * The detector on the language corpus (hub/src/test/resources/triage): short real-world style customer messages in
 * the seven languages of a European support team, and greetings too short to tell.
 */
class LinguaLanguageDetectorTest {
    private static final List<String> LANGUAGES = List.of("en", "de", "fr", "es", "pt", "it", "nl");
    /** Models load once per JVM: one detector for every test (the hub's default, low accuracy mode). */
    private static final LinguaLanguageDetector DETECTOR = LinguaLanguageDetector.forLanguages(LANGUAGES, 0.5);
    /** High accuracy mode: 180 MB of models, built only for the corpus tests and unloaded after them. */
    private static LinguaLanguageDetector high;

    static synchronized LinguaLanguageDetector detector(Accuracy accuracy) {
        if (accuracy == Accuracy.LOW) {
            return DETECTOR;
        }
        if (high == null) {
            high = LinguaLanguageDetector.forLanguages(LANGUAGES, 0.5, Accuracy.HIGH);
        }
        return high;
    }

    @AfterAll
    static void unloadHighAccuracyModels() {
        if (high != null) {
            high.unload();
        }
    }

    record Sample(String expected, String text) {
    }

    @ParameterizedTest
    @EnumSource(Accuracy.class)
    void detectsAtLeastNinetyPercentOfTheCorpus(Accuracy accuracy) throws IOException {
        List<Sample> corpus = samples("language-corpus.tsv");
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(105);

        Map<String, Map<String, Integer>> confusion = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        int right = 0;
        for (Sample s : corpus) {
            Detection d = detector(accuracy).detect(s.text());
            String got = d.known() ? d.language() : "unknown";
            confusion.computeIfAbsent(s.expected(), k -> new TreeMap<>()).merge(got, 1, Integer::sum);
            if (got.equals(s.expected())) {
                right++;
            } else {
                wrong.add(s.expected() + " -> " + got + " " + d.confidence() + ": " + s.text());
            }
        }
        double share = (double) right / corpus.size();
        assertThat(share)
                .as("%s accuracy: %d/%d right; confusion (expected -> detected): %s; misses:%n%s", accuracy, right,
                        corpus.size(), confusion, String.join("\n", wrong))
                .isGreaterThanOrEqualTo(0.9);
    }

    @ParameterizedTest
    @EnumSource(Accuracy.class)
    void greetingsAndMessagesOfUpToThreeWordsAreUnknownOrRightNeverWrong(Accuracy accuracy) throws IOException {
        List<String> wrongGuesses = new ArrayList<>();
        for (Sample s : samples("language-short.tsv")) {
            Detection d = detector(accuracy).detect(s.text());
            if (d.known() && !d.language().equals(s.expected())) {
                wrongGuesses.add("'" + s.text() + "' -> " + d.language() + " " + d.confidence()
                        + " (allowed: unknown" + ("-".equals(s.expected()) ? "" : " or " + s.expected()) + ")");
            }
        }
        assertThat(wrongGuesses).as("confident wrong guesses on messages of one to three words").isEmpty();
    }

    @Test
    void aSingleWordIsUnknownWhateverItsConfidence() {
        Detection danke = DETECTOR.detect("Danke");

        assertThat(danke.known()).isFalse();
        assertThat(danke.confidence()).isBetween(0.0, 1.0);
    }

    @Test
    void linksAddressesAndNumbersDoNotCountAsLanguage() {
        assertThat(DETECTOR.detect("https://shop.example.com/orders/4471193 max.mustermann@example.de +49 151 1234567"))
                .isEqualTo(Detection.unknown(0));
        assertThat(DETECTOR.detect("Bestellung A-4471193: https://shop.example.com/track?id=4471193").known())
                .isFalse();
    }

    @Test
    void theQuotedEarlierMailAndTheSignatureDoNotDecideTheLanguage() {
        String reply = """
                Bonjour, je n'ai toujours pas recu mon colis, pouvez vous verifier svp

                --\s
                Jean Dupont
                Sent from my phone

                On Tue, Dec 1, 2026 at 10:00 AM Support <help@shop.example> wrote:
                > Hello, thank you for your message. We will get back to you as soon as possible with an answer
                > about your delivery. Kind regards, your customer service team at the shop
                """;

        assertThat(LanguageText.of(reply)).isEqualTo("Bonjour, je n'ai toujours pas recu mon colis, pouvez vous verifier svp");
        assertThat(DETECTOR.detect(reply).language()).isEqualTo("fr");
    }

    @Test
    void aLongMessageIsJudgedOnItsBeginning() {
        String german = "Ich habe keine Bestaetigung per E-Mail bekommen, hat die Bestellung geklappt? ".repeat(40);
        String english = "Forwarded terms and conditions of the shop, quoted in full for reference. ".repeat(2_000);

        Detection d = DETECTOR.detect(german + english);

        assertThat(german.length()).isGreaterThan(LinguaLanguageDetector.MAX_CHARS);
        assertThat(d.language()).isEqualTo("de");
    }

    @Test
    void choosesOnlyAmongTheConfiguredLanguages() {
        LinguaLanguageDetector germanOrEnglish = LinguaLanguageDetector.forLanguages(List.of("DE", "en"), 0.5);

        Detection dutch = germanOrEnglish.detect("Ik kan niet inloggen op mijn account, het wachtwoord werkt niet");

        assertThat(germanOrEnglish.languages()).containsExactly("de", "en");
        assertThat(dutch.language()).isIn("de", "en", null);
    }

    @Test
    void oneConfiguredLanguageIsTheLanguageOfEveryTextWithLetters() {
        LinguaLanguageDetector german = LinguaLanguageDetector.forLanguages(List.of("de"), 0.5);

        assertThat(german.detect("where is my parcel")).isEqualTo(new Detection("de", 1));
        assertThat(german.detect("12345").known()).isFalse();
    }

    @Test
    void rejectsLanguagesItCannotDetectNamingThemAllAndWhatItSupports() {
        assertThatThrownBy(() -> LinguaLanguageDetector.forLanguages(List.of("de", "xx", "pt-BR", "klingon"), 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'xx' is not a language the detector knows")
                .hasMessageContaining("'pt-BR': detection tells languages, not regions: use 'pt'")
                .hasMessageContaining("'klingon'")
                .hasMessageContaining("supported: [af, ar, az, be, bg, bn, bs, ca, cs, cy, da, de, el, en, eo, es");
        assertThat(LinguaLanguageDetector.unsupported("nl")).isEmpty();
        assertThat(LinguaLanguageDetector.unsupported("")).isPresent();
        assertThat(LinguaLanguageDetector.unsupported("pt-BR")).hasValue(
                "'pt-BR': detection tells languages, not regions: use 'pt'");
        assertThat(LinguaLanguageDetector.unsupported("xx")).get(STRING)
                .startsWith("'xx' is not a language the detector knows (ISO 639-1 codes such as en, de); supported: [af, ")
                .contains(", nl, ").endsWith(", zu]");
        assertThatThrownBy(() -> LinguaLanguageDetector.forLanguages(List.of(), 0.5))
                .hasMessageStartingWith("no languages to detect");
        assertThatThrownBy(() -> LinguaLanguageDetector.forLanguages(List.of("de", "en"), 1.5))
                .hasMessageContaining("between 0 and 1");
    }

    @Test
    void givesTheSameAnswersFromManyThreadsAtOnce() throws Exception {
        List<Sample> corpus = samples("language-corpus.tsv");
        List<Detection> alone = corpus.stream().map(s -> DETECTOR.detect(s.text())).toList();

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Detection>> together = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (Sample s : corpus) {
                    together.add(pool.submit(() -> DETECTOR.detect(s.text())));
                }
            }
            for (int i = 0; i < together.size(); i++) {
                assertThat(together.get(i).get()).isEqualTo(alone.get(i % corpus.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static List<Sample> samples(String resource) throws IOException {
        try (InputStream in = Objects.requireNonNull(
                LinguaLanguageDetectorTest.class.getResourceAsStream("/triage/" + resource), resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split("\t", 2))
                    .map(f -> new Sample(f[0], f[1]))
                    .toList();
        }
    }
}
