package dev.omnibridge.hub.web;

import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /hooks/<instance>} on a real hub, through {@link WebhookIngress} and the runtime's webhook dispatch: what the
 * connector is handed (method, sub-path, headers by name in any case with every value, query, raw body), what the
 * sender is answered, and that a refused or oversized request stores nothing.
 */
class WebhookIngressTest {
    private static final String TOKEN = "webhook-ingress-admin-token";
    private static final AtomicReference<WebhookRequest> SEEN = new AtomicReference<>();
    private static final TestType ECHO = new TestType("echo-channel", "stores each body as a message", EchoChannel::new);
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    Path dir;
    private Hub hub;

    @BeforeEach
    void startHub() throws Exception {
        SEEN.set(null);
        hub = local.start(dir, LocalHub.QUICK_DELIVERY, List.of(instance("echo", ECHO.name())), List.of(), ECHO);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void handsTheConnectorTheRequestAsReceived() throws Exception {
        byte[] body = "héllo".getBytes(StandardCharsets.UTF_8);
        // Written by hand: an HTTP client library may merge or reorder a repeated header.
        String status = rawPost("/hooks/echo/sub/path?a=1&a=2&b=x%20y", body, "X-Multi: one", "x-multi: two",
                "X-Signature: sha256=abc");

        assertThat(status).isEqualTo("HTTP/1.1 200 OK");
        WebhookRequest seen = SEEN.get();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.subPath()).isEqualTo("sub/path");
        assertThat(seen.requestUri().getPath()).isEqualTo("/hooks/echo/sub/path");
        assertThat(seen.requestUri().getRawQuery()).isEqualTo("a=1&a=2&b=x%20y");
        assertThat(seen.header("x-multi")).contains("one");
        assertThat(seen.headers().get("X-MULTI")).containsExactly("one", "two");
        assertThat(seen.header("x-signature")).contains("sha256=abc");
        assertThat(seen.query()).isEqualTo(Map.of("a", List.of("1", "2"), "b", List.of("x y")));
        assertThat(new String(seen.body(), StandardCharsets.UTF_8)).isEqualTo("héllo");
        assertThat(seen.remoteAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void handsTheConnectorNoQueryWhenTheRequestHasNone() {
        local.send(local.postText("/hooks/echo", "hello"));

        assertThat(SEEN.get().query()).isEmpty();
        assertThat(SEEN.get().subPath()).isEmpty();
    }

    @Test
    void answersWithTheConnectorsResponseOnceTheMessageIsStored() {
        HttpResponse<String> r = local.send(local.postText("/hooks/echo", "hello"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"stored\"}");
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(storedTexts()).containsExactly("hello");
    }

    @Test
    void aRefusalAnswersItsStatusAndReasonAndStoresNothing() {
        HttpResponse<String> r = local.send(local.postText("/hooks/echo", "refuse"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("error").asText()).isEqualTo("signature does not match");
        assertThat(storedTexts()).isEmpty();
    }

    @Test
    void aConnectorThatFailsAnswers500WithoutItsReason() {
        HttpResponse<String> r = local.send(local.postText("/hooks/echo", "crash"));

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(json(r).path("error").asText()).isEqualTo("connector failed to handle the webhook");
        assertThat(storedTexts()).isEmpty();
    }

    @Test
    void aHookOfNoInstanceAnswers404OnceTheHubHasStarted() {
        HttpResponse<String> r = local.send(local.postText("/hooks/nobody", "hello"));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).path("error").asText()).isEqualTo("no connector instance 'nobody'");
    }

    @Test
    void aBodyOverTheLimitAnswers413AndStoresNothing() {
        HttpResponse<String> r = local.send(local.postText("/hooks/echo", "x".repeat((1 << 20) + 1)));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).path("error").asText())
                .isEqualTo("request body is larger than the configured limit (hub.http.maxBodyBytes)");
        assertThat(SEEN.get()).isNull();
        assertThat(storedTexts()).isEmpty();
    }

    /** POSTs with exactly these header lines; returns the answer's status line. */
    private String rawPost(String path, byte[] body, String... headers) throws Exception {
        java.net.URI base = java.net.URI.create(local.base());
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n");
            for (String h : headers) {
                head.append(h).append("\r\n");
            }
            socket.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return answer.substring(0, answer.indexOf("\r\n"));
        }
    }

    private List<String> storedTexts() {
        var body = json(local.send(local.withToken(local.get("/api/messages"))));
        return java.util.stream.StreamSupport.stream(body.path("messages").spliterator(), false)
                .map(m -> m.at("/message/text").asText()).toList();
    }

    /** Stores each body as a message; "refuse" is refused as a bad signature would be, "crash" fails. */
    static final class EchoChannel implements ChannelConnector {
        private ConnectorContext context;

        @Override
        public void start(ConnectorContext ctx) {
            this.context = ctx;
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            SEEN.set(request);
            String text = new String(request.body(), StandardCharsets.UTF_8);
            if (text.equals("refuse")) {
                throw WebhookRejectedException.unauthorized("signature does not match");
            }
            if (text.equals("crash")) {
                throw new IllegalStateException("a bug with a secret in its message");
            }
            return WebhookOutcome.store(Inbound.messages(List.of(Message.builder()
                    .channel(new ChannelRef(ECHO.name(), context.instanceId()))
                    .channelMessageId("m-" + System.nanoTime()).threadKey("t")
                    .author(Author.customer("Visitor", Address.chatUser("t"))).text(text).build())),
                    WebhookResponse.ok());
        }

        @Override
        public String send(OutboundMessage outbound) {
            return "sent";
        }
    }
}
