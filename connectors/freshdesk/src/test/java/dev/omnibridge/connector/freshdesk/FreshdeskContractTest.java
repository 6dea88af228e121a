package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.testkit.contract.Check;
import dev.omnibridge.testkit.contract.DeskConnectorContract;
import dev.omnibridge.testkit.contract.Running;
import dev.omnibridge.testkit.contract.WebhookSample;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * freshdesk keeps the connector contract. Freshdesk's automation webhooks are not signed: the rule sends the shared
 * secret in a header (webhookSecretHeader), so the webhook is only a hint to read the ticket's conversations; a
 * replay is caught by the conversation (reply) id.
 */
class FreshdeskContractTest implements DeskConnectorContract<FreshdeskConnector> {
    private static final String HEADER = "X-Omnibridge-Webhook-Secret";

    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new FreshdeskType();
    }

    @Override
    public Map<String, ?> validSettings() {
        Map<String, Object> s = Fixture.settings(api.baseUrl());
        s.put("timeout", "5s");
        return s;
    }

    @Override
    public Map<Check, String> optOuts() {
        return Map.of(Check.ALTERED_BODY_REFUSED, "Freshdesk automation webhooks carry no signature of the body, only"
                + " the shared secret in a header; the body is a hint (a ticket id) and the replies are read from the"
                + " API, so a changed body can at most make the connector read another ticket");
    }

    @Override
    public Running<FreshdeskConnector> startConnector() throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1}")));
        api.stubFor(get("/api/v2/agents/5").willReturn(okJson("{\"id\":5,\"contact\":{\"name\":\"Alice Agent\"}}")));
        for (String ticket : List.of("501", "502")) {
            api.stubFor(get("/api/v2/tickets/" + ticket).willReturn(okJson("{\"id\":" + ticket
                    + ",\"requester_id\":77,\"status\":2,\"custom_fields\":{\"cf_omnibridge_conversation_id\":\"conv-"
                    + ticket + "\"}}")));
            api.stubFor(get(urlPathEqualTo("/api/v2/tickets/" + ticket + "/conversations")).willReturn(okJson("""
                    [{"id":%s3,"body":"<div>Hello, your parcel is on its way</div>","body_text":"Hello, your parcel is on its way",
                      "incoming":false,"private":false,"user_id":5,"source":0,"created_at":"2026-11-20T10:02:00Z"}]"""
                    .formatted(ticket))));
        }
        return DeskConnectorContract.super.startConnector();
    }

    @Override
    public String webhookSecret() {
        return Fixture.WEBHOOK_SECRET;
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(WebhookSample.json("ticket 501 updated", "{\"ticket_id\": 501}"),
                WebhookSample.json("ticket 502 updated", "{\"ticket_id\": 502}"));
    }

    @Override
    public WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        return sample.toRequest(instanceId(), Map.of(HEADER, List.of(secret)));
    }

    @Override
    public DeskDelivery sampleDelivery() {
        return Fixture.opening(Fixture.message("My parcel never arrived").build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL)));
    }

    @Override
    public void failSendsWith(int status) {
        api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status).withHeader("Content-Type",
                "application/json").withHeader("Retry-After", "0").withBody("{\"description\":\"failed\"}")));
    }

    @Override
    public void failSendsWithNetworkError() {
        api.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }
}
