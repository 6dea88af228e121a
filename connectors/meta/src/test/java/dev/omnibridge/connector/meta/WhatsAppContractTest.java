package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.testkit.contract.WebhookSample;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/** whatsapp keeps the connector contract. */
class WhatsAppContractTest extends MetaContract {
    @RegisterExtension
    static WireMockExtension graph = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new WhatsAppType();
    }

    @Override
    Product product() {
        return Product.WHATSAPP;
    }

    @Override
    WireMockExtension graph() {
        return graph;
    }

    @Override
    String customerKey() {
        return "16505551234";
    }

    @Override
    Address customerAddress() {
        return Address.phone("+16505551234");
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(WebhookSample.json("text from Sheena", WebhookTest.waValue(
                        "[{\"profile\":{\"name\":\"Sheena Nelson\"},\"wa_id\":\"16505551234\"}]",
                        "[{\"from\":\"16505551234\",\"id\":\"wamid.CONTRACT1\",\"timestamp\":\"1749416383\","
                                + "\"type\":\"text\",\"text\":{\"body\":\"Does it come in another color?\"}}]", null)),
                WebhookSample.json("text from Kerry", WebhookTest.waValue(
                        "[{\"profile\":{\"name\":\"Kerry Fisher\"},\"wa_id\":\"447700900123\"}]",
                        "[{\"from\":\"447700900123\",\"id\":\"wamid.CONTRACT2\",\"timestamp\":\"1749416390\","
                                + "\"type\":\"text\",\"text\":{\"body\":\"Thanks for the quick help\"}}]", null)));
    }
}
