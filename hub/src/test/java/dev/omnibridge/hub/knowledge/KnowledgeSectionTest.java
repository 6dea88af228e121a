package dev.omnibridge.hub.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KnowledgeSectionTest {
    private static final List<HubConfig.Instance> INSTANCES = List.of(
            new HubConfig.Instance("zendesk", "zendesk", true, Map.of()),
            new HubConfig.Instance("web", "webchat", true, Map.of()));

    @TempDir
    Path dir;

    @Test
    void filesLanguagesAndSyncsAreReadAgainstTheConfigurationsFolder() throws Exception {
        Files.createDirectories(dir.resolve("knowledge"));
        Files.writeString(dir.resolve("knowledge/faq.yaml"), "entries:\n  - id: a\n    en: {questions: [Hi], "
                + "answer: Hello}\n");
        List<ConfigProblem> problems = new ArrayList<>();

        KnowledgeConfig config = KnowledgeSection.read(yaml("""
                files: [knowledge/faq.yaml]
                languages: [en, DE, pt-BR]
                sync:
                  - desk: zendesk
                    every: 30m
                """), dir, INSTANCES, problems);

        assertThat(problems).isEmpty();
        assertThat(config.files()).containsExactly(dir.resolve("knowledge/faq.yaml"));
        assertThat(config.languages()).containsExactly("en", "de", "pt");
        assertThat(config.sync()).containsExactly(new KnowledgeConfig.Sync("zendesk", Duration.ofMinutes(30)));
        assertThat(KnowledgeSection.read(yaml("sync: [{desk: zendesk}]"), dir, INSTANCES, problems).sync().get(0)
                .every()).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void everyProblemIsReportedAtOnceIncludingTheEntryFilesOwn() throws Exception {
        Files.writeString(dir.resolve("bad.md"), "## x\n### en\nQ: Hi\n");
        List<ConfigProblem> problems = new ArrayList<>();

        KnowledgeSection.read(yaml("""
                files: [missing.yaml, bad.md, notes.txt]
                languages: [english]
                sync:
                  - desk: freshdesk
                  - desk: zendesk
                    every: 1m
                  - desk: zendesk
                colour: blue
                """), dir, INSTANCES, problems);

        assertThat(problems).extracting(p -> p.key() + ": " + p.message()).containsExactly(
                "knowledge.colour: unknown key; known: files, languages, sync",
                "knowledge.files: missing.yaml: does not exist (" + dir.resolve("missing.yaml") + ")",
                "knowledge.files: bad.md line 2: entry 'x', language 'en': no answer",
                "knowledge.files: 'notes.txt': entry files end in .yaml, .yml or .md",
                "knowledge.languages: 'english' is not a language code (e.g. en, de)",
                "knowledge.sync[0].desk: no instance has the id 'freshdesk' (known: [web, zendesk])",
                "knowledge.sync[1].every: must be at least 5m (help centers limit their API), was '1m'",
                "knowledge.sync[2].desk: 'zendesk' is synced twice");
    }

    private static JsonNode yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(text);
    }
}
