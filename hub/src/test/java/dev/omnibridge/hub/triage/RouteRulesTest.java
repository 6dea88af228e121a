package dev.omnibridge.hub.triage;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.hub.triage.TriageConfigs.message;
import static org.assertj.core.api.Assertions.assertThat;

/** Routes: plain ones fan out as before, conditional ones stop at the first match unless they continue. */
class RouteRulesTest {
    private static final String DESKS = """
            instances:
              - {id: email, type: email}
              - {id: whatsapp, type: meta-whatsapp}
              - {id: zendesk-de, type: zendesk}
              - {id: zendesk-en, type: zendesk}
              - {id: archive, type: webhook-desk}
              - {id: escalations, type: webhook-desk}
            """;

    @TempDir
    Path dir;

    @Test
    void plainRoutesFanOutToEveryDeskAsBeforeAndAreNotSticky() {
        HubConfig config = TriageConfigs.load(dir, DESKS + """
                routes:
                  - {from: email, to: [zendesk-en, archive]}
                  - {from: email, to: escalations}
                  - {from: whatsapp, to: zendesk-de}
                """);
        Triage triage = Triage.from(config);

        RouteDecision email = triage.route(message("email", "hi").build());
        assertThat(email.deskIds()).containsExactly("zendesk-en", "archive", "escalations")
                .isEqualTo(config.desksFor("email"));
        assertThat(email.sticky()).isFalse();
        assertThat(email.firedRoutes()).containsExactly("email->zendesk-en+archive", "email->escalations");
        assertThat(triage.route(message("whatsapp", "hi").build()).deskIds()).containsExactly("zendesk-de");
        assertThat(Triage.none(config::desksFor).route(message("email", "hi").build()).deskIds())
                .isEqualTo(email.deskIds());
    }

    @Test
    void theFirstMatchingConditionalRouteWinsWithItsAssignment() {
        Triage triage = TriageConfigs.triage(dir, DESKS + """
                triage:
                  languages: [de, en]
                routes:
                  - name: german
                    from: [email, whatsapp]
                    when: {language: de}
                    to:
                      - {desk: zendesk-de, group: "360000001"}
                  - name: everything-else
                    from: [email, whatsapp]
                    to: [zendesk-en]
                    continue: false
                """);

        RouteDecision german = triage.route(message("whatsapp", "Hallo").language("de").build());
        assertThat(german.desks()).containsExactly(new DeskTarget("zendesk-de", Map.of("group", "360000001")));
        assertThat(german.firedRoutes()).containsExactly("german");
        assertThat(german.sticky()).isTrue();
        assertThat(german.reroute()).isFalse();

        RouteDecision english = triage.route(message("email", "Hello").language("en").build());
        assertThat(english.deskIds()).containsExactly("zendesk-en");
        assertThat(english.firedRoutes()).containsExactly("everything-else");
        assertThat(triage.route(message("email", "?").build()).deskIds()).containsExactly("zendesk-en");
    }

    @Test
    void aRouteThatContinuesAddsItsDesksAndEachDeskIsSentTheMessageOnce() {
        Triage triage = TriageConfigs.triage(dir, DESKS + """
                triage:
                  rules:
                    - {name: urgent, when: {keywords: [urgent]}, set: {priority: URGENT}}
                routes:
                  - {from: email, to: archive}
                  - name: urgent-copy
                    from: email
                    when: {priority: [URGENT, HIGH]}
                    to: [escalations, archive]
                    continue: true
                  - name: by-keyword
                    from: email
                    when: {keywords: [refund]}
                    to: [{desk: zendesk-en, group: "42"}]
                    reroute: true
                  - {name: rest, from: email, when: {}, to: zendesk-de}
                """);
        Message urgentRefund = triage.classify(message("email", "urgent refund").build(), 1).message();

        RouteDecision d = triage.route(urgentRefund);

        assertThat(urgentRefund.priority()).isEqualTo(Priority.URGENT);
        assertThat(d.deskIds()).containsExactly("archive", "escalations", "zendesk-en");
        assertThat(d.firedRoutes()).containsExactly("email->archive", "urgent-copy", "by-keyword");
        assertThat(d.reroute()).isTrue();
        assertThat(triage.route(message("email", "hello").build()).deskIds()).containsExactly("archive",
                "zendesk-de");
    }

    @Test
    void aRouteWithoutFromAppliesToEveryChannelAndTheDecisionIsRecordedOnTheMessage() {
        Triage triage = TriageConfigs.triage(dir, DESKS + """
                routes:
                  - {name: vip-desk, when: {tag: vip}, to: escalations}
                  - {name: default, to: zendesk-en}
                """);
        Message vip = message("whatsapp", "hi").tags(java.util.Set.of("vip")).build();

        RouteDecision d = triage.route(vip);

        assertThat(d.deskIds()).containsExactly("escalations");
        assertThat(Triage.recordRoute(vip, d).metadata()).containsEntry(TriageRecord.ROUTE, "vip-desk");
        assertThat(triage.route(message("email", "hi").build()).firedRoutes()).containsExactly("default");
        assertThat(Triage.recordRoute(vip, new RouteDecision(List.of(), List.of(), false, false))).isSameAs(vip);
    }
}
