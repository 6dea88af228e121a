package dev.omnibridge.hub.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.ConfigLoader;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code firstResponse:} configuration section, and which messages start and stop a clock. */
class FirstResponseSettingsTest {
    private static final List<String> INSTANCES = List.of("web", "sms", "desk");

    @TempDir
    Path dir;

    private static FirstResponseConfig read(String json, List<ConfigProblem> problems) throws Exception {
        JsonNode node = json == null ? null : new ObjectMapper().readTree(json);
        return FirstResponseSettings.read(node, INSTANCES, problems);
    }

    @Test
    void withoutTheSectionEveryChannelGetsTheDefaultTargetsAroundTheClock() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        FirstResponsePolicy policy = read(null, problems).policy("web");

        assertThat(problems).isEmpty();
        assertThat(policy.enabled()).isTrue();
        assertThat(policy.targets()).containsExactlyInAnyOrderEntriesOf(Map.of(Priority.URGENT,
                Duration.ofMinutes(15), Priority.HIGH, Duration.ofHours(1), Priority.NORMAL, Duration.ofHours(4),
                Priority.LOW, Duration.ofHours(8)));
        assertThat(policy.warnAfter(Priority.NORMAL)).contains(Duration.ofMinutes(192));
        assertThat(policy.warningNote()).isFalse();
        assertThat(policy.calendar()).isNull();
    }

    @Test
    void aChannelEntryChangesOnlyTheKeysItGives() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        FirstResponseConfig config = read("{\"normal\":\"2h\",\"calendar\":\"office\",\"warnAt\":0,"
                + "\"channels\":{\"sms\":{\"urgent\":\"5m\",\"calendar\":\"weekend\"}}}", problems);

        assertThat(problems).isEmpty();
        FirstResponsePolicy sms = config.policy("sms");
        assertThat(sms.target(Priority.URGENT)).isEqualTo(Duration.ofMinutes(5));
        assertThat(sms.target(Priority.NORMAL)).as("from the section").isEqualTo(Duration.ofHours(2));
        assertThat(sms.calendar()).isEqualTo("weekend");
        assertThat(sms.warnAfter(Priority.NORMAL)).as("warnAt 0: no warning").isEmpty();
        assertThat(config.policy("web").target(Priority.URGENT)).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.policy("web").calendar()).isEqualTo("office");
        assertThat(config.calendarNames()).containsExactly("office", "weekend");
    }

    @Test
    void everyMistakeIsReportedAtOnceWithWhereItIs() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        read("{\"critical\":\"5m\",\"normal\":\"soon\",\"high\":\"0s\",\"warnAt\":120,"
                + "\"channels\":{\"fax\":{\"low\":\"1d\"},\"sms\":{\"urgnt\":\"5m\",\"enabled\":\"maybe\"}}}",
                problems);

        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "firstResponse.critical", "firstResponse.normal", "firstResponse.high", "firstResponse.warnAt",
                "firstResponse.channels.fax", "firstResponse.channels.sms.urgnt",
                "firstResponse.channels.sms.enabled");
        assertThat(problems).filteredOn(p -> p.key().equals("firstResponse.critical")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("expected a priority (urgent, high, normal, low)"));
        assertThat(problems).filteredOn(p -> p.key().equals("firstResponse.normal")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("duration").contains("soon"));
        assertThat(problems).filteredOn(p -> p.key().equals("firstResponse.high")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("longer than zero"));
        assertThat(problems).filteredOn(p -> p.key().equals("firstResponse.channels.fax")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("unknown instance 'fax'"));
        assertThat(problems).as("hub-level problems: run refuses to start").allSatisfy(p ->
                assertThat(p.instanceId()).isNull());
    }

    @Test
    void validateReportsTheSectionsMistakesWithTheRestOfTheConfiguration() throws Exception {
        Path file = dir.resolve("omnibridge.yaml");
        Files.writeString(file, """
                hub:
                  adminToken: a-long-admin-token-for-tests
                instances:
                  - id: web
                    type: webhook-channel
                firstResponse:
                  urgent: 15 minutes
                  medium: 4h
                  channels:
                    web: { high: 30m }
                    mail: { high: 2h }
                """);

        ConfigLoader.Result result = ConfigLoader.withSystemEnvironment().load(file);

        assertThat(result.problems()).extracting(ConfigProblem::key).contains("firstResponse.urgent",
                "firstResponse.medium", "firstResponse.channels.mail");
        assertThat(result.hasFatalProblems()).isTrue();
        assertThat(result.config().firstResponse().policy("web").target(Priority.HIGH))
                .isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void aCustomersMessageStartsAClockAndOnlyAnAgentsPublicReplyStopsIt() {
        assertThat(ClockRules.startsClock(message(Direction.INBOUND, Role.CUSTOMER, Set.of()))).isTrue();
        assertThat(ClockRules.startsClock(message(Direction.INBOUND, Role.BOT, Set.of()))).isFalse();
        assertThat(ClockRules.startsClock(message(Direction.INBOUND, Role.CUSTOMER, Set.of()).toBuilder()
                .metadata(Map.of(Message.EDIT_OF, "c-0")).build())).as("an edit").isFalse();

        assertThat(ClockRules.stopsClock(message(Direction.OUTBOUND, Role.AGENT, Set.of()))).isTrue();
        assertThat(ClockRules.stopsClock(message(Direction.OUTBOUND, Role.AGENT, Set.of("auto-ack"))))
                .as("an automatic acknowledgement").isFalse();
        assertThat(ClockRules.stopsClock(message(Direction.OUTBOUND, Role.BOT, Set.of()))).isFalse();
        assertThat(ClockRules.stopsClock(message(Direction.OUTBOUND, Role.SYSTEM, Set.of()))).isFalse();
        assertThat(ClockRules.stopsClock(message(Direction.INTERNAL, Role.AGENT, Set.of())))
                .as("an internal note").isFalse();
        assertThat(ClockRules.raised(Priority.LOW)).isEqualTo(Priority.NORMAL);
        assertThat(ClockRules.raised(Priority.URGENT)).isEqualTo(Priority.URGENT);
    }

    private static Message message(Direction direction, Role role, Set<String> tags) {
        return Message.builder().direction(direction).channel(new ChannelRef("webhook-channel", "web"))
                .channelMessageId("c-1").threadKey("t").author(new Author(role, "Someone", null)).tags(tags).build();
    }
}
