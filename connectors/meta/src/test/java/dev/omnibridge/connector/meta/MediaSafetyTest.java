package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Message;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.meta.Fixtures.signed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Media URLs come from webhooks and from the Graph API's answers, so they are attacker-shaped: with the Graph API
 * on 127.0.0.1 (as in the system tests) neither a loopback attachment URL nor another port of the Graph host may be
 * reached, and the access token goes only to the Graph origin and Meta's https media hosts.
 */
class MediaSafetyTest {
    @RegisterExtension
    static WireMockExtension graph = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension other = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private MetaConnector connector;

    private FakeConnectorContext start(MetaConnector c, Product product) {
        Map<String, Object> s = Fixtures.settings(graph, product);
        s.put("graphApiBaseUrl", "http://127.0.0.1:" + graph.getPort());
        FakeConnectorContext ctx = Fixtures.context(product, s);
        connector = c;
        connector.start(ctx);
        return ctx;
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    @Test
    void aMessengerAttachmentOnLoopbackIsRefusedWithoutConnecting() throws Exception {
        start(new MetaConnector(Product.MESSENGER), Product.MESSENGER);
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket s = listener.accept()) {
                        connections.incrementAndGet();
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            acceptor.start();
            String body = "{\"object\":\"page\",\"entry\":[{\"id\":\"" + Fixtures.PAGE_ID + "\",\"time\":1700000000500,"
                    + "\"messaging\":[{\"sender\":{\"id\":\"6873453252741\"},\"recipient\":{\"id\":\"" + Fixtures.PAGE_ID
                    + "\"},\"timestamp\":1700000005000,\"message\":{\"mid\":\"m_loop\",\"text\":\"see this\","
                    + "\"attachments\":[{\"type\":\"image\",\"payload\":{\"url\":\"https://127.0.0.1:"
                    + listener.getLocalPort() + "/x.png\"}}]}}]}]}";

            Message m = connector.onWebhook(signed(body)).inbound().messages().get(0);

            listener.close();
            acceptor.join(2000);
            assertThat(m.attachments()).isEmpty();
            assertThat(m.text()).startsWith("see this\n[image could not be fetched").contains("loopback");
        }
        assertThat(connections).hasValue(0);
    }

    @Test
    void theAccessTokenIsNotSentToAnotherPortOfTheGraphHost() {
        start(Fixtures.connector(Product.WHATSAPP, graph, other), Product.WHATSAPP);
        graph.stubFor(get(urlEqualTo("/v23.0/4242")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"messaging_product\":\"whatsapp\",\"url\":\"http://127.0.0.1:" + other.getPort()
                        + "/media/4242\",\"mime_type\":\"image/png\",\"file_size\":3,\"id\":\"4242\"}")));
        other.stubFor(get(anyUrl()).willReturn(aResponse().withHeader("Content-Type", "image/png").withBody("png")));

        Message m = connector.onWebhook(signed(WebhookTest.waValue(null, "[{\"from\":\"16505551234\","
                + "\"id\":\"wamid.PORT\",\"timestamp\":\"1749416383\",\"type\":\"image\",\"image\":{\"mime_type\":"
                + "\"image/png\",\"id\":\"4242\"}}]", null))).inbound().messages().get(0);

        assertThat(m.attachments()).isEmpty();
        assertThat(m.text()).contains("could not be fetched").contains("not on a Meta host");
        other.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void theAccessTokenIsNotSentToTheGraphHostOverAnotherScheme() {
        start(Fixtures.connector(Product.WHATSAPP, graph), Product.WHATSAPP);
        graph.stubFor(get(urlEqualTo("/v23.0/4343")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"url\":\"https://127.0.0.1:" + graph.getPort() + "/media/4343\",\"mime_type\":"
                        + "\"image/png\",\"id\":\"4343\"}")));

        Message m = connector.onWebhook(signed(WebhookTest.waValue(null, "[{\"from\":\"16505551234\","
                + "\"id\":\"wamid.SCHEME\",\"timestamp\":\"1749416383\",\"type\":\"image\",\"image\":{\"mime_type\":"
                + "\"image/png\",\"id\":\"4343\"}}]", null))).inbound().messages().get(0);

        assertThat(m.attachments()).isEmpty();
        assertThat(m.text()).contains("not on a Meta host");
        graph.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void aRedirectFromTheMediaHostToAPrivateAddressIsRefused() {
        start(Fixtures.connector(Product.WHATSAPP, graph), Product.WHATSAPP);
        graph.stubFor(get(urlEqualTo("/v23.0/4444")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"url\":\"http://127.0.0.1:" + graph.getPort() + "/media/4444\",\"mime_type\":"
                        + "\"image/png\",\"id\":\"4444\"}")));
        graph.stubFor(get(urlEqualTo("/media/4444")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://127.0.0.1:" + other.getPort() + "/internal")));

        Message m = connector.onWebhook(signed(WebhookTest.waValue(null, "[{\"from\":\"16505551234\","
                + "\"id\":\"wamid.REDIR\",\"timestamp\":\"1749416383\",\"type\":\"image\",\"image\":{\"mime_type\":"
                + "\"image/png\",\"id\":\"4444\"}}]", null))).inbound().messages().get(0);

        assertThat(m.attachments()).isEmpty();
        assertThat(m.text()).contains("could not be fetched");
        other.verify(0, anyRequestedFor(anyUrl()));
    }
}
