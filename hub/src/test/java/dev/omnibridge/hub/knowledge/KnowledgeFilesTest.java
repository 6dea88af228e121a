package dev.omnibridge.hub.knowledge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KnowledgeFilesTest {
    @TempDir
    Path dir;

    @Test
    void yamlEntriesHaveTheirQuestionsAnswersTagsAndLinkPerLanguage() throws Exception {
        Path file = write("faq.yaml", """
                entries:
                  - id: opening-hours
                    tags: [store, hours]
                    link: https://shop.example/hours
                    en:
                      title: Opening hours
                      questions:
                        - When are you open?
                        - What are your opening hours?
                      answer: We are open Monday to Friday, 9:00 to 18:00.
                    de-DE:
                      questions: Wann haben Sie geöffnet?
                      answer: |
                        Montag bis Freitag,
                        9 bis 18 Uhr.
                """);

        List<KnowledgeEntry> entries = KnowledgeFiles.read(file, "faq.yaml");

        assertThat(entries).hasSize(1);
        KnowledgeEntry e = entries.get(0);
        assertThat(e.id()).isEqualTo("opening-hours");
        assertThat(e.tags()).containsExactly("store", "hours");
        assertThat(e.link()).isEqualTo("https://shop.example/hours");
        assertThat(e.source()).isEqualTo("faq.yaml");
        assertThat(e.languages()).containsOnlyKeys("en", "de");
        assertThat(e.languages().get("en").title()).isEqualTo("Opening hours");
        assertThat(e.languages().get("en").questions()).containsExactly("When are you open?",
                "What are your opening hours?");
        assertThat(e.languages().get("de").title()).isEqualTo("Wann haben Sie geöffnet?");
        assertThat(e.languages().get("de").answer()).isEqualTo("Montag bis Freitag,\n9 bis 18 Uhr.");
    }

    @Test
    void markdownEntriesReadLikeTheirYamlTwins() throws Exception {
        Path file = write("faq.md", """
                # Store FAQ

                Anything before the first entry is an introduction.

                ## opening-hours
                Tags: store, hours
                Link: https://shop.example/hours

                ### en
                Title: Opening hours
                Q: When are you open?
                Q: What are your opening hours?

                We are open Monday to Friday.

                On holidays we are closed.

                ### de
                Q: Wann haben Sie geöffnet?

                Montag bis Freitag.

                ## returns
                ### en
                Q: How do I return an item?
                Send it back within 30 days.
                """);

        List<KnowledgeEntry> entries = KnowledgeFiles.read(file, "faq.md");

        assertThat(entries).extracting(KnowledgeEntry::id).containsExactly("opening-hours", "returns");
        KnowledgeEntry e = entries.get(0);
        assertThat(e.tags()).containsExactly("store", "hours");
        assertThat(e.link()).isEqualTo("https://shop.example/hours");
        assertThat(e.languages().get("en").title()).isEqualTo("Opening hours");
        assertThat(e.languages().get("en").questions()).containsExactly("When are you open?",
                "What are your opening hours?");
        assertThat(e.languages().get("en").answer()).isEqualTo("We are open Monday to Friday.\n\n"
                + "On holidays we are closed.");
        assertThat(e.languages().get("de").answer()).isEqualTo("Montag bis Freitag.");
        assertThat(entries.get(1).languages().get("en").answer()).isEqualTo("Send it back within 30 days.");
    }

    @Test
    void everyProblemOfAYamlFileIsReportedWithItsLineAndEntry() throws Exception {
        Path file = write("bad.yaml", """
                entries:
                  - id: ok
                    en: {questions: [Hi there], answer: Hello}
                  - id: no-answer
                    en:
                      questions: [Where is my order]
                  - id: ok
                    en: {questions: [Again], answer: Twice}
                  - id: bad-link
                    link: ftp://example.com
                    fr: {questions: [Bonjour], answer: Salut, colour: red}
                """);

        assertThatThrownBy(() -> KnowledgeFiles.read(file, "bad.yaml"))
                .isInstanceOfSatisfying(KnowledgeFileException.class, e -> assertThat(e.problems()).containsExactly(
                        "bad.yaml line 5: entry 'no-answer', language 'en': no answer",
                        "bad.yaml line 7: entry id 'ok' is used twice",
                        "bad.yaml line 11: unknown key 'colour' in language 'fr'; known: title, questions, answer",
                        "bad.yaml line 10: entry 'bad-link': link must be an http(s) URL"));
    }

    @Test
    void aMarkdownProblemNamesItsLine() throws Exception {
        Path file = write("bad.md", """
                ## shipping
                Colour: blue
                ### en
                Q: How long does shipping take?
                """);

        assertThatThrownBy(() -> KnowledgeFiles.read(file, "bad.md"))
                .isInstanceOfSatisfying(KnowledgeFileException.class, e -> assertThat(e.problems()).containsExactly(
                        "bad.md line 2: entry 'shipping': expected 'Tags:', 'Link:' or a '### <language>' heading",
                        "bad.md line 3: entry 'shipping', language 'en': no answer"));
    }

    @Test
    void aYamlSyntaxErrorNamesItsLineWithoutQuotingTheFile() throws Exception {
        Path file = write("broken.yaml", "entries:\n  - id: x\n    en: {questions: [a, answer: b\n");

        assertThatThrownBy(() -> KnowledgeFiles.read(file, "broken.yaml"))
                .isInstanceOf(KnowledgeFileException.class)
                .hasMessageStartingWith("broken.yaml line ")
                .hasMessageContaining("YAML syntax error");
    }

    @Test
    void aMissingFileSaysSo() {
        assertThatThrownBy(() -> KnowledgeFiles.read(dir.resolve("nope.yaml"), "nope.yaml"))
                .hasMessageContaining("nope.yaml: does not exist");
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
