package dev.omnibridge.connector.webhookdesk;

import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WebhookDeskOutboundTest {
    private static final String SECRET = "desk-secret-456";

    @RegisterExtension
    static WireMockExtension desk = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private WebhookDeskConnector connector;

    @BeforeEach
    void start() {
        WebhookDeskType type = new WebhookDeskType();
        connector = (WebhookDeskConnector) type.create();
        connector.start(new FakeConnectorContext("desk", type.config(),
                Map.of("url", desk.url("/desk"), "secret", SECRET, "timeout", "2s")));
    }

    @AfterEach
    void stop() {
        connector.stop();
    }

    private static DeskDelivery delivery(String ticketRef, String idempotencyKey) {
        Address ann = Address.email("ann@example.com");
        Message message = Message.builder()
                .id("msg-1")
                .direction(Direction.INBOUND)
                .channel(new ChannelRef("webhook-channel", "web"))
                .channelMessageId("m-1")
                .threadKey("thread-1")
                .conversationId("conv-1")
                .author(Author.customer("Ann", ann))
                .text("Where is my order?")
                .receivedAt(Instant.parse("2025-03-01T10:15:30Z"))
                .build();
        Conversation conversation = new Conversation("conv-1", new ChannelRef("webhook-channel", "web"), "thread-1",
                "contact-1", ann, ConversationStatus.OPEN,
                ticketRef == null ? Map.of() : Map.of("desk", ticketRef), Instant.parse("2025-03-01T10:15:30Z"));
        Contact contact = new Contact("contact-1", "Ann", List.of(ann, Address.phone("+14155550100")));
        return new DeskDelivery(message, conversation, contact, ticketRef, idempotencyKey);
    }

    @Test
    void postsASignedDeskEventForANewTicketAndReturnsTheDesksTicketRef() throws Exception {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("{\"ticketRef\":\"T-1\",\"itemId\":\"c-1\"}")));
        DeskDelivery delivery = delivery(null, "idem-1");

        DeskResult result = connector.deliver(delivery);

        assertThat(result).isEqualTo(new DeskResult("T-1", "c-1"));
        desk.verify(1, postRequestedFor(urlEqualTo("/desk"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Idempotency-Key", equalTo("idem-1"))
                // The build of the plugin that sent it (issue 24: a swapped plugin shows at once).
                .withHeader("User-Agent", matching("omnibridge-webhook-desk/\\d+\\.\\d+\\.\\d+.*")));
        LoggedRequest request = desk.findAll(postRequestedFor(urlEqualTo("/desk"))).get(0);
        assertThat(request.getHeader("X-Omnibridge-Signature"))
                .isEqualTo(TestWebhooks.signature(SECRET, request.getBody()));

        JsonNode event = CanonicalJson.mapper().readTree(request.getBody());
        assertThat(event.get("schema").asText()).isEqualTo("omnibridge.desk-event/v1");
        assertThat(event.get("event").asText()).isEqualTo("message.created");
        assertThat(event.get("idempotencyKey").asText()).isEqualTo("idem-1");
        assertThat(event.has("ticketRef")).isTrue();
        assertThat(event.get("ticketRef").isNull()).isTrue();
        assertThat(event.get("conversation")).isEqualTo(CanonicalJson.mapper().readTree("""
                {"id":"conv-1","channel":{"type":"webhook-channel","instanceId":"web"},"threadKey":"thread-1"}"""));
        assertThat(event.get("contact")).isEqualTo(CanonicalJson.mapper().readTree("""
                {"id":"contact-1","displayName":"Ann","addresses":[{"kind":"EMAIL","value":"ann@example.com"},
                 {"kind":"PHONE","value":"+14155550100"}]}"""));
        assertThat(event.get("message").get("schema").asText()).isEqualTo("omnibridge.message/v1");
        assertThat(CanonicalJson.read(event.get("message"))).isEqualTo(delivery.message());
        assertThat(request.getBodyAsString()).doesNotContain(SECRET);
    }

    @Test
    void sendsTheKnownTicketRefForAFollowUpMessage() throws Exception {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("{\"ticketRef\":\"T-7\",\"itemId\":\"c-2\"}")));

        DeskResult result = connector.deliver(delivery("T-7", "idem-2"));

        assertThat(result).isEqualTo(new DeskResult("T-7", "c-2"));
        LoggedRequest request = desk.findAll(postRequestedFor(urlEqualTo("/desk"))).get(0);
        assertThat(CanonicalJson.mapper().readTree(request.getBody()).get("ticketRef").asText()).isEqualTo("T-7");
    }

    @Test
    void anEditedMessageIsSentAsAMessageEditedEventNamingTheOriginal() throws Exception {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("{\"ticketRef\":\"T-7\",\"itemId\":\"c-3\"}")));
        DeskDelivery original = delivery("T-7", "idem-edit");
        Message edit = original.message().toBuilder().channelMessageId("m-1:edited:2")
                .metadata(Map.of(Message.EDIT_OF, "m-1", Message.EDIT_OF_MESSAGE_ID, "msg-0")).build();

        connector.deliver(new DeskDelivery(edit, original.conversation(), original.contact(), "T-7", "idem-edit"));

        var event = CanonicalJson.mapper().readTree(desk.findAll(postRequestedFor(urlEqualTo("/desk"))).get(0)
                .getBody());
        assertThat(event.get("event").asText()).isEqualTo("message.edited");
        assertThat(event.at("/message/metadata/omnibridge.editOfMessageId").asText()).isEqualTo("msg-0");
    }

    @Test
    void keepsTheKnownTicketRefWhenTheDeskAnswersAFollowUpWithoutOne() {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(aResponse().withStatus(204)));

        assertThat(connector.deliver(delivery("T-7", "idem-3"))).isEqualTo(new DeskResult("T-7", null));
    }

    @Test
    void failsPermanentlyWhenTheDeskAnswers2xxWithoutTicketRefForANewTicket() {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("{\"itemId\":\"c-1\"}")));

        DeliveryException e = deliverFailing(delivery(null, "idem-4"));

        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(e).hasMessageContaining("without a ticketRef");
    }

    @Test
    void failsPermanentlyWhenTheDeskAnswers2xxWithAnUnparseableBodyForANewTicket() {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(ok("<html>created</html>")));

        DeliveryException e = deliverFailing(delivery(null, "idem-5"));

        assertThat(e.isRetryable()).isFalse();
        assertThat(e).hasMessageContaining("not a JSON object");
    }

    @Test
    void classifiesA500AsRetryable() {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(aResponse().withStatus(500).withBody("boom")));

        DeliveryException e = deliverFailing(delivery(null, "idem-6"));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e).hasMessage("HTTP 500: boom");
    }

    @Test
    void classifiesA503WithRetryAfterAsRetryableAfterThatDelay() {
        desk.stubFor(post(urlEqualTo("/desk"))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "30")));

        DeliveryException e = deliverFailing(delivery(null, "idem-7"));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void classifiesA429WithRetryAfterAsRetryableAfterThatDelay() {
        desk.stubFor(post(urlEqualTo("/desk"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5")));

        DeliveryException e = deliverFailing(delivery("T-1", "idem-8"));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
    }

    @Test
    void classifiesA400AsPermanent() {
        desk.stubFor(post(urlEqualTo("/desk"))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"unknown ticket\"}")));

        DeliveryException e = deliverFailing(delivery("T-404", "idem-9"));

        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(e).hasMessage("HTTP 400: {\"error\":\"unknown ticket\"}");
    }

    @Test
    void classifiesAConnectionResetAsRetryable() {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        DeliveryException e = deliverFailing(delivery(null, "idem-10"));

        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void classifiesATimeoutAsRetryable() {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("{\"ticketRef\":\"T-1\"}").withFixedDelay(4000)));

        DeliveryException e = deliverFailing(delivery(null, "idem-11"));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e).hasMessageContaining("timed out");
    }

    private DeliveryException deliverFailing(DeskDelivery delivery) {
        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> connector.deliver(delivery));
        assertThat(e).as("a DeliveryException").isNotNull();
        assertThat(e.getMessage()).doesNotContain(SECRET);
        return e;
    }
}
