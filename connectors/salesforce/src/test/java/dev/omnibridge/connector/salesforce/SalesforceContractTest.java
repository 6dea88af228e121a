package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.testkit.contract.DeskConnectorContract;
import dev.omnibridge.testkit.contract.Running;
import dev.omnibridge.testkit.contract.WebhookSample;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * salesforce keeps the connector contract. Agents' comments are polled; the optional webhook is a signed "poll now"
 * hint (X-Omnibridge-Signature over the body) whose sentAt must lie within webhookTolerance (5 minutes), so an old
 * hint is refused as a replay. Each sample hint finds one agent comment in the stubbed org.
 */
class SalesforceContractTest implements DeskConnectorContract<SalesforceConnector> {
    private static final String SENT_AT = "%SENT_AT%";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new SalesforceType();
    }

    @Override
    public Map<String, ?> validSettings() {
        Map<String, Object> s = Fixtures.settings(wm);
        s.put("timeout", "5s");
        s.put("requestsPerMinute", 6000);   // the default 60 paces the failure checks' calls a second apart
        return s;
    }

    @Override
    public Running<SalesforceConnector> startConnector() throws Exception {
        Fixtures.stubToken(wm);
        return DeskConnectorContract.super.startConnector();
    }

    @Override
    public String webhookSecret() {
        return "hint-secret";
    }

    @Override
    public Optional<Duration> signatureMaxAge() {
        return Optional.of(Duration.ofMinutes(5));
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(WebhookSample.json("hint for a case", "{\"caseIds\":[\"" + Fixtures.CASE + "\"],\"sentAt\":\""
                        + SENT_AT + "\"}"),
                WebhookSample.json("hint for another case", "{\"caseIds\":[\"500Hs00001OTHERCA\"],\"sentAt\":\""
                        + SENT_AT + "\"}"));
    }

    /** The hint's sentAt is its timestamp: the org writes the time it signs. */
    @Override
    public WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        byte[] body = sample.bodyText().replace(SENT_AT, signedAt.toString()).getBytes(StandardCharsets.UTF_8);
        WebhookSample dated = sample.withBody(body);
        return dated.toRequest(instanceId(), Map.of("X-Omnibridge-Signature",
                List.of(TestWebhooks.signature(secret, body))));
    }

    /** Sample {@code i}: the org holds one published agent comment, {@code 00aAGENT<i>}, when the hint comes. */
    @Override
    public Inbound receive(Running<SalesforceConnector> running, int sample) throws Exception {
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE Parent.", RepliesTest.comment("00aAGENT" + sample,
                "We have shipped it again, parcel " + sample, true, "005ALICE", "Standard",
                "2099-11-23T19:20:0" + sample + ".000+0000"));
        Fixtures.stubQuery(wm, "FROM Case WHERE", "");
        return DeskConnectorContract.super.receive(running, sample);
    }

    @Override
    public DeskDelivery sampleDelivery() {
        return Fixtures.opening("My parcel never arrived");
    }

    @Override
    public void failSendsWith(int status) {
        wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status).withHeader("Content-Type",
                "application/json").withHeader("Retry-After", "0")
                .withBody("[{\"message\":\"failed\",\"errorCode\":\"UNKNOWN_EXCEPTION\"}]")));
    }

    @Override
    public void failSendsWithNetworkError() {
        wm.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }
}
