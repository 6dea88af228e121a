package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Triage at Zendesk: a route's {@code group} becomes the new ticket's {@code group_id} (Tickets API, "Create
 * Ticket"; Groups API: ids are integers), follow-ups never move the ticket, and a HIGH or URGENT follow-up raises the
 * ticket's {@code priority} in the same update that adds its comment (Tickets API, "Update Ticket"), never lowering it.
 */
class ZendeskTriageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private ZendeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        Fixture.stubApiUserAndRequester(zd);
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets/77/audits")).willReturn(okJson("{\"audits\":[]}")));
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson("{\"ticket\":{\"id\":77,\"status\":\"open\"},"
                + "\"audit\":{\"id\":1,\"ticket_id\":77,\"events\":[{\"id\":9002,\"type\":\"Comment\"}]}}")));
        connector = new ZendeskConnector();
        connector.start(Fixture.context(Fixture.settings(zd.baseUrl())));
    }

    private static Message message(String id, Priority priority, int second) {
        return Fixture.withPriority(Fixture.message(id, "Text of " + id, Direction.INBOUND, List.of()), priority)
                .toBuilder().receivedAt(Instant.parse("2025-03-01T10:15:00Z").plusSeconds(second)).build();
    }

    private static void ticket77Is(String priority) {
        zd.stubFor(get("/api/v2/tickets/77").willReturn(okJson("{\"ticket\":{\"id\":77,\"status\":\"open\","
                + "\"priority\":" + (priority == null ? "null" : "\"" + priority + "\"") + "}}")));
    }

    private static JsonNode onlyUpdate() throws Exception {
        var puts = zd.findAll(putRequestedFor(urlEqualTo("/api/v2/tickets/77")));
        assertThat(puts).hasSize(1);
        return JSON.readTree(puts.get(0).getBodyAsString()).path("ticket");
    }

    @Test
    void aRoutesGroupBecomesTheNewTicketsGroupId() throws Exception {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("{\"tickets\":[],\"count\":0}")));
        zd.stubFor(post("/api/v2/tickets").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ticket\":{\"id\":78,\"status\":\"new\",\"group_id\":360000123456},"
                        + "\"audit\":{\"events\":[{\"id\":9100,\"type\":\"Comment\"}]}}")));

        connector.deliver(Fixture.delivery(message("m1", Priority.NORMAL, 0), null,
                Map.of("group", "360000123456")));

        JsonNode ticket = JSON.readTree(zd.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets"))).get(0)
                .getBodyAsString()).path("ticket");
        assertThat(ticket.path("group_id").isIntegralNumber()).isTrue();
        assertThat(ticket.path("group_id").asLong()).isEqualTo(360000123456L);
    }

    @Test
    void theDetectedLanguageReachesTheTicketAsOneZendeskSafeTag() throws Exception {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("{\"tickets\":[],\"count\":0}")));
        zd.stubFor(post("/api/v2/tickets").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ticket\":{\"id\":78,\"status\":\"new\"},"
                        + "\"audit\":{\"events\":[{\"id\":9100,\"type\":\"Comment\"}]}}")));
        Message german = message("m1", Priority.NORMAL, 0).toBuilder().language("de")
                .tags(java.util.Set.of("lang:de")).build();

        connector.deliver(Fixture.delivery(german, null));

        JsonNode ticket = JSON.readTree(zd.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets"))).get(0)
                .getBodyAsString()).path("ticket");
        List<String> tags = new ArrayList<>();
        ticket.path("tags").forEach(t -> tags.add(t.asText()));
        assertThat(tags).containsExactly("omnibridge", "channel-webhook-channel", "lang-de");
    }

    @Test
    void withoutAnAssignmentTheTicketGoesToZendesksDefaultGroup() throws Exception {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("{\"tickets\":[],\"count\":0}")));
        zd.stubFor(post("/api/v2/tickets").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ticket\":{\"id\":78,\"status\":\"new\"},\"audit\":{\"events\":[]}}")));
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets/78/comments")).willReturn(okJson("{\"comments\":[]}")));

        connector.deliver(Fixture.delivery(message("m1", Priority.NORMAL, 0), null));

        JsonNode ticket = JSON.readTree(zd.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets"))).get(0)
                .getBodyAsString()).path("ticket");
        assertThat(ticket.has("group_id")).isFalse();
    }

    @Test
    void aFollowUpNeverChangesTheTicketsGroup() throws Exception {
        connector.deliver(Fixture.delivery(message("m2", Priority.NORMAL, 0), "77",
                Map.of("group", "360000123456")));

        JsonNode update = onlyUpdate();
        assertThat(update.has("group_id")).isFalse();
        assertThat(update.has("priority")).isFalse();
    }

    @Test
    void anUrgentFollowUpRaisesThePriorityInTheUpdateThatAddsItsComment() throws Exception {
        connector.deliver(Fixture.delivery(message("m2", Priority.URGENT, 0), "77"));

        JsonNode update = onlyUpdate();
        assertThat(update.path("priority").asText()).isEqualTo("urgent");
        assertThat(update.path("comment").path("body").asText()).isEqualTo("Text of m2");
        zd.verify(0, getRequestedFor(urlEqualTo("/api/v2/tickets/77")));   // nothing is above urgent
    }

    @Test
    void aHighFollowUpRaisesANormalTicket() throws Exception {
        ticket77Is("normal");

        connector.deliver(Fixture.delivery(message("m2", Priority.HIGH, 0), "77"));

        assertThat(onlyUpdate().path("priority").asText()).isEqualTo("high");
    }

    @Test
    void aHighFollowUpNeverLowersAnUrgentTicket() throws Exception {
        ticket77Is("urgent");

        connector.deliver(Fixture.delivery(message("m2", Priority.HIGH, 0), "77"));

        assertThat(onlyUpdate().has("priority")).isFalse();
    }

    @Test
    void aNormalFollowUpSendsNoPriority() throws Exception {
        connector.deliver(Fixture.delivery(message("m2", Priority.NORMAL, 0), "77"));

        assertThat(onlyUpdate().has("priority")).isFalse();
        zd.verify(0, getRequestedFor(urlEqualTo("/api/v2/tickets/77")));
    }

    @Test
    void aBatchRaisesTheTicketToItsHighestPriorityInItsOneUpdate() throws Exception {
        ticket77Is("low");
        List<DeskDelivery> batch = List.of(Fixture.delivery(message("m2", Priority.NORMAL, 0), "77"),
                Fixture.delivery(message("m3", Priority.HIGH, 5), "77"),
                Fixture.delivery(message("m4", Priority.LOW, 9), "77"));

        connector.deliverAll(batch);

        assertThat(onlyUpdate().path("priority").asText()).isEqualTo("high");
    }

    @Test
    void theGroupMustBeAZendeskGroupId() {
        List<ConfigProblem> problems = new ArrayList<>();
        new ZendeskType().assignment().parse("zd", Map.of("group", "Support EN"), problems);
        new ZendeskType().assignment().parse("zd", Map.of("group", "-4"), problems);
        new ZendeskType().assignment().parse("zd", Map.of("queue", "1"), problems);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "instance 'zd': 'group': must be an integer, was 'Support EN'",
                "instance 'zd': 'group': must be a Zendesk group id (a positive integer), was -4",
                "instance 'zd': 'queue': unknown setting; known settings are [group]");
    }

    @Test
    void anAssignmentThatDoesNotFitFailsTheNewTicketForGood() {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("{\"tickets\":[],\"count\":0}")));

        assertThatThrownBy(() -> connector.deliver(Fixture.delivery(message("m1", Priority.NORMAL, 0), null,
                Map.of("group", "Support EN"))))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("'group': must be an integer");
        zd.verify(0, postRequestedFor(urlEqualTo("/api/v2/tickets")));
    }
}
