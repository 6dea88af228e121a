package dev.omnibridge.hub.mirror;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.triage.RoutesSection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A route's {@code mirror:} as the configuration writes it, its errors, and which routes a conversation follows. */
class MirrorSettingTest {
    private final List<ConfigProblem> problems = new ArrayList<>();

    private List<HubConfig.Route> routes(String yaml) throws Exception {
        return RoutesSection.read(new ObjectMapper(new YAMLFactory()).readTree(yaml),
                List.of("web", "chat", "inbox", "desk", "crm"), CalendarRegistry.empty(), Map.of(), problems);
    }

    @Test
    void eachWrittenFormIsRead() throws Exception {
        List<HubConfig.Route> read = routes("""
                - {from: web, to: [inbox, desk]}
                - {from: web, to: [inbox, desk], mirror: [replies, status]}
                - {from: web, to: [inbox, desk], mirror: replies}
                - {from: web, to: [inbox, desk], mirror: [Status]}
                - {from: web, to: [inbox, desk], mirror: none}
                """);
        assertThat(problems).isEmpty();
        assertThat(read).extracting(HubConfig.Route::mirror).containsExactly(null, MirrorSetting.BOTH,
                new MirrorSetting(true, false), new MirrorSetting(false, true), MirrorSetting.NONE);
    }

    @Test
    void aWrongSettingIsAClearErrorNamingTheRoute() throws Exception {
        routes("""
                - {from: web, to: [inbox, desk], mirror: sideways}
                - {from: web, to: [inbox, desk], mirror: [none, replies]}
                - {from: web, to: [inbox, desk], mirror: []}
                - {from: web, to: [inbox, desk], mirror: {replies: true}}
                """);
        assertThat(problems).extracting(ConfigProblem::key).containsExactly("routes[0].mirror", "routes[1].mirror",
                "routes[2].mirror", "routes[3].mirror");
        assertThat(problems.get(0).message()).isEqualTo("must be replies, status, none or a list of replies and "
                + "status (e.g. [replies, status]); was 'sideways'");
        assertThat(problems.get(1).message()).isEqualTo("none cannot be combined with replies or status");
        assertThat(problems.get(2).message()).startsWith("is an empty list; write none to mirror nothing");
    }

    @Test
    void aConversationFollowsTheSettingsOfTheRoutesThatNameItsDesksBothByDefault() throws Exception {
        MirrorRules rules = new MirrorRules(routes("""
                - {from: web, to: inbox}
                - {from: web, to: desk}
                - {from: chat, to: [inbox, desk], mirror: none}
                - {from: chat, to: crm, mirror: status}
                """));
        assertThat(problems).isEmpty();
        assertThat(rules.forConversation("web", List.of("inbox", "desk"))).isEqualTo(MirrorSetting.BOTH);
        assertThat(rules.forConversation("chat", List.of("inbox", "desk"))).isEqualTo(MirrorSetting.NONE);
        assertThat(rules.forConversation("chat", List.of("inbox", "desk", "crm")))
                .isEqualTo(new MirrorSetting(false, true));
        assertThat(rules.anyOn(List.of("web"), channel -> List.of("inbox", "desk"))).isTrue();
        assertThat(rules.anyOn(List.of("chat"), channel -> List.of("inbox", "desk"))).isFalse();
        assertThat(rules.anyOn(List.of("web"), channel -> List.of("inbox"))).as("one desk: nothing to mirror").isFalse();
    }
}
