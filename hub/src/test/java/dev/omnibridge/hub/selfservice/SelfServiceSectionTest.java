package dev.omnibridge.hub.selfservice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code selfService:}: defaults, per-instance overrides, and every problem reported at once. */
class SelfServiceSectionTest {
    private static final List<HubConfig.Instance> INSTANCES = List.of(
            new HubConfig.Instance("web", "webhook-channel", true, Map.of()),
            new HubConfig.Instance("sms", "twilio-sms", true, Map.of()));

    private final List<ConfigProblem> problems = new ArrayList<>();

    private SelfServiceConfig read(String yaml) throws Exception {
        JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        return SelfServiceSection.read(node == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                : node.path("selfService"), INSTANCES, problems);
    }

    @Test
    void withoutTheSectionTheBotIsOffEverywhere() throws Exception {
        SelfServiceConfig config = read("other: 1\n");

        assertThat(problems).isEmpty();
        assertThat(config.anyOn()).isFalse();
        assertThat(config.mode("web")).isEqualTo(SelfServiceMode.OFF);
        assertThat(config.forInstance("web").threshold()).isEqualTo(0.5);
        assertThat(config.forInstance("web").maxAnswers()).isEqualTo(2);
    }

    @Test
    void instancesTakeTheSectionsKeysWithTheirOwnOverThem() throws Exception {
        SelfServiceConfig config = read("""
                selfService:
                  mode: off
                  threshold: 0.4
                  maxAnswers: 3
                  restartAfter: 12h
                  channels:
                    web: {mode: answer, threshold: 0.6}
                    sms: {mode: suggest}
                """);

        assertThat(problems).isEmpty();
        assertThat(config.anyOn()).isTrue();
        assertThat(config.forInstance("web")).isEqualTo(new SelfServiceSettings(SelfServiceMode.ANSWER, 0.6, 3,
                Duration.ofHours(12)));
        assertThat(config.forInstance("sms")).isEqualTo(new SelfServiceSettings(SelfServiceMode.SUGGEST, 0.4, 3,
                Duration.ofHours(12)));
        assertThat(config.forInstance("other")).isEqualTo(new SelfServiceSettings(SelfServiceMode.OFF, 0.4, 3,
                Duration.ofHours(12)));
    }

    @Test
    void everyProblemIsReportedWhereItIsWritten() throws Exception {
        read("""
                selfService:
                  mode: always
                  threshold: 1.5
                  maxAnswers: 0
                  restartAfter: soon
                  colour: blue
                  handOffWords: {english: [agent], de: "mensch"}
                  channels:
                    chat: {mode: answer}
                    web: {mode: answer, threshold: -0.1, tone: friendly}
                    sms: suggest
                """);

        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "selfService.colour", "selfService.mode", "selfService.threshold", "selfService.maxAnswers",
                "selfService.restartAfter", "selfService.handOffWords.english", "selfService.handOffWords.de",
                "selfService.channels.chat", "selfService.channels.web.tone", "selfService.channels.web.threshold",
                "selfService.channels.sms");
        assertThat(problems).filteredOn(p -> p.key().equals("selfService.mode")).singleElement()
                .extracting(ConfigProblem::message).asString().isEqualTo("must be off, suggest or answer (was 'always')");
        assertThat(problems).filteredOn(p -> p.key().equals("selfService.channels.chat")).singleElement()
                .extracting(ConfigProblem::message).asString().isEqualTo("names unknown instance 'chat'");
        assertThat(problems).filteredOn(p -> p.key().endsWith("threshold")).allSatisfy(p ->
                assertThat(p.message()).startsWith("must be a number from 0 to 1"));
    }

    @Test
    void validateSaysWhenAChannelsEntryNamesADesk(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("omnibridge.yaml");
        java.nio.file.Files.writeString(file, """
                hub: {adminToken: admin-token-123}
                instances:
                  - {id: web, type: chat}
                  - {id: inbox, type: console-inbox}
                routes:
                  - {from: web, to: [inbox]}
                selfService:
                  channels:
                    web: {mode: answer}
                    inbox: {mode: answer}
                """);
        var loaded = dev.omnibridge.hub.config.ConfigLoader.withSystemEnvironment().load(file);
        assertThat(loaded.problems()).isEmpty();
        var catalog = dev.omnibridge.hub.plugins.ConnectorCatalog.load(dir.resolve("plugins"), List.of(
                new dev.omnibridge.hub.inbox.ConsoleInboxType(),
                new dev.omnibridge.hub.testing.TestType("chat", "a chat", dev.omnibridge.hub.testing.QuietChannel::new)));
        try {
            assertThat(dev.omnibridge.hub.runtime.ConfigCheck.check(loaded.config(), catalog))
                    .extracting(ConfigProblem::key, ConfigProblem::message)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("selfService.channels.inbox", "'inbox' is a "
                            + "desk, not a channel: the self-service bot answers customers on channel instances"));
        } finally {
            catalog.close();
        }
    }

    @Test
    void ownHandOffWordsReplaceALanguagesBuiltInList() throws Exception {
        SelfServiceConfig config = read("""
                selfService:
                  mode: answer
                  handOffWords:
                    en: [colleague, "real human"]
                """);

        assertThat(problems).isEmpty();
        assertThat(config.handOffWords().asksForPerson("May I talk to a colleague?")).isTrue();
        assertThat(config.handOffWords().asksForPerson("a real human please")).isTrue();
        assertThat(config.handOffWords().asksForPerson("I want an agent")).as("de, fr, es still list agent")
                .isTrue();
        assertThat(config.handOffWords().asksForPerson("I need a representative")).as("en's own list replaced")
                .isFalse();
    }
}
