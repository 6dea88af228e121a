package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Satisfaction;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A customer's survey answer reaches Zendesk as the hub sends it: a private note, and its tags added to the ticket
 * with the Tags API's Add Tags ({@code PUT /api/v2/tickets/{id}/tags}, which keeps the ticket's other tags; Update
 * Ticket's {@code tags} would replace them). Zendesk's own satisfaction_rating can only be set by the requester, so
 * the connector never tries.
 */
class ZendeskSurveyNoteTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private ZendeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        zd.stubFor(get("/api/v2/users/me").willReturn(okJson("{\"user\":{\"id\":900,\"role\":\"admin\"}}")));
        connector = new ZendeskConnector();
        connector.start(Fixture.context(Fixture.settings(zd.baseUrl())));
    }

    private static Message ratingNote(String id) {
        return Fixture.message(id, "Customer satisfaction: 4/5", Direction.INTERNAL, List.of()).toBuilder()
                .tags(Set.of("csat", "csat-4", Satisfaction.SURVEY_TAG))
                .metadata(Map.of(Satisfaction.RATING, "4", Satisfaction.KIND, "csat")).build();
    }

    private static void noAudits() {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets/77/audits")).willReturn(okJson("{\"audits\":[]}")));
    }

    private static String updated(long commentId) {
        return "{\"ticket\":{\"id\":77,\"status\":\"solved\"},\"audit\":{\"id\":1,\"ticket_id\":77,"
                + "\"events\":[{\"id\":" + commentId + ",\"type\":\"Comment\",\"public\":false}]}}";
    }

    @Test
    void aRatingNoteIsAPrivateCommentAndItsTagsAreAddedToTheTicket() throws Exception {
        noAudits();
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated(9100))));
        zd.stubFor(put("/api/v2/tickets/77/tags").willReturn(okJson("{\"tags\":[\"omnibridge\",\"csat\",\"csat-4\",\"survey\"]}")));

        DeskResult result = connector.deliver(Fixture.delivery(ratingNote("rate-1"), "77"));

        assertThat(result).isEqualTo(new DeskResult("77", "9100"));
        var comment = JSON.readTree(zd.findAll(putRequestedFor(urlEqualTo("/api/v2/tickets/77"))).get(0).getBodyAsString())
                .path("ticket").path("comment");
        assertThat(comment.path("public").asBoolean(true)).isFalse();
        assertThat(comment.path("body").asText()).isEqualTo("Customer satisfaction: 4/5");
        assertThat(JSON.readTree(zd.findAll(putRequestedFor(urlEqualTo("/api/v2/tickets/77/tags"))).get(0)
                .getBodyAsString())).isEqualTo(JSON.readTree("{\"tags\":[\"csat\",\"csat-4\",\"survey\"]}"));
    }

    @Test
    void otherHubNotesLeaveTheTicketsTagsAlone() {
        noAudits();
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated(9101))));
        Message breach = Fixture.message("sla-1", "First response overdue", Direction.INTERNAL, List.of()).toBuilder()
                .tags(Set.of("sla-breached")).build();

        connector.deliver(Fixture.delivery(breach, "77"));

        zd.verify(0, putRequestedFor(urlEqualTo("/api/v2/tickets/77/tags")));
    }

    @Test
    void whenTaggingHitsTheRateLimitTheRetryFindsTheNoteAndOnlyAddsTheTags() {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets/77/audits")).inScenario("note").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"audits\":[]}")));
        zd.stubFor(put("/api/v2/tickets/77").inScenario("note").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(updated(9102))).willSetStateTo("posted"));
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets/77/audits")).inScenario("note").whenScenarioStateIs("posted")
                .willReturn(okJson("{\"audits\":[{\"id\":1,\"metadata\":{\"custom\":{\"omnibridge_message_ids\":\"rate-2\"}},"
                        + "\"events\":[{\"id\":9102,\"type\":\"Comment\"}]}]}")));
        zd.stubFor(put("/api/v2/tickets/77/tags").inScenario("tags").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")).willSetStateTo("free"));
        zd.stubFor(put("/api/v2/tickets/77/tags").inScenario("tags").whenScenarioStateIs("free")
                .willReturn(okJson("{\"tags\":[\"csat\"]}")));
        var d = Fixture.delivery(ratingNote("rate-2"), "77");

        DeliveryException e = catchThrowableOfType(() -> connector.deliver(d), DeliveryException.class);
        assertThat(e.isRetryable()).isTrue();
        ZendeskConnector restarted = new ZendeskConnector();   // the hub retries later, possibly after a restart
        try {
            restarted.start(Fixture.context(Fixture.settings(zd.baseUrl())));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }

        assertThat(restarted.deliver(d)).isEqualTo(new DeskResult("77", "9102"));
        zd.verify(1, putRequestedFor(urlEqualTo("/api/v2/tickets/77")));
        zd.verify(2, putRequestedFor(urlEqualTo("/api/v2/tickets/77/tags")));
    }

    @Test
    void aClosedTicketRefusingTheTagsKeepsTheNoteDelivered() {
        noAudits();
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated(9103))));
        zd.stubFor(put("/api/v2/tickets/77/tags").willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"RecordInvalid\"}")));

        assertThat(connector.deliver(Fixture.delivery(ratingNote("rate-3"), "77"))).isEqualTo(new DeskResult("77", "9103"));
        zd.verify(1, putRequestedFor(urlEqualTo("/api/v2/tickets/77/tags")));
    }
}
