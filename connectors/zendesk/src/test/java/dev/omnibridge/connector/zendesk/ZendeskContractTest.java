package dev.omnibridge.connector.zendesk;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Direction;
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
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * zendesk keeps the connector contract: X-Zendesk-Webhook-Signature over timestamp + body, a timestamp older than
 * signatureTolerance (5 minutes) refused as a replay; the webhook is a hint, the replies are the ticket's comments.
 */
class ZendeskContractTest implements DeskConnectorContract<ZendeskConnector> {
    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new ZendeskType();
    }

    @Override
    public Map<String, ?> validSettings() {
        Map<String, Object> s = Fixture.settings(zd.baseUrl());
        s.put("timeout", "5s");
        return s;
    }

    @Override
    public Running<ZendeskConnector> startConnector() throws Exception {
        Fixture.stubApiUserAndRequester(zd);
        for (String ticket : List.of("77", "78")) {
            zd.stubFor(get(urlPathEqualTo("/api/v2/tickets/" + ticket + "/comments")).willReturn(okJson("""
                    {"comments":[{"id":%s4,"type":"Comment","author_id":42,"public":true,"body":"It ships today, ticket %s",
                      "created_at":"2021-07-25T10:01:00Z","attachments":[]}],
                     "users":[{"id":42,"name":"Alice Agent","role":"agent"}]}""".formatted(ticket, ticket))));
        }
        return DeskConnectorContract.super.startConnector();
    }

    @Override
    public String webhookSecret() {
        return Fixture.SIGNING_SECRET;
    }

    @Override
    public Optional<Duration> signatureMaxAge() {
        return Optional.of(Duration.ofMinutes(5));
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(WebhookSample.json("ticket 77 updated", "{\"ticket_id\":\"77\",\"external_id\":\"conv-1\",\"status\":\"Open\"}"),
                WebhookSample.json("ticket 78 solved", "{\"ticket_id\":\"78\",\"external_id\":\"conv-2\",\"status\":\"Solved\"}"));
    }

    @Override
    public WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        String timestamp = signedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        return sample.toRequest(instanceId(), Map.of(ZendeskSignature.TIMESTAMP, List.of(timestamp),
                ZendeskSignature.SIGNATURE, List.of(ZendeskSignature.sign(secret, timestamp, sample.body()))));
    }

    @Override
    public DeskDelivery sampleDelivery() {
        return Fixture.delivery(Fixture.message("m1", "My parcel never arrived", Direction.INBOUND, List.of()), null);
    }

    @Override
    public void failSendsWith(int status) {
        // Retry-After: 0, so the connector's pacer does not hold the next check's calls for its default 5 s.
        zd.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status).withHeader("Content-Type",
                "application/json").withHeader("Retry-After", "0").withBody("{\"error\":\"failed\"}")));
    }

    @Override
    public void failSendsWithNetworkError() {
        zd.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }
}
