package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.ConfigLoader;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.QuietChannel;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/rules/test} on a started hub, over HTTP: what triage would do with a sample message, for the
 * admin only, with clear errors for bad samples, and nothing stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RulesTestApiTest {
    private static final String TOKEN = "rules-test-admin-token";
    private static final String CONFIG = """
            hub: {adminToken: rules-test-admin-token}
            calendars:
              support-hours: {timeZone: Europe/Berlin, hours: "Mon-Fri 09:00-17:00"}
            instances:
              - {id: email, type: rules-channel}
              - {id: zendesk-de, type: grouped-desk}
              - {id: zendesk-en, type: console-inbox}
            triage:
              languages: [de, en]
              lists:
                vip: ["+4915112345678"]
              rules:
                - name: urgent-words
                  when: {keywords: {en: [urgent], de: [dringend, "funktioniert nicht"]}}
                  set: {priority: URGENT, tags: [urgent]}
                - {name: vip, when: {contactIn: vip}, set: {priority: HIGH, tags: [vip]}}
                - {name: chasing, when: {unanswered: 3}, set: {priority: HIGH, tags: [chasing]}}
                - {name: after-hours, when: {outside: support-hours}, set: {tags: [after-hours]}}
            routes:
              - name: german
                from: email
                when: {language: de}
                to: [{desk: zendesk-de, group: "360000001"}]
              - {name: everything-else, from: email, to: zendesk-en, continue: false}
            """;

    @TempDir
    static Path dir;
    private final LocalHub local = new LocalHub(TOKEN);
    private Hub hub;

    @BeforeAll
    void startHub() throws Exception {
        Path file = dir.resolve("omnibridge.yaml");
        Files.writeString(file, CONFIG);
        ConfigLoader.Result loaded = ConfigLoader.withSystemEnvironment().load(file);
        assertThat(loaded.problems()).isEmpty();
        HubConfig c = loaded.config();
        HubConfig config = local.config(dir, LocalHub.QUICK_DELIVERY, c.instances(), c.routes())
                .withCalendars(c.calendars()).withTriage(c.triage());
        hub = Hub.start(config, List.of(new TestType("rules-channel", "a channel that sends nowhere",
                () -> new QuietChannel()), new GroupedDeskType()));
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    private HttpResponse<String> test(String body) {
        return local.send(local.withToken(local.postJson("/api/rules/test", body)));
    }

    @Test
    void aGermanUrgentSampleFromAVipGoesToTheGermanDeskWithItsGroupAndNothingIsStored() {
        JsonNode before = json(local.send(local.withToken(local.get("/api/store")))).path("rows");

        HttpResponse<String> r = test("""
                {"channel": {"instanceId": "email"}, "language": "de",
                 "author": {"role": "CUSTOMER", "address": {"kind": "PHONE", "value": "+4915112345678"}},
                 "text": "Der Drucker funktioniert nicht!", "at": "2026-12-07T10:00:00Z"}
                """);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = json(r);
        assertThat(answer.path("language").path("value").asText()).isEqualTo("de");
        assertThat(answer.path("language").path("source").asText()).isEqualTo("channel");
        assertThat(answer.path("priority").asText()).isEqualTo("URGENT");
        assertThat(answer.path("tags")).extracting(JsonNode::asText)
                .containsExactly("lang:de", "urgent", "vip");
        assertThat(answer.path("rules").findValuesAsText("name")).containsExactly("urgent-words", "vip");
        assertThat(answer.path("rules").get(1).path("priority").asText()).isEqualTo("HIGH");
        assertThat(answer.path("routes").findValuesAsText("name")).containsExactly("german");
        assertThat(answer.path("desks")).hasSize(1);
        assertThat(answer.path("desks").get(0).path("desk").asText()).isEqualTo("zendesk-de");
        assertThat(answer.path("desks").get(0).path("assignment").path("group").asText()).isEqualTo("360000001");
        assertThat(answer.path("sticky").asBoolean()).isTrue();
        assertThat(answer.path("message").path("metadata").path("omnibridge.route").asText()).isEqualTo("german");

        JsonNode after = json(local.send(local.withToken(local.get("/api/store")))).path("rows");
        assertThat(after).isEqualTo(before);
        assertThat(json(local.send(local.withToken(local.get("/api/messages")))).path("messages")).isEmpty();
    }

    @Test
    void theUnansweredAndAtFactsDriveTheirRules() {
        JsonNode answer = json(test("""
                {"channel": {"instanceId": "email"}, "text": "any news?", "unanswered": 3,
                 "at": "2026-12-06T10:00:00Z"}
                """));

        assertThat(answer.path("rules").findValuesAsText("name")).containsExactly("chasing", "after-hours");
        assertThat(answer.path("priority").asText()).isEqualTo("HIGH");
        assertThat(answer.path("routes").findValuesAsText("name")).containsExactly("everything-else");
        assertThat(answer.path("desks").findValuesAsText("desk")).containsExactly("zendesk-en");
        assertThat(json(test("""
                {"channel": {"instanceId": "email"}, "text": "any news?", "at": "2026-12-07T10:00:00Z"}
                """)).path("rules")).isEmpty();
    }

    @Test
    void badSamplesGetAClearError() {
        assertThat(error(test("{\"text\": \"hi\"}"))).contains("channel.instanceId").contains("required");
        assertThat(error(test("{\"channel\": {\"instanceId\": \"fax\"}}"))).contains("no instance 'fax'");
        assertThat(error(test("{\"channel\": {\"instanceId\": \"email\"}, \"unanswered\": 0}")))
                .contains("unanswered");
        assertThat(error(test("{\"channel\": {\"instanceId\": \"email\"}, \"at\": \"tomorrow\"}")))
                .contains("ISO-8601");
        assertThat(error(test("{\"channel\": {\"instanceId\": \"email\"}, \"priority\": \"SOON\"}")))
                .contains("priority");
        assertThat(error(test("{\"channel\": {\"instanceId\": \"email\"}, \"colour\": 1}"))).contains("colour");
        assertThat(error(test("{not json"))).isNotBlank();
        assertThat(error(test("[]"))).contains("JSON object");
    }

    @Test
    void desksWhoseTypesTakeTheRoutesAssignmentStart() {
        JsonNode instances = json(local.send(local.withToken(local.get("/api/instances")))).path("instances");

        assertThat(instances.path("zendesk-de").path("state").asText()).isEqualTo("RUNNING");
        assertThat(instances.path("zendesk-en").path("state").asText()).isEqualTo("RUNNING");
    }

    @Test
    void onlyTheAdminMayTestRules() {
        assertThat(local.send(local.postJson("/api/rules/test", "{\"channel\": {\"instanceId\": \"email\"}}"))
                .statusCode()).isEqualTo(401);
    }

    private static String error(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        return json(r).path("error").asText();
    }

    /** A desk type that takes a {@code group} assignment, as Zendesk's does. */
    static final class GroupedDeskType implements ConnectorType {
        @Override
        public String name() {
            return "grouped-desk";
        }

        @Override
        public String description() {
            return "a desk with groups that accepts nothing";
        }

        @Override
        public ConfigDef config() {
            return ConfigDef.create();
        }

        @Override
        public ConfigDef assignment() {
            return ConfigDef.create().define(Setting.of("group", SettingType.STRING).describedAs("group id"));
        }

        @Override
        public Connector create() {
            return new DeskConnector() {
                @Override
                public void start(ConnectorContext context) {
                }

                @Override
                public DeskResult deliver(DeskDelivery delivery) {
                    throw new UnsupportedOperationException("the rules test sends nothing");
                }
            };
        }
    }
}
