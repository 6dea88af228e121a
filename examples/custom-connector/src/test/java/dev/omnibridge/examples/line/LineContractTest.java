package dev.omnibridge.examples.line;

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
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.contract.ChannelConnectorContract;
import dev.omnibridge.testkit.contract.WebhookSample;
import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/** Omnibridge's connector contract for the LINE connector, LINE's API being a WireMock stub. */
class LineContractTest implements ChannelConnectorContract<LineConnector> {
    static final String CHANNEL_SECRET = "line-channel-secret-4f2a";

    @RegisterExtension
    static WireMockExtension line = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** A text message event as LINE sends it (fields per the Messaging API's webhook event objects). */
    static String textEvent(String eventId, String userId, String text) {
        return "{\"destination\":\"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"events\":[{\"type\":\"message\","
                + "\"message\":{\"type\":\"text\",\"id\":\"4681" + eventId.length() + "\",\"quoteToken\":\"q-"
                + eventId + "\",\"text\":\"" + text + "\"},\"webhookEventId\":\"" + eventId + "\","
                + "\"deliveryContext\":{\"isRedelivery\":false},\"timestamp\":1733380000000,"
                + "\"source\":{\"type\":\"user\",\"userId\":\"" + userId + "\"},"
                + "\"replyToken\":\"reply-" + eventId + "\",\"mode\":\"active\"}]}";
    }

    @Override
    public ConnectorType type() {
        return new LineType();
    }

    @Override
    public Map<String, ?> validSettings() {
        return Map.of(LineType.CHANNEL_SECRET, CHANNEL_SECRET,
                LineType.ACCESS_TOKEN, "line-access-token-9QmZ",
                LineType.API_BASE, line.baseUrl(),
                LineType.TIMEOUT, "2s");
    }

    @Override
    public String webhookSecret() {
        return CHANNEL_SECRET;
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(
                WebhookSample.json("a text message", textEvent("01JEXAMPLEEVENT0000000001",
                        "U4af4980629a0b1c2d3e4f5a6b7c8d9e0", "Where is my order?")),
                WebhookSample.json("another user's text message", textEvent("01JEXAMPLEEVENT0000000002",
                        "U9bf4980629a0b1c2d3e4f5a6b7c8d9e1", "My parcel arrived damaged.")));
    }

    /** LINE's scheme: {@code x-line-signature} = Base64(HMAC-SHA256(body, channel secret)), no timestamp. */
    @Override
    public WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        return sample.toRequest(instanceId(), Map.of(LineConnector.SIGNATURE_HEADER,
                List.of(HmacSignatures.hmacBase64("HmacSHA256", secret, sample.body()))));
    }

    @Override
    public OutboundMessage sampleOutbound() {
        ChannelRef channel = new ChannelRef(LineType.NAME, instanceId());
        String user = "U4af4980629a0b1c2d3e4f5a6b7c8d9e0";
        Message reply = Message.builder()
                .direction(Direction.OUTBOUND)
                .channel(channel)
                .channelMessageId("out-1")
                .threadKey(user)
                .author(Author.agent("Sam Agent"))
                .text("Your order ships today.")
                .build();
        Conversation conversation = new Conversation("conv-1", channel, user, "contact-1", Address.chatUser(user),
                ConversationStatus.OPEN, Map.of(), Instant.now());
        return new OutboundMessage(reply, conversation, "delivery-1");
    }

    @Override
    public void failSendsWith(int status) {
        line.stubFor(post(anyUrl()).willReturn(status(status)));
    }

    @Override
    public void failSendsWithNetworkError() {
        line.stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }
}
