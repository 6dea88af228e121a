package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.contract.ChannelConnectorContract;
import dev.omnibridge.testkit.contract.Running;
import dev.omnibridge.testkit.contract.WebhookSample;
import dev.omnibridge.webhook.WebhookRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

/**
 * The connector contract for one Meta product: X-Hub-Signature-256 (HMAC-SHA256 with the app secret, no timestamp:
 * a replay is caught by its message id). A send needs the customer's last message inside the window, so the
 * sample conversation is stored in the running connector's hub side first.
 */
abstract class MetaContract implements ChannelConnectorContract<MetaConnector> {
    abstract Product product();

    abstract WireMockExtension graph();

    /** The customer's thread key and address on this product. */
    abstract String customerKey();

    abstract Address customerAddress();

    @Override
    public Map<String, ?> validSettings() {
        return Fixtures.settings(graph(), product());
    }

    @Override
    public String webhookSecret() {
        return Fixtures.APP_SECRET;
    }

    @Override
    public WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        return sample.toRequest(instanceId(), Map.of("X-Hub-Signature-256",
                List.of(Fixtures.sign(secret, sample.body()))));
    }

    @Override
    public OutboundMessage sampleOutbound() {
        ChannelRef channel = new ChannelRef(product().type, instanceId());
        Message out = Message.builder().direction(Direction.OUTBOUND).channel(channel).channelMessageId("out-1")
                .threadKey(customerKey()).author(Author.agent("Alice")).text("Yes, we have it in blue")
                .receivedAt(Instant.now()).build();
        Conversation conversation = new Conversation("conv-contract", channel, customerKey(), "contact-1",
                customerAddress(), ConversationStatus.OPEN, Map.of(), Instant.now().minus(Duration.ofHours(1)));
        return new OutboundMessage(out, conversation, "idem-1");
    }

    /** Inside the window: the customer wrote five minutes ago (stored in the hub side the connector reads). */
    @Override
    public Throwable attemptSend(Running<MetaConnector> running) {
        Conversation conversation = Fixtures.conversationWithInbound(running.context(), product(), customerKey(),
                customerAddress(), Instant.now().minus(Duration.ofMinutes(5)));
        OutboundMessage sample = sampleOutbound();
        try {
            running.connector().send(new OutboundMessage(sample.message().toBuilder()
                    .conversationId(conversation.id()).build(), conversation, sample.idempotencyKey()));
            return null;
        } catch (DeliveryException | IllegalStateException e) {
            return e;
        }
    }

    @Override
    public void failSendsWith(int status) {
        graph().stubFor(post(anyUrl()).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"failed\",\"type\":\"OAuthException\",\"code\":1}}")));
    }

    @Override
    public void failSendsWithNetworkError() {
        graph().stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }
}
