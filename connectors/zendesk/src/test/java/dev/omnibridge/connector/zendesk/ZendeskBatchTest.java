package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link ZendeskConnector#deliverAll}: several follow-ups of one ticket as one update carrying one comment. Stubs
 * follow Zendesk's reference: Update Ticket answers {@code ticket} and {@code audit} (whose events include the
 * Comment), List Audits answers {@code audits[].metadata.custom} as sent in the update's {@code metadata}, Upload
 * Files answers {@code upload.token}, and a rate-limited request answers 429 with Retry-After
 * (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/,
 * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits/,
 * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket-attachments/,
 * https://developer.zendesk.com/api-reference/introduction/rate-limits/).
 */
class ZendeskBatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FakeConnectorContext ctx;

    private ZendeskConnector started(Map<String, Object> extra) throws Exception {
        Fixture.stubApiUserAndRequester(zd);
        Map<String, Object> settings = new HashMap<>(Fixture.settings(zd.baseUrl()));
        settings.putAll(extra);
        ctx = Fixture.context(settings);
        ZendeskConnector connector = new ZendeskConnector();
        connector.start(ctx);
        return connector;
    }

    private static Message message(String id, String text, int second) {
        return Fixture.message(id, text, Direction.INBOUND, List.of()).toBuilder()
                .receivedAt(Instant.parse("2025-03-01T10:15:00Z").plusSeconds(second)).build();
    }

    private static List<DeskDelivery> onTicket77(Message... messages) {
        return java.util.Arrays.stream(messages).map(m -> Fixture.delivery(m, "77")).toList();
    }

    private static void audits(String body) {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets/77/audits")).willReturn(okJson(body)));
    }

    private static String updated(long commentId) {
        return "{\"ticket\":{\"id\":77,\"status\":\"open\"},\"audit\":{\"id\":1,\"ticket_id\":77,"
                + "\"events\":[{\"id\":" + commentId + ",\"type\":\"Comment\",\"public\":true}]}}";
    }

    private static List<JsonNode> puts() throws Exception {
        List<JsonNode> bodies = new java.util.ArrayList<>();
        for (LoggedRequest r : zd.findAll(putRequestedFor(urlEqualTo("/api/v2/tickets/77")))) {
            bodies.add(JSON.readTree(r.getBodyAsString()).path("ticket"));
        }
        return bodies;
    }

    @Test
    void aBatchOfThreeBecomesOneUpdateWhoseCommentCarriesTheMessagesInOrderAndWhoseAuditListsAllKeys()
            throws Exception {
        ZendeskConnector connector = started(Map.of());
        audits("{\"audits\":[]}");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated(9500))));

        List<DeskResult> results = connector.deliverAll(onTicket77(message("m1", "Hello", 0),
                message("m2", "My parcel is late", 12), message("m3", "Order 1234", 75)));

        assertThat(results).containsExactly(new DeskResult("77", "9500"), new DeskResult("77", "9500"),
                new DeskResult("77", "9500"));
        assertThat(puts()).hasSize(1);
        assertThat(puts().get(0)).isEqualTo(JSON.readTree("""
                {"comment":{"body":"[2025-03-01 10:15:00 UTC] Ann\\nHello\\n\\n[2025-03-01 10:15:12 UTC] Ann\\nMy parcel is late\\n\\n[2025-03-01 10:16:15 UTC] Ann\\nOrder 1234",
                  "public":true,"author_id":501},
                 "metadata":{"omnibridge_message_ids":"m1,m2,m3"}}"""));
        zd.verify(1, getRequestedFor(urlPathEqualTo("/api/v2/tickets/77/audits")));
    }

    @Test
    void repeatingTheBatchOrAnyPartOfItAfterARestartPostsOnlyWhatTheAuditsDoNotList() throws Exception {
        // A restarted connector remembers nothing: only the ticket's audits say what is there.
        ZendeskConnector connector = started(Map.of());
        audits("""
                {"audits":[{"id":5,"ticket_id":77,"author_id":501,
                  "metadata":{"custom":{"omnibridge_message_ids":"m1,m2,m3"},"system":{}},
                  "events":[{"id":9500,"type":"Comment","public":true}]}],
                 "meta":{"has_more":false},"links":{"prev":null,"next":null}}""");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated(9501))));

        assertThat(connector.deliverAll(onTicket77(message("m1", "Hello", 0), message("m2", "My parcel is late", 12),
                message("m3", "Order 1234", 75)))).extracting(DeskResult::itemId).containsExactly("9500", "9500", "9500");
        ZendeskConnector again = started(Map.of());
        assertThat(again.deliverAll(onTicket77(message("m2", "My parcel is late", 12), message("m3", "Order 1234", 75))))
                .extracting(DeskResult::itemId).containsExactly("9500", "9500");
        ZendeskConnector alone = started(Map.of());
        assertThat(alone.deliver(Fixture.delivery(message("m3", "Order 1234", 75), "77")).itemId()).isEqualTo("9500");
        zd.verify(0, putRequestedFor(anyUrl()));

        ZendeskConnector mixed = started(Map.of());
        List<DeskResult> results = mixed.deliverAll(onTicket77(message("m3", "Order 1234", 75),
                message("m4", "Still waiting", 90)));

        assertThat(results).containsExactly(new DeskResult("77", "9500"), new DeskResult("77", "9501"));
        assertThat(puts()).singleElement().satisfies(t -> {
            assertThat(t.at("/comment/body").asText()).as("one new message alone: its plain text")
                    .isEqualTo("Still waiting");
            assertThat(t.at("/metadata/omnibridge_message_ids").asText()).isEqualTo("m4");
        });
    }

    @Test
    void a429OnTheBatchUpdateIsRetryableAfterItsRetryAfterWithNothingRecordedAsDelivered() throws Exception {
        ZendeskConnector connector = started(Map.of());
        audits("{\"audits\":[]}");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "37")
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"TooManyRequests\"}")));

        DeliveryException e = catchThrowableOfType(() -> connector.deliverAll(onTicket77(message("m1", "a", 0),
                message("m2", "b", 1), message("m3", "c", 2))), DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(37));
        assertThat(e.delivered()).as("the one update carrying all three failed").isEmpty();
        zd.verify(1, putRequestedFor(urlEqualTo("/api/v2/tickets/77")));
    }

    @Test
    void customerMessagesAndAnInternalNoteGoAsTwoUpdatesInOrderAndAFailureOfTheSecondKeepsTheFirstDelivered()
            throws Exception {
        ZendeskConnector connector = started(Map.of());
        audits("{\"audits\":[]}");
        zd.stubFor(put("/api/v2/tickets/77").inScenario("two").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(updated(9600))).willSetStateTo("second"));
        zd.stubFor(put("/api/v2/tickets/77").inScenario("two").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503)));
        Message note = Fixture.message("m3", "Reply was not delivered", Direction.INTERNAL, List.of());

        DeliveryException e = catchThrowableOfType(() -> connector.deliverAll(onTicket77(message("m1", "a", 0),
                message("m2", "b", 1), note)), DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.delivered()).containsExactly(new DeskResult("77", "9600"), new DeskResult("77", "9600"));
        List<JsonNode> puts = puts();
        assertThat(puts).hasSize(2);
        assertThat(puts.get(0).at("/comment/public").asBoolean()).isTrue();
        assertThat(puts.get(0).at("/metadata/omnibridge_message_ids").asText()).isEqualTo("m1,m2");
        assertThat(puts.get(1)).isEqualTo(JSON.readTree("""
                {"comment":{"body":"Reply was not delivered","public":false},
                 "metadata":{"omnibridge_message_ids":"m3"}}"""));
    }

    @Test
    void whenTheTicketsUpdateBudgetRunsOutMidBatchThePostedPrefixIsDeliveredAndTheRestWaitsForThisTicketOnly()
            throws Exception {
        ZendeskConnector connector = started(Map.of("ticketUpdatesPer10Minutes", 1, "batchWhenUpdatesLeft", 0));
        audits("{\"audits\":[]}");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated(9700))));
        Message note = Fixture.message("m2", "Reply was not delivered", Direction.INTERNAL, List.of());

        DeliveryException e = catchThrowableOfType(() -> connector.deliverAll(onTicket77(message("m1", "a", 0), note)),
                DeliveryException.class);

        assertThat(e.concernsOneRecord()).isTrue();
        assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isPositive()
                .isLessThanOrEqualTo(Duration.ofMinutes(10)));
        assertThat(e.delivered()).containsExactly(new DeskResult("77", "9700"));
        zd.verify(1, putRequestedFor(urlEqualTo("/api/v2/tickets/77")));
    }

    @Test
    void eachFileIsUploadedOnItsOwnAndTheOneCommentCarriesAllTokensInMessageOrder() throws Exception {
        ZendeskConnector connector = started(Map.of());
        audits("{\"audits\":[]}");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated(9800))));
        List<Message> messages = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            zd.stubFor(post(urlEqualTo("/api/v2/uploads?filename=photo" + i + ".png")).willReturn(aResponse()
                    .withStatus(201).withHeader("Content-Type", "application/json").withBody(
                            "{\"upload\":{\"token\":\"tok" + i + "\",\"attachment\":{\"id\":" + i
                                    + ",\"file_name\":\"photo" + i + ".png\"}}}")));
            Attachment photo = ctx.attachments().store("photo" + i + ".png", "image/png",
                    new ByteArrayInputStream(new byte[]{(byte) i}), 100);
            messages.add(message("m" + i, "", i).toBuilder().attachments(List.of(photo)).build());
        }

        connector.deliverAll(onTicket77(messages.toArray(Message[]::new)));

        zd.verify(3, postRequestedFor(urlPathEqualTo("/api/v2/uploads")).withHeader("Content-Type",
                equalTo("image/png")));
        assertThat(puts()).singleElement().satisfies(t -> {
            assertThat(t.at("/comment/uploads")).isEqualTo(JSON.readTree("[\"tok1\",\"tok2\",\"tok3\"]"));
            assertThat(t.at("/metadata/omnibridge_message_ids").asText()).isEqualTo("m1,m2,m3");
        });
    }

    @Test
    void messagesTooLongForOneCommentTogetherAreSplitIntoCommentsWithinZendesksLimitKeepingTheirOrder()
            throws Exception {
        ZendeskConnector connector = started(Map.of());
        audits("{\"audits\":[]}");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated(9900))));
        String longText = "x".repeat(25_000);

        List<DeskResult> results = connector.deliverAll(onTicket77(message("m1", longText, 0),
                message("m2", longText, 1), message("m3", longText, 2), message("m4", "short", 3)));

        assertThat(results).hasSize(4);
        List<JsonNode> puts = puts();
        assertThat(puts).hasSize(2);
        assertThat(puts).allSatisfy(t -> assertThat(t.at("/comment/body").asText().length())
                .isLessThanOrEqualTo(ZendeskConnector.COMMENT_CHARS));
        assertThat(puts.get(0).at("/metadata/omnibridge_message_ids").asText()).isEqualTo("m1,m2");
        assertThat(puts.get(1).at("/metadata/omnibridge_message_ids").asText()).isEqualTo("m3,m4");
        assertThat(puts.get(1).at("/comment/body").asText()).endsWith("Ann\nshort");
    }

    @Test
    void maxBatchIsTheMessagesPerCommentSettingAndOneMeansEveryMessageIsDeliveredAlone() throws Exception {
        assertThat(new ZendeskConnector().maxBatch()).as("before start").isEqualTo(1);
        assertThat(started(Map.of()).maxBatch()).isEqualTo(20);
        ZendeskConnector single = started(Map.of("messagesPerComment", 1));
        assertThat(single.maxBatch()).isEqualTo(1);
        Map<String, Object> tooFew = new HashMap<>(Fixture.settings(zd.baseUrl()));
        tooFew.put("messagesPerComment", 0);
        List<dev.omnibridge.config.ConfigProblem> problems = new java.util.ArrayList<>();
        new ZendeskType().config().parse("zd", tooFew, problems);
        assertThat(problems).extracting(dev.omnibridge.config.ConfigProblem::key).containsExactly("messagesPerComment");
    }

    @Test
    void aBatchForATicketClosedMeanwhileOpensOneFollowUpTicketCarryingTheMessagesAsOneComment() throws Exception {
        ZendeskConnector connector = started(Map.of());
        audits("{\"audits\":[]}");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"RecordInvalid\",\"description\":\"Record validation errors\","
                        + "\"details\":{\"status\":[{\"description\":\"Status: closed prevents ticket update\"}]}}")));
        zd.stubFor(get("/api/v2/tickets/77").willReturn(okJson("{\"ticket\":{\"id\":77,\"status\":\"closed\"}}")));
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson(
                "{\"tickets\":[{\"id\":77,\"external_id\":\"conv-1\",\"status\":\"closed\"}],\"count\":1}")));
        zd.stubFor(post("/api/v2/tickets").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ticket\":{\"id\":78,\"status\":\"new\"},"
                        + "\"audit\":{\"events\":[{\"id\":9150,\"type\":\"Comment\"}]}}")));

        List<DeskResult> results = connector.deliverAll(onTicket77(message("m1", "It broke", 0),
                message("m2", "again", 5)));

        assertThat(results).containsExactly(new DeskResult("78", "9150"), new DeskResult("78", "9150"));
        List<LoggedRequest> creates = zd.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets")));
        assertThat(creates).hasSize(1);
        JsonNode ticket = JSON.readTree(creates.get(0).getBodyAsString()).path("ticket");
        assertThat(ticket.path("via_followup_source_id").asLong()).isEqualTo(77);
        assertThat(ticket.at("/metadata/omnibridge_message_ids").asText()).isEqualTo("m1,m2");
        assertThat(ticket.at("/comment/body").asText()).isEqualTo(
                "[2025-03-01 10:15:00 UTC] Ann\nIt broke\n\n[2025-03-01 10:15:05 UTC] Ann\nagain");
    }
}
