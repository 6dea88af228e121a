package dev.omnibridge.hub.survey;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.hub.config.HubConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code surveys:} configuration section. */
class SurveySectionTest {
    @TempDir
    java.nio.file.Path dir;

    private static final List<HubConfig.Instance> INSTANCES = List.of(
            new HubConfig.Instance("web", "webhook-channel", true, Map.of()),
            new HubConfig.Instance("sms", "twilio-sms", true, Map.of()));
    private static final CalendarRegistry CALENDARS = new CalendarRegistry(Map.of("support",
            BusinessCalendar.weekly("support", "Europe/Berlin", "Mon-Fri 09:00-17:00")));

    private static SurveyConfig read(String json, List<ConfigProblem> problems) throws Exception {
        return SurveySection.read(json == null ? null : new ObjectMapper().readTree(json), INSTANCES, CALENDARS,
                problems);
    }

    @Test
    void withoutTheSectionNobodyIsAsked() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        SurveyConfig config = read(null, problems);
        assertThat(problems).isEmpty();
        assertThat(config.anyEnabled()).isFalse();
    }

    @Test
    void aChannelEntryChangesOnlyWhatItGivesAndTextsMergePerLanguage() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        SurveyConfig config = read("{\"csat\":{\"enabled\":true,\"delay\":\"5m\",\"calendar\":\"support\","
                + "\"texts\":{\"de\":{\"question\":\"Wie war es?\"}}},\"nps\":{\"enabled\":true,\"every\":\"30d\"},"
                + "\"channels\":{\"sms\":{\"enabled\":false},\"web\":{\"csat\":{\"delay\":\"1m\","
                + "\"texts\":{\"de\":{\"thanks\":\"Danke!\"}}}}}}", problems);

        assertThat(problems).isEmpty();
        assertThat(config.anyEnabled()).isTrue();
        assertThat(config.forChannel("sms").asksAnything()).isFalse();
        SurveyConfig.Settings web = config.forChannel("web");
        assertThat(web.csat().delay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(web.csat().calendar()).isEqualTo("support");
        assertThat(web.nps().every()).isEqualTo(Duration.ofDays(30));
        SurveyConfig.Texts de = SurveyTexts.csat("de", web.csat().texts());
        assertThat(de.question()).isEqualTo("Wie war es?");
        assertThat(de.thanks()).isEqualTo("Danke!");
        assertThat(de.labels()).containsExactly("Sehr schlecht", "Schlecht", "Okay", "Gut", "Ausgezeichnet");
        assertThat(SurveyTexts.language("de-CH", web.csat().texts())).isEqualTo("de");
        assertThat(SurveyTexts.language("nl", web.csat().texts())).isEqualTo("en");
    }

    @Test
    void everyProblemIsReportedUnderItsKey() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        read("{\"csat\":{\"enabled\":\"yes\",\"delay\":\"soon\",\"calendar\":\"night\",\"expireAfter\":\"0s\","
                + "\"colour\":\"red\",\"texts\":{\"english\":{},\"fr\":{\"labels\":[\"a\",\"b\"]}}},"
                + "\"nps\":{\"every\":\"1h\"},\"channels\":{\"fax\":{\"enabled\":false},\"web\":{\"mode\":1}}}",
                problems);

        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder("surveys.csat.colour",
                "surveys.csat.calendar", "surveys.csat.enabled", "surveys.csat.delay", "surveys.csat.expireAfter",
                "surveys.csat.texts.english", "surveys.csat.texts.fr.labels", "surveys.nps.every",
                "surveys.channels.fax", "surveys.channels.web.mode");
    }

    @Test
    void validateRefusesAChannelsEntryThatNamesADesk() throws Exception {
        java.nio.file.Path file = dir.resolve("omnibridge.yaml");
        java.nio.file.Files.writeString(file, """
                hub: {adminToken: admin-token-123}
                instances:
                  - {id: inbox, type: console-inbox}
                surveys:
                  csat: {enabled: true}
                  channels:
                    inbox: {enabled: false}
                """);
        dev.omnibridge.hub.config.ConfigLoader.Result loaded = dev.omnibridge.hub.config.ConfigLoader
                .withSystemEnvironment().load(file);
        var catalog = dev.omnibridge.hub.plugins.ConnectorCatalog.load(dir.resolve("plugins"),
                List.of(new dev.omnibridge.hub.inbox.ConsoleInboxType()));
        try {
            assertThat(dev.omnibridge.hub.runtime.ConfigCheck.check(loaded.config(), loaded.rejected(), catalog))
                    .extracting(ConfigProblem::key, ConfigProblem::message)
                    .contains(org.assertj.core.groups.Tuple.tuple("surveys.channels.inbox",
                            "'inbox' is a desk, not a channel (surveys go to customers on channels)"));
        } finally {
            catalog.close();
        }
    }
}
