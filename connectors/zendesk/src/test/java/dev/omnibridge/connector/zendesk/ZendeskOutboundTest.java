package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ZendeskOutboundTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString(
            (Fixture.EMAIL + "/token:" + Fixture.TOKEN).getBytes(StandardCharsets.UTF_8));

    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FakeConnectorContext ctx;
    private ZendeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        start(Map.of());
    }

    private void start(Map<String, Object> extra) throws Exception {
        zd.stubFor(get("/api/v2/users/me").willReturn(okJson("{\"user\":{\"id\":900,\"role\":\"admin\",\"name\":\"Bridge\"}}")));
        Map<String, Object> settings = Fixture.settings(zd.baseUrl());
        settings.putAll(extra);
        ctx = Fixture.context(settings);
        connector = new ZendeskConnector();
        connector.start(ctx);
    }

    private static void noTicketYet() {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("{\"tickets\":[],\"count\":0}")));
    }

    private static void requesterIs(long id) {
        zd.stubFor(post("/api/v2/users/create_or_update").willReturn(
                okJson("{\"user\":{\"id\":" + id + ",\"name\":\"Ann Example\",\"role\":\"end-user\"}}")));
    }

    private static void noAudits(String ticket) {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets/" + ticket + "/audits")).willReturn(okJson("{\"audits\":[]}")));
    }

    private static String updated(String ticket, long commentId) {
        return "{\"ticket\":{\"id\":" + ticket + ",\"status\":\"open\"},\"audit\":{\"id\":1,\"ticket_id\":" + ticket
                + ",\"events\":[{\"id\":" + commentId + ",\"type\":\"Comment\",\"public\":true}]}}";
    }

    private static JsonNode body(LoggedRequest r) throws Exception {
        return JSON.readTree(r.getBodyAsString());
    }

    @Test
    void aNewConversationCreatesTheRequesterThenATicketWithUploadsPriorityTagsAndTheConversationId() throws Exception {
        noTicketYet();
        requesterIs(501);
        zd.stubFor(post(urlPathEqualTo("/api/v2/uploads")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"upload\":{\"token\":\"6bk3gql82em5nmf\",\"attachment\":{\"id\":1,\"file_name\":\"photo.png\"}}}")));
        zd.stubFor(post("/api/v2/tickets").willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"ticket\":{\"id\":77,\"status\":\"new\",\"external_id\":\"conv-1\"},"
                        + "\"audit\":{\"events\":[{\"id\":9001,\"type\":\"Comment\"}]}}")));
        Attachment photo = ctx.attachments().store("photo.png", "image/png",
                new ByteArrayInputStream(new byte[]{1, 2, 3, 4}), 100);
        Message m = Fixture.withPriority(Fixture.message("msg-1", "My parcel is late", Direction.INBOUND,
                List.of(photo)), Priority.HIGH);

        DeskResult result = connector.deliver(Fixture.delivery(m, null));

        assertThat(result).isEqualTo(new DeskResult("77", "9001"));
        zd.verify(getRequestedFor(urlEqualTo("/api/v2/tickets?external_id=conv-1")));
        JsonNode user = body(zd.findAll(postRequestedFor(urlEqualTo("/api/v2/users/create_or_update"))).get(0));
        assertThat(user).isEqualTo(JSON.readTree("""
                {"user":{"name":"Ann Example","external_id":"contact-1",
                 "details":"Email (answered through Omnibridge): ann@example.com","phone":"+14155550100"}}"""));
        LoggedRequest upload = zd.findAll(postRequestedFor(urlPathEqualTo("/api/v2/uploads"))).get(0);
        assertThat(upload.getUrl()).isEqualTo("/api/v2/uploads?filename=photo.png");
        assertThat(upload.getHeader("Content-Type")).isEqualTo("image/png");
        assertThat(upload.getBody()).containsExactly(1, 2, 3, 4);
        LoggedRequest create = zd.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets"))).get(0);
        assertThat(create.getHeader("Idempotency-Key")).isEqualTo("idem-msg-1");
        assertThat(create.getHeader("Authorization")).isEqualTo(AUTH);
        assertThat(body(create)).isEqualTo(JSON.readTree("""
                {"ticket":{"subject":"My parcel is late","requester_id":501,"external_id":"conv-1","priority":"high",
                 "comment":{"body":"My parcel is late","public":true,"author_id":501,"uploads":["6bk3gql82em5nmf"]},
                 "tags":["omnibridge","channel-webhook-channel","lang-en"],
                 "metadata":{"omnibridge_message_ids":"msg-1"}}}"""));
    }

    @Test
    void aRetryAfterTheDeskCreatedTheTicketFindsItByExternalIdAndCreatesNothing() throws Exception {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson(
                "{\"tickets\":[{\"id\":77,\"external_id\":\"conv-1\",\"status\":\"new\"}],\"count\":1}")));
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets/77/comments")).willReturn(okJson(
                "{\"comments\":[{\"id\":9001,\"author_id\":501,\"public\":true,\"body\":\"My parcel is late\"}],\"users\":[]}")));

        DeskResult result = connector.deliver(Fixture.delivery(
                Fixture.message("msg-1", "My parcel is late", Direction.INBOUND, List.of()), null));

        assertThat(result).isEqualTo(new DeskResult("77", "9001"));
        zd.verify(0, postRequestedFor(urlEqualTo("/api/v2/tickets")));
        zd.verify(0, postRequestedFor(urlEqualTo("/api/v2/users/create_or_update")));
    }

    @Test
    void aFollowUpBecomesAPublicCommentByTheRequesterWithTheMessageIdInTheAuditMetadata() throws Exception {
        requesterIs(501);
        noAudits("77");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated("77", 9002))));

        DeskResult result = connector.deliver(Fixture.delivery(
                Fixture.message("msg-2", "Any news?", Direction.INBOUND, List.of()), "77"));

        assertThat(result).isEqualTo(new DeskResult("77", "9002"));
        assertThat(body(zd.findAll(putRequestedFor(urlEqualTo("/api/v2/tickets/77"))).get(0))).isEqualTo(JSON.readTree("""
                {"ticket":{"comment":{"body":"Any news?","public":true,"author_id":501},
                 "metadata":{"omnibridge_message_ids":"msg-2"}}}"""));
    }

    @Test
    void aFollowUpAlreadyOnTheTicketIsFoundInTheAuditsAndNotPostedAgain() {
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets/77/audits")).willReturn(okJson("""
                {"audits":[{"id":5,"ticket_id":77,"author_id":501,
                  "metadata":{"custom":{"omnibridge_message_ids":"msg-1,msg-2"},"system":{}},
                  "events":[{"id":9002,"type":"Comment","public":true,"body":"Any news?"}]}]}""")));

        DeskResult result = connector.deliver(Fixture.delivery(
                Fixture.message("msg-2", "Any news?", Direction.INBOUND, List.of()), "77"));

        assertThat(result).isEqualTo(new DeskResult("77", "9002"));
        zd.verify(0, putRequestedFor(anyUrl()));
    }

    @Test
    void anInternalMessageBecomesAPrivateNoteByTheApiUser() throws Exception {
        noAudits("77");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated("77", 9003))));

        DeskResult result = connector.deliver(Fixture.delivery(
                Fixture.message("msg-3", "Reply was not delivered", Direction.INTERNAL, List.of()), "77"));

        assertThat(result).isEqualTo(new DeskResult("77", "9003"));
        assertThat(body(zd.findAll(putRequestedFor(urlEqualTo("/api/v2/tickets/77"))).get(0))).isEqualTo(JSON.readTree("""
                {"ticket":{"comment":{"body":"Reply was not delivered","public":false},
                 "metadata":{"omnibridge_message_ids":"msg-3"}}}"""));
        zd.verify(0, postRequestedFor(urlEqualTo("/api/v2/users/create_or_update")));
    }

    @Test
    void a429IsRetryableAfterItsRetryAfterAndTheNextAttemptSucceeds() {
        requesterIs(501);
        noAudits("77");
        zd.stubFor(put("/api/v2/tickets/77").inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("free"));
        zd.stubFor(put("/api/v2/tickets/77").inScenario("limit").whenScenarioStateIs("free")
                .willReturn(okJson(updated("77", 9004))));
        DeskDelivery d = Fixture.delivery(Fixture.message("msg-4", "Hello?", Direction.INBOUND, List.of()), "77");

        DeliveryException e = catchThrowableOfType(() -> connector.deliver(d), DeliveryException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(e.concernsOneRecord()).as("a 429 is the account's limit").isFalse();

        assertThat(connector.deliver(d)).isEqualTo(new DeskResult("77", "9004"));
        zd.verify(2, putRequestedFor(urlEqualTo("/api/v2/tickets/77")));
    }

    @Test
    void aValidationErrorIsPermanentAndNamesTheProblemWithoutCustomerDataOrToken() {
        noTicketYet();
        requesterIs(501);
        zd.stubFor(post("/api/v2/tickets").willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"RecordInvalid\",\"description\":\"Record validation errors\","
                        + "\"details\":{\"requester\":[{\"description\":\"Requester: ann@example.com is suspended\"}]}}")));

        DeliveryException e = catchThrowableOfType(() -> connector.deliver(Fixture.delivery(
                Fixture.message("msg-5", "Hi", Direction.INBOUND, List.of()), null)), DeliveryException.class);

        assertThat(e.isRetryable()).isFalse();
        assertThat(e).hasMessageContaining("422").hasMessageContaining("RecordInvalid")
                .hasMessageNotContaining("ann@example.com").hasMessageNotContaining(Fixture.TOKEN);
    }

    @Test
    void aServerErrorIsRetryable() {
        requesterIs(501);
        noAudits("77");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(aResponse().withStatus(503)));

        DeliveryException e = catchThrowableOfType(() -> connector.deliver(Fixture.delivery(
                Fixture.message("msg-6", "Hi", Direction.INBOUND, List.of()), "77")), DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void aCommentOnAClosedTicketGoesToANewFollowUpTicketWhichBecomesTheTicketRef() throws Exception {
        requesterIs(501);
        noAudits("77");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"RecordInvalid\",\"description\":\"Record validation errors\","
                        + "\"details\":{\"status\":[{\"description\":\"Status: closed prevents ticket update\"}]}}")));
        zd.stubFor(get("/api/v2/tickets/77").willReturn(okJson("{\"ticket\":{\"id\":77,\"status\":\"closed\"}}")));
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson(
                "{\"tickets\":[{\"id\":77,\"external_id\":\"conv-1\",\"status\":\"closed\"}],\"count\":1}")));
        zd.stubFor(post("/api/v2/tickets").willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"ticket\":{\"id\":78,\"status\":\"new\"},\"audit\":{\"events\":[{\"id\":9100,\"type\":\"Comment\"}]}}")));

        DeskResult result = connector.deliver(Fixture.delivery(
                Fixture.message("msg-7", "It broke again", Direction.INBOUND, List.of()), "77"));

        assertThat(result).isEqualTo(new DeskResult("78", "9100"));
        JsonNode ticket = body(zd.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets"))).get(0)).path("ticket");
        assertThat(ticket.path("via_followup_source_id").asLong()).isEqualTo(77);
        assertThat(ticket.path("external_id").asText()).isEqualTo("conv-1");
        assertThat(ticket.path("comment").path("author_id").asLong()).isEqualTo(501);
    }

    @Test
    void whenATicketsUpdateBudgetRunsLowPendingCustomerMessagesArePostedAsOneComment() throws Exception {
        start(Map.of("ticketUpdatesPer10Minutes", 3, "batchWhenUpdatesLeft", 3));
        requesterIs(501);
        noAudits("77");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated("77", 9200))));
        for (String text : List.of("first", "second", "third")) {
            ctx.submit(Inbound.messages(List.of(Fixture.message(text, text, Direction.INBOUND, List.of())
                    .toBuilder().id(null).channelMessageId("ch-" + text).conversationId(null).build())));
        }
        List<Message> stored = ctx.messages();

        DeskResult first = connector.deliver(Fixture.delivery(stored.get(0), "77"));
        DeskResult second = connector.deliver(Fixture.delivery(stored.get(1), "77"));
        DeskResult third = connector.deliver(Fixture.delivery(stored.get(2), "77"));

        assertThat(List.of(first, second, third)).containsOnly(new DeskResult("77", "9200"));
        List<LoggedRequest> puts = zd.findAll(putRequestedFor(urlEqualTo("/api/v2/tickets/77")));
        assertThat(puts).hasSize(1);
        JsonNode ticket = body(puts.get(0)).path("ticket");
        assertThat(ticket.at("/comment/body").asText()).isEqualTo("[2025-03-01 10:15:30 UTC] Ann\nfirst\n\n"
                + "[2025-03-01 10:15:30 UTC] Ann\nsecond\n\n[2025-03-01 10:15:30 UTC] Ann\nthird");
        assertThat(ticket.at("/metadata/omnibridge_message_ids").asText()).isEqualTo(
                String.join(",", stored.stream().map(Message::id).toList()));
    }

    @Test
    void whenATicketHasNoUpdatesLeftTheDeliveryWaitsForTheWindowInsteadOfPosting() throws Exception {
        start(Map.of("ticketUpdatesPer10Minutes", 1, "batchWhenUpdatesLeft", 0));
        requesterIs(501);
        noAudits("77");
        zd.stubFor(put("/api/v2/tickets/77").willReturn(okJson(updated("77", 9300))));
        connector.deliver(Fixture.delivery(Fixture.message("msg-a", "a", Direction.INBOUND, List.of()), "77"));

        DeliveryException e = catchThrowableOfType(() -> connector.deliver(Fixture.delivery(
                Fixture.message("msg-b", "b", Direction.INBOUND, List.of()), "77")), DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isPositive()
                .isLessThanOrEqualTo(Duration.ofMinutes(10)));
        // One ticket's budget: the hub must not pause the whole desk (for up to ten minutes) over it.
        assertThat(e.concernsOneRecord()).isTrue();
        zd.verify(1, putRequestedFor(urlEqualTo("/api/v2/tickets/77")));
    }

    @Test
    void startFailsClearlyWithoutTheTokenWhenZendeskRefusesTheCredentials() {
        zd.stubFor(get("/api/v2/users/me").willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":\"Couldn't authenticate you\"}")));
        ZendeskConnector fresh = new ZendeskConnector();

        assertThatThrownBy(() -> fresh.start(Fixture.context(Fixture.settings(zd.baseUrl()))))
                .hasMessageContaining("HTTP 401").hasMessageNotContaining(Fixture.TOKEN);
        zd.verify(getRequestedFor(urlEqualTo("/api/v2/users/me")).withHeader("Authorization", equalTo(AUTH)));
    }
}
