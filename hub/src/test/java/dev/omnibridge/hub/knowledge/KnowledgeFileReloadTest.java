package dev.omnibridge.hub.knowledge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KnowledgeFileReloadTest {
    @TempDir
    Path dir;

    @Test
    void anEditedFileIsTakenWholeAndABrokenOneKeepsTheLastGoodEntries() throws Exception {
        Path faq = dir.resolve("faq.md");
        Files.writeString(faq, "## hours\n### en\nQ: When are you open?\n\nNine to six.\n");
        try (KnowledgeService base = new KnowledgeService(new KnowledgeConfig(List.of(faq)), List.of("en"),
                desk -> HelpCenterLookup.Found.none("none"), Clock.systemUTC(), null)) {
            base.start();
            assertThat(base.best("when are you open", "en")).map(KnowledgeMatch::answer).contains("Nine to six.");

            Files.writeString(faq, "## hours\n### en\nQ: When are you open?\n\nEight to eight.\n\n"
                    + "## returns\n### en\nQ: How do I return an item?\n\nWithin 30 days.\n");
            base.refresh();
            assertThat(base.entries()).extracting(KnowledgeEntry::id).containsExactly("hours", "returns");
            assertThat(base.best("when are you open", "en")).map(KnowledgeMatch::answer).contains("Eight to eight.");

            Files.writeString(faq, "## hours\n### en\nQ: When are you open?\n");
            KnowledgeSource source = base.refresh().get(0);
            assertThat(source.state()).isEqualTo(KnowledgeSource.State.FAILED);
            assertThat(source.lastError()).isEqualTo("faq.md line 2: entry 'hours', language 'en': no answer");
            assertThat(source.entries()).isEqualTo(2);
            assertThat(base.best("return an item", "en")).map(KnowledgeMatch::entryId).contains("returns");
        }
    }
}
