package dev.omnibridge.connector.hubspot;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.testkit.contract.DeskConnectorContract;
import dev.omnibridge.testkit.contract.Running;
import dev.omnibridge.testkit.contract.WebhookSample;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * hubspot keeps the connector contract: X-HubSpot-Signature-v3 over method + public URL + body + timestamp, requests
 * older than five minutes refused as replays; a new-message event is re-read from the Conversations API.
 */
class HubSpotContractTest implements DeskConnectorContract<HubSpotConnector> {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new HubSpotType();
    }

    /** The public webhook URL is the one the samples arrive at, so the signed URI and the received one agree. */
    private String hookUrl() {
        return "http://localhost:8080/hooks/" + instanceId();
    }

    @Override
    public Map<String, ?> validSettings() {
        return Map.of("accessToken", Fixture.TOKEN, "clientSecret", Fixture.CLIENT_SECRET, "baseUrl", api.baseUrl(),
                "webhookUrl", hookUrl(), "timeout", "5s");
    }

    @Override
    public Running<HubSpotConnector> startConnector() throws Exception {
        api.stubFor(get(urlEqualTo("/crm/v3/objects/tickets?limit=1")).willReturn(Fixture.json(200, "{\"results\":[]}")));
        for (int n : List.of(1, 2)) {
            api.stubFor(get(urlEqualTo("/conversations/v3/conversations/threads/700" + n + "/messages/msg-" + n))
                    .willReturn(Fixture.json(200, """
                            {"type":"MESSAGE","id":"msg-%1$d","conversationsThreadId":"700%1$d","createdAt":"2026-01-05T09:59:00Z",
                             "createdBy":"A-42","client":{"clientType":"HUBSPOT"},
                             "senders":[{"actorId":"A-42","name":"Alice Agent"}],"recipients":[],"archived":false,
                             "text":"Your parcel %1$d ships today.","richText":"<p>Your parcel %1$d ships today.</p>",
                             "attachments":[],"truncationStatus":"NOT_TRUNCATED","direction":"OUTGOING","channelId":"1000",
                             "channelAccountId":"55"}""".formatted(n))));
            api.stubFor(get(urlEqualTo("/conversations/v3/conversations/threads/700" + n + "?association=TICKET"))
                    .willReturn(Fixture.json(200, """
                            {"id":"700%1$d","associatedContactId":"501","status":"OPEN","spam":false,"inboxId":"1",
                             "threadAssociations":{"associatedTicketId":"900%1$d"}}""".formatted(n))));
            api.stubFor(get(urlEqualTo("/crm/v3/objects/tickets/900" + n + "?properties=omnibridge_conversation_id"))
                    .willReturn(Fixture.json(200, "{\"id\":\"900" + n
                            + "\",\"properties\":{\"omnibridge_conversation_id\":\"conv-" + n + "\"}}")));
        }
        return DeskConnectorContract.super.startConnector();
    }

    @Override
    public String webhookSecret() {
        return Fixture.CLIENT_SECRET;
    }

    @Override
    public Optional<Duration> signatureMaxAge() {
        return Optional.of(Duration.ofMinutes(5));
    }

    private static String newMessage(int n) {
        return "[{\"eventId\":1" + n + ",\"subscriptionId\":3,\"portalId\":62515,\"appId\":9,\"occurredAt\":1767607140000"
                + ",\"subscriptionType\":\"conversation.newMessage\",\"attemptNumber\":0,\"objectId\":700" + n + ","
                + "\"messageId\":\"msg-" + n + "\",\"messageType\":\"MESSAGE\",\"changeFlag\":\"NEW_MESSAGE\"}]";
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(WebhookSample.json("agent message on thread 7001", newMessage(1)),
                WebhookSample.json("agent message on thread 7002", newMessage(2)));
    }

    @Override
    public WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        String ts = Long.toString(signedAt.toEpochMilli());
        String signature = Fixture.HmacTest.base64Hmac(secret, "POST" + hookUrl() + sample.bodyText() + ts);
        return sample.toRequest(instanceId(), Map.of(HubSpotSignature.SIGNATURE, List.of(signature),
                HubSpotSignature.TIMESTAMP, List.of(ts)));
    }

    @Override
    public DeskDelivery sampleDelivery() {
        return Fixture.delivery(Fixture.message("My parcel never arrived").build(), Fixture.ann(), "conv-1", null,
                "idem-1");
    }

    @Override
    public void failSendsWith(int status) {
        api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status).withHeader("Content-Type",
                "application/json").withHeader("Retry-After", "0")
                .withBody("{\"status\":\"error\",\"message\":\"failed\",\"category\":\"VALIDATION_ERROR\"}")));
    }

    @Override
    public void failSendsWithNetworkError() {
        api.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }
}
