package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.testkit.contract.WebhookSample;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/** instagram keeps the connector contract. */
class InstagramContractTest extends MetaContract {
    @RegisterExtension
    static WireMockExtension graph = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Override
    public ConnectorType type() {
        return new InstagramType();
    }

    @Override
    Product product() {
        return Product.INSTAGRAM;
    }

    @Override
    WireMockExtension graph() {
        return graph;
    }

    @Override
    String customerKey() {
        return "1087654321";
    }

    @Override
    Address customerAddress() {
        return Address.chatUser("1087654321");
    }

    static String instagram(String sender, String mid, long timestamp, String text) {
        return "{\"object\":\"instagram\",\"entry\":[{\"id\":\"" + Fixtures.IG_ID + "\",\"time\":" + timestamp
                + ",\"messaging\":[{\"sender\":{\"id\":\"" + sender + "\"},\"recipient\":{\"id\":\"" + Fixtures.IG_ID
                + "\"},\"timestamp\":" + timestamp + ",\"message\":{\"mid\":\"" + mid + "\",\"text\":\"" + text
                + "\"}}]}]}";
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        return List.of(
                WebhookSample.json("message", instagram("1087654321", "aWdfContract1", 1700000000000L,
                        "is this in stock?")),
                WebhookSample.json("message from another person", instagram("2098765432", "aWdfContract2",
                        1700000005000L, "do you ship abroad?")));
    }
}
