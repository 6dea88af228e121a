package dev.omnibridge.connector.webhookdesk;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.testkit.contract.ContractSamples;
import dev.omnibridge.testkit.contract.DeskConnectorContract;
import dev.omnibridge.testkit.contract.WebhookSample;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/** webhook-desk keeps the connector contract (the reference scheme: X-Omnibridge-Signature, no timestamp). */
class WebhookDeskContractTest implements DeskConnectorContract<WebhookDeskConnector> {
    @RegisterExtension
    static WireMockExtension desk = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new WebhookDeskType();
    }

    @Override
    public Map<String, ?> validSettings() {
        return Map.of("url", desk.url("/desk"), "secret", "desk-contract-secret-42", "timeout", "2s");
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(WebhookSample.json("agent reply", """
                        {"ticketRef":"T-1","replyId":"c-9","author":{"role":"AGENT","displayName":"Alice"},
                         "text":"We have sent a replacement","html":null,"internal":false}"""),
                WebhookSample.json("another agent reply", """
                        {"ticketRef":"T-2","replyId":"c-10","author":{"role":"AGENT","displayName":"Bert"},
                         "text":"Your refund is on its way","html":null,"internal":false}"""));
    }

    @Override
    public DeskDelivery sampleDelivery() {
        return ContractSamples.newTicket("Ann Example", Address.email("ann.example@example.com"),
                "My parcel never arrived");
    }

    @Override
    public void failSendsWith(int status) {
        desk.stubFor(post(anyUrl()).willReturn(status(status)));
    }

    @Override
    public void failSendsWithNetworkError() {
        desk.stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }
}
