package dev.omnibridge.connector.twilio;

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
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.contract.ChannelConnectorContract;
import dev.omnibridge.testkit.contract.Running;
import dev.omnibridge.testkit.contract.WebhookSample;
import dev.omnibridge.webhook.WebhookRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * twilio-sms keeps the connector contract: X-Twilio-Signature over the URL and the sorted form parameters (no
 * timestamp: a replay is caught by its MessageSid); 401 is retryable as the README documents.
 */
class TwilioContractTest implements ChannelConnectorContract<TwilioConnector> {
    private static final String CUSTOMER = "+15551230001";
    private static final String BUSINESS = "+15557650002";

    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new TwilioType();
    }

    @Override
    public Map<String, ?> validSettings() {
        return Map.of("accountSid", TwilioRequests.ACCOUNT_SID, "authToken", TwilioRequests.TOKEN,
                "apiBaseUrl", api.baseUrl(), "timeout", "2s");
    }

    @Override
    public Running<TwilioConnector> startConnector() {
        CamelContext camel = new DefaultCamelContext();
        camel.start();
        FakeConnectorContext context = newContext(validSettings()).withCamel(camel);
        TwilioConnector connector = newConnector();
        connector.start(context);
        return new Running<>(connector, context, camel::stop);
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(
                WebhookSample.form("SMS asking about an order", TwilioRequests.form(TwilioRequests.sms(
                        "SM11111111111111111111111111111111", CUSTOMER, BUSINESS, "Where is my order 4411?"))),
                WebhookSample.form("SMS from another customer", TwilioRequests.form(TwilioRequests.sms(
                        "SM22222222222222222222222222222222", "+15551230099", BUSINESS, "Please call me back"))));
    }

    @Override
    public WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        String url = sample.toRequest(instanceId()).requestUri().toString();
        return sample.toRequest(instanceId(), Map.of("X-Twilio-Signature",
                List.of(TwilioRequests.twilioSignature(secret, url, params(sample.bodyText())))));
    }

    private static List<Map.Entry<String, String>> params(String form) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            out.add(Map.entry(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Override
    public OutboundMessage sampleOutbound() {
        ChannelRef channel = new ChannelRef(TwilioType.NAME, instanceId());
        Message message = Message.builder().id("msg-9").direction(Direction.OUTBOUND).channel(channel)
                .channelMessageId("key-1").threadKey(CUSTOMER + "|" + BUSINESS).conversationId("conv-1")
                .author(Author.agent("Alice")).text("Your order 4411 ships today")
                .receivedAt(Instant.parse("2025-03-01T10:15:30Z")).build();
        Conversation conversation = new Conversation("conv-1", channel, CUSTOMER + "|" + BUSINESS, "contact-1",
                Address.phone(CUSTOMER), ConversationStatus.OPEN, Map.of(), Instant.parse("2025-03-01T10:00:00Z"));
        return new OutboundMessage(message, conversation, "key-1");
    }

    @Override
    public void failSendsWith(int status) {
        api.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(status).withHeader("Content-Type",
                "application/json").withBody("{\"code\": 20001, \"message\": \"failed\", \"status\": " + status + "}")));
    }

    @Override
    public void failSendsWithNetworkError() {
        api.stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }

    /** The README: 401 is retryable (rotated credentials affect every reply; the operator fixes and restarts). */
    @Override
    public DeliveryException.Kind expectedKind(int status) {
        return status == 401 ? DeliveryException.Kind.RETRYABLE : ChannelConnectorContract.super.expectedKind(status);
    }
}
