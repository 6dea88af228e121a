package dev.omnibridge.connector.webhookchannel;

import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WebhookChannelOutboundTest {
    private static final String SECRET = "callback-secret-123";

    @RegisterExtension
    static WireMockExtension callback = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private WebhookChannelConnector connector;

    private WebhookChannelConnector started(String timeout) {
        WebhookChannelType type = new WebhookChannelType();
        connector = (WebhookChannelConnector) type.create();
        connector.start(new FakeConnectorContext("web", type.config(), Map.of("secret", SECRET,
                "callbackUrl", callback.url("/replies?token=abc"), "timeout", timeout)));
        return connector;
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    private static OutboundMessage reply(String idempotencyKey) {
        Message message = Message.builder()
                .id("msg-7")
                .direction(Direction.OUTBOUND)
                .channel(new ChannelRef("webhook-channel", "web"))
                .channelMessageId(idempotencyKey)
                .threadKey("thread-1")
                .conversationId("conv-1")
                .author(Author.agent("Alice"))
                .text("Your order ships today.")
                .replyTo("m-1")
                .receivedAt(Instant.parse("2025-03-01T10:15:30Z"))
                .build();
        Conversation conversation = new Conversation("conv-1", new ChannelRef("webhook-channel", "web"), "thread-1",
                "contact-1", Address.email("ann@example.com"), ConversationStatus.OPEN, Map.of(),
                Instant.parse("2025-03-01T10:00:00Z"));
        return new OutboundMessage(message, conversation, idempotencyKey);
    }

    @Test
    void postsTheCanonicalJsonSignedWithTheIdempotencyKeyAndReturnsTheAnsweredId() throws Exception {
        callback.stubFor(post(urlEqualTo("/replies?token=abc")).willReturn(okJson("{\"id\":\"chan-42\"}")));
        OutboundMessage outbound = reply("key-1");

        String id = started("10s").send(outbound);

        assertThat(id).isEqualTo("chan-42");
        callback.verify(1, postRequestedFor(urlEqualTo("/replies?token=abc"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Idempotency-Key", equalTo("key-1")));
        LoggedRequest request = callback.findAll(postRequestedFor(urlEqualTo("/replies?token=abc"))).get(0);
        assertThat(request.getHeader("X-Omnibridge-Signature"))
                .isEqualTo(TestWebhooks.signature(SECRET, request.getBody()));
        JsonNode json = CanonicalJson.mapper().readTree(request.getBody());
        assertThat(json.get("schema").asText()).isEqualTo("omnibridge.message/v1");
        assertThat(CanonicalJson.read(request.getBody())).isEqualTo(outbound.message());
        assertThat(request.getBodyAsString()).doesNotContain(SECRET);
    }

    @Test
    void usesTheIdempotencyKeyAsChannelMessageIdWhenTheAnswerHasNoId() {
        callback.stubFor(post(urlEqualTo("/replies?token=abc")).willReturn(ok()));

        assertThat(started("10s").send(reply("key-2"))).isEqualTo("key-2");
    }

    @Test
    void usesTheIdempotencyKeyWhenTheAnswerIsNotJson() {
        callback.stubFor(post(urlEqualTo("/replies?token=abc")).willReturn(ok("thanks!")));

        assertThat(started("10s").send(reply("key-3"))).isEqualTo("key-3");
    }

    @Test
    void classifiesA500AsRetryable() {
        callback.stubFor(post(urlEqualTo("/replies?token=abc")).willReturn(aResponse().withStatus(500)));

        DeliveryException e = sendFailing();

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e).hasMessageStartingWith("HTTP 500");
    }

    @Test
    void classifiesA503WithRetryAfterAsRetryableAfterThatDelay() {
        callback.stubFor(post(urlEqualTo("/replies?token=abc"))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "120").withBody("maintenance")));

        DeliveryException e = sendFailing();

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
        assertThat(e).hasMessage("HTTP 503: maintenance");
    }

    @Test
    void classifiesA429WithRetryAfterAsRetryableAfterThatDelay() {
        callback.stubFor(post(urlEqualTo("/replies?token=abc"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));

        DeliveryException e = sendFailing();

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void classifiesA400AsPermanentWithAShortSnippetOfTheAnswer() {
        String longBody = "{\"error\":\"unknown thread\"," + "\"detail\":\"" + "x".repeat(1000) + "\"}";
        callback.stubFor(post(urlEqualTo("/replies?token=abc"))
                .willReturn(aResponse().withStatus(400).withBody(longBody)));

        DeliveryException e = sendFailing();

        assertThat(e.isRetryable()).isFalse();
        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(e.getMessage()).startsWith("HTTP 400: {\"error\":\"unknown thread\"");
        assertThat(e.getMessage().length()).isLessThanOrEqualTo("HTTP 400: ".length() + 200);
    }

    @Test
    void neverRepeatsTheSecretFromAnErrorAnswer() {
        callback.stubFor(post(urlEqualTo("/replies?token=abc"))
                .willReturn(aResponse().withStatus(401).withBody("bad secret " + SECRET)));

        DeliveryException e = sendFailing();

        assertThat(e.getMessage()).doesNotContain(SECRET).contains("******");
    }

    @Test
    void classifiesAConnectionResetAsRetryable() {
        callback.stubFor(post(urlEqualTo("/replies?token=abc"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        DeliveryException e = sendFailing();

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).startsWith("POST to http://localhost:" + callback.getPort() + " failed")
                .doesNotContain("token=abc");
    }

    @Test
    void classifiesATimeoutAsRetryable() {
        callback.stubFor(post(urlEqualTo("/replies?token=abc")).willReturn(ok().withFixedDelay(3000)));
        started("300ms");

        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> connector.send(reply("key-t")));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("timed out");
    }

    @Test
    void classifiesAnUnreachableCallbackAsRetryable() {
        WebhookChannelType type = new WebhookChannelType();
        connector = (WebhookChannelConnector) type.create();
        connector.start(new FakeConnectorContext("web", type.config(),
                Map.of("secret", SECRET, "callbackUrl", "http://127.0.0.1:1/replies")));

        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> connector.send(reply("key-u")));

        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void refusesToSendAnInternalMessage() {
        OutboundMessage outbound = reply("key-i");
        OutboundMessage internal = new OutboundMessage(
                outbound.message().toBuilder().direction(Direction.INTERNAL).build(), outbound.conversation(), "key-i");

        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> started("10s").send(internal));

        assertThat(e.isRetryable()).isFalse();
        assertThat(callback.findAll(postRequestedFor(urlEqualTo("/replies?token=abc")))).isEmpty();
    }

    private DeliveryException sendFailing() {
        WebhookChannelConnector c = started("10s");
        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> c.send(reply("key-f")));
        assertThat(e).as("a DeliveryException").isNotNull();
        assertThat(List.of(e.getMessage())).noneMatch(m -> m.contains(SECRET));
        return e;
    }
}
