package ${package};

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorType;
#if( $kind == "channel" )
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.contract.ChannelConnectorContract;
#else
import dev.omnibridge.model.Contact;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.testkit.contract.DeskConnectorContract;
#end
import dev.omnibridge.testkit.contract.WebhookSample;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * Omnibridge's connector contract, run against this connector: settings documented (and README.md's table current),
 * secrets hidden, inbound webhooks mapped to valid, stably keyed items, unsigned, forged, changed and replayed
 * webhooks refused, send failures classified, and no secret or customer data in the log. The vendor's API is a
 * WireMock stub. Add your own tests beside this one.
 */
#if( $kind == "channel" )
class ${classPrefix}ContractTest implements ChannelConnectorContract<${classPrefix}Connector> {
#else
class ${classPrefix}ContractTest implements DeskConnectorContract<${classPrefix}Connector> {
#end
    static final String SECRET = "webhook-secret-7Qx9";

    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new ${classPrefix}Type();
    }

    @Override
    public Map<String, ?> validSettings() {
        return Map.of(${classPrefix}Type.SECRET, SECRET,
                ${classPrefix}Type.TOKEN, "api-token-K3v8Zp",
                ${classPrefix}Type.API_URL, api.baseUrl() + "/api",
                ${classPrefix}Type.TIMEOUT, "2s");
    }

    @Override
    public String webhookSecret() {
        return SECRET;
    }

    @Override
    public List<WebhookSample> webhookSamples() {
#if( $kind == "channel" )
        return List.of(
                WebhookSample.json("a question", "{\"id\":\"evt-1\",\"from\":\"user-42\",\"name\":\"Ann Example\","
                        + "\"text\":\"Where is my order?\"}"),
                WebhookSample.json("a follow-up", "{\"id\":\"evt-2\",\"from\":\"user-42\",\"name\":\"Ann Example\","
                        + "\"text\":\"It was due yesterday.\"}"));
#else
        return List.of(
                WebhookSample.json("an agent's reply", "{\"id\":\"reply-1\",\"ticket\":\"T-100\","
                        + "\"author\":\"Sam Agent\",\"text\":\"Your order ships today.\"}"),
                WebhookSample.json("another reply", "{\"id\":\"reply-2\",\"ticket\":\"T-100\","
                        + "\"author\":\"Sam Agent\",\"text\":\"Tracking number follows.\"}"));
#end
    }

    /** Signs as the service does: timestamp header, HMAC of {@code <timestamp>.<body>}. */
    @Override
    public WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        String timestamp = Long.toString(signedAt.getEpochSecond());
        return sample.toRequest(instanceId(), Map.of(
                ${classPrefix}Connector.TIMESTAMP_HEADER, List.of(timestamp),
                ${classPrefix}Connector.SIGNATURE_HEADER,
                List.of(${classPrefix}Connector.signature(secret, timestamp, sample.body()))));
    }

    @Override
    public Optional<Duration> signatureMaxAge() {
        return Optional.of(${classPrefix}Connector.MAX_AGE);
    }

#if( $kind == "channel" )
    @Override
    public OutboundMessage sampleOutbound() {
        ChannelRef channel = new ChannelRef(${classPrefix}Type.NAME, instanceId());
        Message reply = Message.builder()
                .direction(Direction.OUTBOUND)
                .channel(channel)
                .channelMessageId("out-1")
                .threadKey("user-42")
                .author(Author.agent("Sam Agent"))
                .text("Your order ships today.")
                .build();
        Conversation conversation = new Conversation("conv-1", channel, "user-42", "contact-1",
                Address.chatUser("user-42"), ConversationStatus.OPEN, Map.of(), Instant.now());
        return new OutboundMessage(reply, conversation, "idem-1");
    }
#else
    @Override
    public DeskDelivery sampleDelivery() {
        ChannelRef channel = new ChannelRef("webchat", "site");
        Address ann = Address.email("ann@example.com");
        Message question = Message.builder()
                .direction(Direction.INBOUND)
                .channel(channel)
                .channelMessageId("in-1")
                .threadKey("visitor-7")
                .author(Author.customer("Ann Example", ann))
                .text("Where is my order?")
                .build();
        Conversation conversation = new Conversation("conv-1", channel, "visitor-7", "contact-1", ann,
                ConversationStatus.OPEN, Map.of(), Instant.now());
        return new DeskDelivery(question, conversation, new Contact("contact-1", "Ann Example", List.of(ann)),
                null, "idem-1");
    }
#end

    @Override
    public void failSendsWith(int status) {
        api.stubFor(post(anyUrl()).willReturn(status(status)));
    }

    @Override
    public void failSendsWithNetworkError() {
        api.stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }
}
