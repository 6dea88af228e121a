package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Messages out to Freshdesk, against WireMock playing the API v2 (shapes from https://developers.freshdesk.com/api/:
 * Create a Ticket, List All Tickets, Create a Note, List All Conversations of a Ticket, List/Create Contact).
 */
class FreshdeskOutboundTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FakeConnectorContext ctx;
    private FreshdeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1,\"contact\":{\"name\":\"Bot\"}}")));
        ctx = Fixture.context(api.baseUrl());
        connector = new FreshdeskConnector();
        connector.start(ctx);
    }

    /** The email customer's contact, keyed by the hub contact id: Freshdesk answers a repeat creation with 409. */
    private static void knownRequester(long id) {
        api.stubFor(post("/api/v2/contacts").willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"description\":\"Validation failed\",\"errors\":[{\"field\":\"unique_external_id\","
                        + "\"additional_info\":{\"user_id\":" + id + "},\"code\":\"duplicate_value\"}]}")));
    }

    private static void noRecentTickets(long requesterId) {
        api.stubFor(get(urlEqualTo("/api/v2/tickets?requester_id=" + requesterId
                + "&order_by=created_at&order_type=desc&per_page=30")).willReturn(okJson("[]")));
    }

    @Test
    void firstMessageCreatesAnOpenTicketForTheFoundRequesterWithPriorityTagsSourceAndConversationField() {
        knownRequester(77);
        noRecentTickets(77);
        api.stubFor(post("/api/v2/tickets").willReturn(okJson("{\"id\":501,\"status\":2}").withStatus(201)));

        DeskResult result = connector.deliver(Fixture.opening(Fixture.message("My <order> & parcel\nis late").priority(Priority.HIGH).build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL))));

        assertThat(result).isEqualTo(new DeskResult("501", null));
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets"))
                .withHeader("Authorization", equalTo(Fixture.basicAuth()))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"subject":"My <order> & parcel","description":"<div>My &lt;order&gt; &amp; parcel<br>is late</div>",
                         "requester_id":77,"status":2,"priority":3,"source":2,
                         "tags":["omnibridge","channel-webhook-channel","lang-en"],
                         "custom_fields":{"cf_omnibridge_conversation_id":"conv-1234"}}""")));
    }

    @Test
    void unknownEmailRequesterIsCreatedFirst() {
        api.stubFor(post("/api/v2/contacts").willReturn(okJson("{\"id\":88}").withStatus(201)));
        noRecentTickets(88);
        api.stubFor(post("/api/v2/tickets").willReturn(okJson("{\"id\":502}").withStatus(201)));

        connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL))));

        api.verify(postRequestedFor(urlEqualTo("/api/v2/contacts"))
                .withRequestBody(equalToJson("{\"name\":\"Ann Example\",\"unique_external_id\":\"contact-42\","
                        + "\"description\":\"Email (answered through Omnibridge): ann@example.com\"}")));
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets")).withRequestBody(
                WireMock.matchingJsonPath("$.requester_id", equalTo("88"))));
    }

    @Test
    void phoneRequesterIsLookedUpByPhoneThenMobileAndAConcurrentDuplicateIsReused() {
        api.stubFor(get(urlEqualTo("/api/v2/contacts?phone=%2B4915112345678")).willReturn(okJson("[]")));
        api.stubFor(get(urlEqualTo("/api/v2/contacts?mobile=%2B4915112345678")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/contacts").willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"description\":\"Validation failed\",\"errors\":[{\"field\":\"phone\",\"additional_info\":"
                        + "{\"user_id\":99},\"message\":\"It should be a unique value\",\"code\":\"duplicate_value\"}]}")));
        noRecentTickets(99);
        api.stubFor(post("/api/v2/tickets").willReturn(okJson("{\"id\":503}").withStatus(201)));

        connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.PHONE, "+4915112345678"))));

        api.verify(postRequestedFor(urlEqualTo("/api/v2/contacts"))
                .withRequestBody(equalToJson("{\"name\":\"Ann Example\",\"phone\":\"+4915112345678\"}")));
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets"))
                .withRequestBody(WireMock.matchingJsonPath("$.requester_id", equalTo("99"))));
    }

    @Test
    void chatUserWithoutEmailOrPhoneBecomesAContactWithTheHubContactIdAsExternalId() {
        api.stubFor(post("/api/v2/contacts").willReturn(okJson("{\"id\":66}").withStatus(201)));
        noRecentTickets(66);
        api.stubFor(post("/api/v2/tickets").willReturn(okJson("{\"id\":504}").withStatus(201)));

        connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.CHAT_USER, "tg-123"))));

        api.verify(postRequestedFor(urlEqualTo("/api/v2/contacts")).withRequestBody(
                equalToJson("{\"name\":\"Ann Example\",\"unique_external_id\":\"contact-42\"}")));
    }

    @Test
    void retryAfterALostAnswerFindsTheTicketByItsConversationFieldAndCreatesNone() {
        knownRequester(77);
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("""
                [{"id":600,"custom_fields":{"cf_omnibridge_conversation_id":"conv-other"}},
                 {"id":601,"custom_fields":{"cf_omnibridge_conversation_id":"conv-1234"}}]""")));

        DeskResult result = connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL))));

        assertThat(result.ticketRef()).isEqualTo("601");
        api.verify(0, postRequestedFor(urlEqualTo("/api/v2/tickets")));
    }

    @Test
    void attachmentsAreUploadedAsMultipartWithTheTicketFields() throws Exception {
        knownRequester(77);
        noRecentTickets(77);
        api.stubFor(post("/api/v2/tickets").willReturn(okJson("{\"id\":505}").withStatus(201)));
        byte[] pdf = "%PDF-1.4 invoice".getBytes(StandardCharsets.UTF_8);
        Attachment file = Fixture.stored(ctx, "invoice.pdf", "application/pdf", pdf);

        connector.deliver(Fixture.opening(Fixture.message("See attached").attachments(List.of(file)).priority(Priority.HIGH).build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL))));

        LoggedRequest req = api.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets"))).get(0);
        assertThat(req.getHeader("Content-Type")).startsWith("multipart/form-data; boundary=");
        String body = req.getBodyAsString();
        assertThat(body).contains("name=\"requester_id\"\r\n\r\n77\r\n")
                .contains("name=\"status\"\r\n\r\n2\r\n")
                .contains("name=\"priority\"\r\n\r\n3\r\n")
                .contains("name=\"tags[]\"\r\n\r\nomnibridge\r\n")
                .contains("name=\"custom_fields[cf_omnibridge_conversation_id]\"\r\n\r\nconv-1234\r\n")
                .contains("name=\"attachments[]\"; filename=\"invoice.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                        + "%PDF-1.4 invoice\r\n");
    }

    @Test
    void followUpBecomesAPublicIncomingNoteByTheRequesterAndReturnsTheNoteId() {
        api.stubFor(get("/api/v2/tickets/501").willReturn(okJson("{\"id\":501,\"requester_id\":77,\"status\":2}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(okJson("{\"id\":9001}").withStatus(201)));

        DeskResult result = connector.deliver(Fixture.followUp(Fixture.message("Any news?").id("msg-2").build(), "501"));

        assertThat(result).isEqualTo(new DeskResult("501", "9001"));
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes")).withRequestBody(equalToJson("""
                {"body":"<div>Any news?</div><!-- omnibridge:idem-msg-2 -->","private":false,"incoming":true,
                 "user_id":77}""")));
    }

    @Test
    void followUpRetryFindsItsNoteByTheMarkerOrByAuthorTextAndTimeAndAddsNone() {
        api.stubFor(get("/api/v2/tickets/501").willReturn(okJson("{\"id\":501,\"requester_id\":77}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(okJson("""
                [{"id":9000,"body":"<div>Any news?</div>","body_text":"Any news?","incoming":true,"private":false,
                  "user_id":77,"created_at":"2026-11-19T08:00:00Z"},
                 {"id":9002,"body":"<div>Any news?</div><!-- omnibridge:idem-msg-2 -->","incoming":true,
                  "private":false,"user_id":77,"created_at":"2026-11-20T10:00:03Z"},
                 {"id":9003,"body":"<div>Thanks</div>","body_text":"Thanks","incoming":true,"private":false,
                  "user_id":77,"created_at":"2026-11-20T10:00:04Z"}]""")));

        assertThat(connector.deliver(Fixture.followUp(Fixture.message("Any news?").id("msg-2").build(), "501")).itemId())
                .as("marker match").isEqualTo("9002");
        assertThat(connector.deliver(Fixture.followUp(Fixture.message("Thanks").id("msg-3").build(), "501")).itemId())
                .as("sanitiser dropped the marker: same author, text, after arrival").isEqualTo("9003");
        api.verify(0, postRequestedFor(urlPathEqualTo("/api/v2/tickets/501/notes")));
    }

    @Test
    void sameTextSentEarlierIsNotMistakenForThisMessagesNote() {
        api.stubFor(get("/api/v2/tickets/501").willReturn(okJson("{\"id\":501,\"requester_id\":77}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(okJson("""
                [{"id":9000,"body":"<div>ok</div>","body_text":"ok","incoming":true,"private":false,
                  "user_id":77,"created_at":"2026-11-19T08:00:00Z"}]""")));
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(okJson("{\"id\":9010}").withStatus(201)));

        assertThat(connector.deliver(Fixture.followUp(Fixture.message("ok").id("msg-4").build(), "501")).itemId())
                .isEqualTo("9010");
    }

    @Test
    void internalMessageBecomesAPrivateNoteWithoutAuthorOrIncomingFlag() {
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(okJson("{\"id\":9100}").withStatus(201)));

        DeskResult result = connector.deliver(Fixture.internalNote("501"));

        assertThat(result.itemId()).isEqualTo("9100");
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes")).withRequestBody(equalToJson("""
                {"body":"<div>This reply was not delivered to the customer: opted out</div><!-- omnibridge:idem-msg-sys -->",
                 "private":true}""")));
        api.verify(0, getRequestedFor(urlEqualTo("/api/v2/tickets/501")));
    }

    @Test
    void rateLimitIsRetryableWithRetryAfterAndHoldsTheNextCall() {
        knownRequester(77);
        noRecentTickets(77);
        api.stubFor(post("/api/v2/tickets").inScenario("429").whenScenarioStateIs("Started")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"too many\"}"))
                .willSetStateTo("ok"));
        api.stubFor(post("/api/v2/tickets").inScenario("429").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"id\":506}").withStatus(201)));
        var delivery = Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL)));

        assertThatThrownBy(() -> connector.deliver(delivery)).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
        });
        long before = System.nanoTime();
        assertThat(connector.deliver(delivery).ticketRef()).isEqualTo("506");
        assertThat(Duration.ofNanos(System.nanoTime() - before)).as("the pacer held the retry")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void validationErrorIsPermanentAndNamesTheProblemWithoutTheCustomersEmailOrTheKey() {
        knownRequester(77);
        noRecentTickets(77);
        api.stubFor(post("/api/v2/tickets").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"description\":\"Validation failed\","
                        + "\"errors\":[{\"field\":\"cf_omnibridge_conversation_id\",\"message\":\"Unexpected/invalid"
                        + " field in request for ann@example.com\",\"code\":\"invalid_field\"}]}")));

        assertThatThrownBy(() -> connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL)))))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("400").contains("invalid_field")
                            .doesNotContain("ann@example.com").doesNotContain(Fixture.API_KEY);
                });
    }

    @Test
    void authFailureIsPermanentAndServerErrorRetryable() {
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(aResponse().withStatus(401)));
        assertThatThrownBy(() -> connector.deliver(Fixture.internalNote("501")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isFalse());

        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(aResponse().withStatus(503)));
        assertThatThrownBy(() -> connector.deliver(Fixture.internalNote("501")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void startFailsClearlyWithoutTheKeyWhenFreshdeskRefusesIt() {
        api.stubFor(get("/api/v2/agents/me").willReturn(aResponse().withStatus(401)
                .withBody("{\"code\":\"invalid_credentials\"}")));
        FreshdeskConnector refused = new FreshdeskConnector();
        assertThatThrownBy(() -> refused.start(Fixture.context(api.baseUrl())))
                .hasMessageContaining("refused the API key").hasMessageNotContaining(Fixture.API_KEY);
    }

    @Test
    void filesBeyondFreshdesksLimitAreNamedInTheTextInsteadOfFailingTheMessage() throws Exception {
        api.stubFor(get("/api/v2/tickets/501").willReturn(okJson("{\"id\":501,\"requester_id\":77}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(okJson("{\"id\":9200}").withStatus(201)));
        Attachment big = Fixture.stored(ctx, "big.bin", "application/octet-stream", new byte[10]);
        Attachment huge = new Attachment("huge.mov", "video/quicktime", 30L * 1024 * 1024, big.sha256(), big.location());

        connector.deliver(Fixture.followUp(Fixture.message("video").id("msg-5").attachments(List.of(huge)).build(), "501"));

        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes")).withRequestBody(
                WireMock.matchingJsonPath("$.body", WireMock.containing("[file not attached: huge.mov, too large for Freshdesk]"))));
    }

    static Message.Builder msg(String text) {
        return Fixture.message(text);
    }
}
