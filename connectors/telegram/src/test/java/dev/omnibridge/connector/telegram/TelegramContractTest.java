package dev.omnibridge.connector.telegram;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.contract.ChannelConnectorContract;
import dev.omnibridge.testkit.contract.Check;
import dev.omnibridge.testkit.contract.Running;
import dev.omnibridge.testkit.contract.WebhookSample;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.telegram.Fixtures.path;

/**
 * telegram (webhook mode) keeps the connector contract. Its "signature" is the secret_token Telegram repeats in
 * X-Telegram-Bot-Api-Secret-Token, not a MAC of the body; a replay is caught by the message id.
 */
class TelegramContractTest implements ChannelConnectorContract<TelegramConnector> {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new TelegramType();
    }

    @Override
    public Map<String, ?> validSettings() {
        return Fixtures.settings(wm, "webhook");
    }

    @Override
    public Map<Check, String> optOuts() {
        return Map.of(Check.ALTERED_BODY_REFUSED, "Telegram's webhook secret_token is a static header, not a MAC of"
                + " the body (Bot API setWebhook): a body changed in transit cannot be told from the original; TLS"
                + " protects it");
    }

    @Override
    public Running<TelegramConnector> startConnector() throws Exception {
        Fixtures.ok(wm, "setWebhook", "true");
        Fixtures.ok(wm, "deleteWebhook", "true");
        return ChannelConnectorContract.super.startConnector();
    }

    @Override
    public String webhookSecret() {
        return Fixtures.SECRET;
    }

    @Override
    public WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        return sample.toRequest(instanceId(), Map.of("X-Telegram-Bot-Api-Secret-Token", List.of(secret)));
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(WebhookSample.json("text from Ann", Fixtures.textUpdate(500, 7, "My order 77 is late")),
                WebhookSample.json("text from Bob", Fixtures.update(501, "{\"message_id\":8,\"from\":"
                        + Fixtures.user(43, "Bob", "Stone", "bobstone") + ",\"chat\":{\"id\":43,\"first_name\":\"Bob\","
                        + "\"type\":\"private\"},\"date\":1735689700,\"text\":\"Can I change the address\"}")));
    }

    @Override
    public OutboundMessage sampleOutbound() {
        ChannelRef channel = new ChannelRef(TelegramType.NAME, instanceId());
        Message m = Message.builder().direction(Direction.OUTBOUND).channel(channel).channelMessageId("out-1")
                .threadKey("42").author(Author.agent("Alice")).text("It ships tomorrow morning").build();
        Conversation c = new Conversation("conv-1", channel, "42", "contact-1", Address.chatUser("42"),
                ConversationStatus.OPEN, Map.of(), Instant.now());
        return new OutboundMessage(m, c, "idem-1");
    }

    @Override
    public void failSendsWith(int status) {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(Fixtures.error(status, "failed", null)));
    }

    @Override
    public void failSendsWithNetworkError() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }

    /** The README: 401 is retryable and reported in /health (a wrong bot token affects every reply). */
    @Override
    public DeliveryException.Kind expectedKind(int status) {
        return status == 401 ? DeliveryException.Kind.RETRYABLE : ChannelConnectorContract.super.expectedKind(status);
    }
}
