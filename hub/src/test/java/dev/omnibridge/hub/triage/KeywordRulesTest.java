package dev.omnibridge.hub.triage;

import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.omnibridge.hub.triage.TriageConfigs.message;
import static org.assertj.core.api.Assertions.assertThat;

/** Keywords and regular expressions: whole words and phrases, case and accent insensitive, scoped by language. */
class KeywordRulesTest {
    private static final String CONFIG = """
            instances:
              - {id: email, type: email}
            triage:
              rules:
                - name: urgent-words
                  when:
                    keywords:
                      en: [urgent, asap, "not working"]
                      de: [dringend, sofort, "funktioniert nicht"]
                  set: {priority: URGENT, tags: [urgent]}
                - name: office
                  when: {keywords: [Büro]}
                  set: {tags: [office]}
                - name: order-number
                  when: {regex: ['\\bORD-\\d{6}\\b']}
                  set: {tags: [order]}
            """;

    @TempDir
    Path dir;

    private Classified classify(Triage triage, String language, String text) {
        return triage.classify(message("email", text).language(language).build(), 1);
    }

    @Test
    void aKeywordMatchesAsAWholeWordInAnyCaseButNotInsideALongerWord() {
        Triage triage = TriageConfigs.triage(dir, CONFIG);

        assertThat(classify(triage, "de", "Das ist DRINGEND!").firedRules()).containsExactly("urgent-words");
        assertThat(classify(triage, "de", "Sofort, bitte.").firedRules()).containsExactly("urgent-words");
        assertThat(classify(triage, "de", "Ein dringender Fall").firedRules()).isEmpty();
        assertThat(classify(triage, "en", "Resurgent demand").firedRules()).isEmpty();
    }

    @Test
    void aPhraseMatchesAcrossSpacingAndPunctuationButNotAsPartOfOtherWords() {
        Triage triage = TriageConfigs.triage(dir, CONFIG);

        assertThat(classify(triage, "de", "Der Drucker funktioniert\n  nicht.").firedRules())
                .containsExactly("urgent-words");
        assertThat(classify(triage, "de", "Es funktioniert nichts").firedRules()).isEmpty();
        assertThat(classify(triage, "en", "It's NOT working!!").firedRules()).containsExactly("urgent-words");
    }

    @Test
    void accentsAreIgnoredOnBothSides() {
        Triage triage = TriageConfigs.triage(dir, CONFIG);

        assertThat(classify(triage, "de", "im buro").firedRules()).containsExactly("office");
        assertThat(classify(triage, "de", "IM BURO").firedRules()).containsExactly("office");
        assertThat(classify(triage, "de", "im BÜRO").firedRules()).containsExactly("office");
        assertThat(classify(triage, "de", "im Büro").message().tags()).contains("office");
    }

    @Test
    void languageKeywordsApplyToTheirLanguageAndToUnknownLanguageOnly() {
        Triage triage = TriageConfigs.triage(dir, CONFIG);

        assertThat(classify(triage, "en", "dringend").firedRules()).isEmpty();
        assertThat(classify(triage, "de", "asap").firedRules()).isEmpty();
        assertThat(classify(triage, null, "dringend").firedRules()).containsExactly("urgent-words");
        assertThat(classify(triage, "de-AT", "dringend").firedRules()).containsExactly("urgent-words");
        // A plain list applies whatever the language.
        assertThat(classify(triage, "fr", "au bureau, pas au Büro").firedRules()).containsExactly("office");
    }

    @Test
    void theSubjectCountsAsMuchAsTheText() {
        Triage triage = TriageConfigs.triage(dir, CONFIG);
        Message m = message("email", "see subject").subject("URGENT: invoice").language("en").build();

        Classified c = triage.classify(m, 1);

        assertThat(c.firedRules()).containsExactly("urgent-words");
        assertThat(c.message().priority()).isEqualTo(Priority.URGENT);
        assertThat(c.message().metadata()).containsEntry(TriageRecord.RULES, "urgent-words");
    }

    @Test
    void aRegularExpressionIsSearchedCaseInsensitively() {
        Triage triage = TriageConfigs.triage(dir, CONFIG);

        assertThat(classify(triage, "en", "about ord-123456 please").firedRules()).containsExactly("order-number");
        assertThat(classify(triage, "en", "about ORD-12345 please").firedRules()).isEmpty();
    }

    @Test
    void lettersOfOtherScriptsAreWordsToo() {
        Triage triage = TriageConfigs.triage(dir, """
                instances:
                  - {id: email, type: email}
                triage:
                  rules:
                    - {name: greek-urgent, when: {keywords: {el: [επείγον]}}, set: {priority: URGENT}}
                    - {name: sharp-s, when: {keywords: [Straße]}, set: {tags: [street]}}
                """);

        assertThat(classify(triage, "el", "ΕΠΕΙΓΟΝ: δεν λειτουργεί").firedRules()).containsExactly("greek-urgent");
        assertThat(classify(triage, "el", "μη επείγοντα").firedRules()).isEmpty();
        assertThat(classify(triage, "de", "in der STRASSE").firedRules()).containsExactly("sharp-s");
        assertThat(classify(triage, "de", "in der straße 5").firedRules()).containsExactly("sharp-s");
    }
}
