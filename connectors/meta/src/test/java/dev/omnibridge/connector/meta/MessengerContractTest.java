package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.testkit.contract.WebhookSample;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/** messenger keeps the connector contract. */
class MessengerContractTest extends MetaContract {
    @RegisterExtension
    static WireMockExtension graph = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new MessengerType();
    }

    @Override
    Product product() {
        return Product.MESSENGER;
    }

    @Override
    WireMockExtension graph() {
        return graph;
    }

    @Override
    String customerKey() {
        return "6873453252741";
    }

    @Override
    Address customerAddress() {
        return Address.chatUser("6873453252741");
    }

    static String page(String sender, String mid, long timestamp, String text) {
        return "{\"object\":\"page\",\"entry\":[{\"id\":\"" + Fixtures.PAGE_ID + "\",\"time\":" + timestamp
                + ",\"messaging\":[{\"sender\":{\"id\":\"" + sender + "\"},\"recipient\":{\"id\":\"" + Fixtures.PAGE_ID
                + "\"},\"timestamp\":" + timestamp + ",\"message\":{\"mid\":\"" + mid + "\",\"text\":\"" + text
                + "\"}}]}]}";
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(
                WebhookSample.json("message", page("6873453252741", "m_contract_1", 1700000000000L,
                        "hello, is the shop open?")),
                WebhookSample.json("message from another person", page("5550001112223", "m_contract_2",
                        1700000005000L, "where is my parcel?")));
    }
}
