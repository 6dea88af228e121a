package dev.omnibridge.hub.knowledge;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KnowledgeSearchTest {
    private final KnowledgeService base = KnowledgeService.of(List.of(
            entry("opening-hours", "en", List.of("What are your opening hours?", "When is the store open?"),
                    "We are open 9 to 18."),
            entry("returns", "en", List.of("How do I return an item?", "Can I send my order back?"),
                    "Send it back within 30 days."),
            entry("retour", "de", List.of("Wie kann ich einen Artikel zurücksenden?"), "Innerhalb von 30 Tagen.")),
            List.of("en", "de"));

    @Test
    void aQuestionThatIsOneOfTheVariantsHasFullConfidence() {
        KnowledgeMatch m = base.best("What are your opening hours?", "en").orElseThrow();

        assertThat(m.entryId()).isEqualTo("opening-hours");
        assertThat(m.confidence()).isEqualTo(1.0);
        assertThat(m.answer()).isEqualTo("We are open 9 to 18.");
        assertThat(m.language()).isEqualTo("en");
    }

    @Test
    void aParaphraseFindsItsEntryAndAnUnrelatedQuestionScoresLow() {
        KnowledgeMatch m = base.best("hi, when does your store open tomorrow?", "en").orElseThrow();
        assertThat(m.entryId()).isEqualTo("opening-hours");
        assertThat(m.confidence()).isGreaterThan(0.5);

        assertThat(base.best("my cat ate the router cable", "en").map(KnowledgeMatch::confidence).orElse(0.0))
                .isLessThan(0.5);
    }

    @Test
    void theQuestionsLanguageChoosesTheAnalyzerAndWithoutOneEveryLanguageIsTried() {
        assertThat(base.best("Artikel zurücksenden", "de")).map(KnowledgeMatch::entryId).contains("retour");
        assertThat(base.best("Artikel zurücksenden", null)).map(KnowledgeMatch::entryId).contains("retour");
        assertThat(base.top("send back my order", "en", 3)).first().extracting(KnowledgeMatch::entryId)
                .isEqualTo("returns");
    }

    @Test
    void aVeryLongMessageIsSearchedWithoutFailing() {
        String words = String.join(" ", java.util.stream.IntStream.range(0, 3000)
                .mapToObj(i -> "returning" + i + " return returns returned opening").toList());

        assertThat(base.top(words, "en", 3)).isNotEmpty();
        assertThat(base.top(words, null, 3)).isNotEmpty();
    }

    static KnowledgeEntry entry(String id, String lang, List<String> questions, String answer) {
        return new KnowledgeEntry(id, Map.of(lang, new KnowledgeEntry.Text(null, questions, answer)), List.of(),
                null, "test");
    }
}
