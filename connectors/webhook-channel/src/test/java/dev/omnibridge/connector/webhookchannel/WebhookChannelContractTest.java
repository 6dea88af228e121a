package dev.omnibridge.connector.webhookchannel;

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
import dev.omnibridge.testkit.contract.Check;
import dev.omnibridge.testkit.contract.WebhookSample;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/** webhook-channel keeps the connector contract (the reference scheme: X-Omnibridge-Signature, no timestamp). */
class WebhookChannelContractTest implements ChannelConnectorContract<WebhookChannelConnector> {
    private static final String SECRET = "contract-secret-4711";

    @RegisterExtension
    static WireMockExtension callback = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new WebhookChannelType();
    }

    @Override
    public Map<String, ?> validSettings() {
        return Map.of("secret", SECRET, "callbackUrl", callback.url("/replies"), "timeout", "2s");
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(WebhookSample.json("message from Ann", """
                        {"channelMessageId":"m-1","threadKey":"thread-ann",
                         "author":{"role":"CUSTOMER","displayName":"Ann Example","address":{"kind":"EMAIL","value":"ann@example.com"}},
                         "text":"My parcel never arrived"}"""),
                WebhookSample.json("message from Bob", """
                        {"channelMessageId":"m-2","threadKey":"thread-bob",
                         "author":{"role":"CUSTOMER","address":{"kind":"PHONE","value":"+14155550123"}},
                         "text":"Please cancel order 991"}"""));
    }

    @Override
    public OutboundMessage sampleOutbound() {
        ChannelRef channel = new ChannelRef(WebhookChannelType.NAME, instanceId());
        Message reply = Message.builder().id("msg-9").direction(Direction.OUTBOUND).channel(channel)
                .channelMessageId("out-1").threadKey("thread-ann").conversationId("conv-1")
                .author(Author.agent("Alice")).text("Your parcel ships again today")
                .receivedAt(Instant.parse("2025-03-01T10:15:30Z")).build();
        Conversation conversation = new Conversation("conv-1", channel, "thread-ann", "contact-1",
                Address.email("ann@example.com"), ConversationStatus.OPEN, Map.of(), Instant.parse("2025-03-01T10:00:00Z"));
        return new OutboundMessage(reply, conversation, "out-1");
    }

    @Override
    public void failSendsWith(int status) {
        callback.stubFor(post(anyUrl()).willReturn(status(status)));
    }

    @Override
    public void failSendsWithNetworkError() {
        callback.stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }

    @Override
    public Map<Check, String> optOuts() {
        return Map.of(Check.CAPABILITIES_DECLARED, "a generic channel: it posts the whole canonical message (text, "
                + "options, files, HTML) to the integrator's callback, which decides what its channel shows; the hub "
                + "passes such messages on as they are");
    }
}
