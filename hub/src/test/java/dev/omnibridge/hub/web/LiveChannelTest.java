package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.live.LiveSocket;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.HandOff;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plugin API's live hooks on a real hub: WebSockets a channel accepts under /hooks, response headers, typing
 * both ways, desk availability and hand-off to another channel. The channel here is a small connector of the test's
 * own, offered to the hub as a host type; the desk is the built-in console inbox.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveChannelTest {
    private static final String TOKEN = "live-test-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    static Path dir;
    private Hub hub;
    private int port;

    @BeforeAll
    void startHub() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        hub = Hub.start(new HubConfig(new HubConfig.Http("127.0.0.1", port, 1 << 20), URI.create(base),
                dir.resolve("data"), dir.resolve("plugins"), TOKEN, new HubConfig.Store(null, null, null),
                new HubConfig.Delivery(2, 3, Duration.ofMillis(100), Duration.ofSeconds(1)),
                List.of(new HubConfig.Instance("live", LiveType.NAME, true, Map.of()),
                        new HubConfig.Instance("mail", RecordingType.NAME, true, Map.of()),
                        new HubConfig.Instance("inbox", "console-inbox", true, Map.of())),
                List.of(new HubConfig.Route("live", List.of("inbox")))), List.of(new LiveType(), new RecordingType()));
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aHandshakeTheConnectorRefusesGetsItsStatusAndNoSocket() {
        assertThatThrownBy(() -> connect("wrong", "t-refused").join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
    }

    @Test
    void framesReachTheConnectorInOrderAndItsAnswersComeBack() throws Exception {
        Client client = connect(LiveChannel.TOKEN, "t-order").join();
        for (int i = 0; i < 20; i++) {
            client.socket.sendText("n" + i, true).join();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(client.next()).isEqualTo("ack:n" + i);
        }
    }

    @Test
    void anAgentsReplyIsPushedToTheOpenSocket() throws Exception {
        Client client = connect(LiveChannel.TOKEN, "t-reply").join();
        client.socket.sendText("hello", true).join();
        assertThat(client.next()).isEqualTo("ack:hello");
        String conversation = conversationOn("live", "t-reply");
        Poll.until("the inbox has the conversation", () -> get("/api/conversations/" + conversation)
                .path("deskTickets").has("inbox"));

        HttpResponse<String> answer = post("/api/conversations/" + conversation + "/replies",
                "{\"inbox\":\"inbox\",\"text\":\"Hi, how can I help?\"}");

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(client.next()).isEqualTo("reply:Hi, how can I help?");
    }

    @Test
    void typingShowsBothWays() throws Exception {
        Client client = connect(LiveChannel.TOKEN, "t-typing").join();
        client.socket.sendText("first", true).join();
        assertThat(client.next()).isEqualTo("ack:first");
        String conversation = conversationOn("live", "t-typing");
        assertThat(get("/api/conversations/" + conversation).path("customerTypingAt").isNull()).isTrue();

        client.socket.sendText("typing", true).join();
        Poll.until("the console sees the customer typing", () -> get("/api/conversations/" + conversation)
                .path("customerTypingAt").isTextual());
        assertThat(post("/api/conversations/" + conversation + "/typing", "{}").statusCode()).isEqualTo(204);

        assertThat(client.next()).isEqualTo("agent-typing");
    }

    @Test
    void aReplyForAVisitorWhoLeftGoesOutThroughTheChannelTheyChose() throws Exception {
        Client client = connect(LiveChannel.TOKEN, "away-1").join();
        client.socket.sendText("please mail me", true).join();
        assertThat(client.next()).isEqualTo("ack:please mail me");
        String conversation = conversationOn("live", "away-1");
        Poll.until("the inbox has the conversation", () -> get("/api/conversations/" + conversation)
                .path("deskTickets").has("inbox"));

        post("/api/conversations/" + conversation + "/replies", "{\"inbox\":\"inbox\",\"text\":\"Answer by mail\"}");

        Poll.until("the mail channel got the reply", () -> !RecordingChannel.SENT.isEmpty());
        OutboundMessage sent = RecordingChannel.SENT.get(0);
        assertThat(sent.message().text()).isEqualTo("Answer by mail");
        assertThat(sent.conversation().id()).isEqualTo(conversation);
        assertThat(sent.conversation().channel()).isEqualTo(new ChannelRef(RecordingType.NAME, "mail"));
        assertThat(sent.conversation().customer()).isEqualTo(Address.email("visitor@example.com"));
        assertThat(sent.conversation().threadKey()).matches("[A-Z2-7]{8}");
        Poll.until("the delivery records where the reply went", () -> get("/api/messages?conversationId="
                + conversation).toString().contains("handoff:mail:rec-1"));
    }

    @Test
    void theChannelSeesWhetherADeskIsRunning() throws Exception {
        Client client = connect(LiveChannel.TOKEN, "t-desk").join();
        client.socket.sendText("desk?", true).join();
        assertThat(client.next()).isEqualTo("desk:true");

        post("/api/instances/inbox/stop", "");
        try {
            client.socket.sendText("desk?", true).join();
            assertThat(client.next()).isEqualTo("desk:false");
        } finally {
            post("/api/instances/inbox/start", "");
        }
    }

    @Test
    void stoppingTheInstanceClosesItsSockets() throws Exception {
        Client client = connect(LiveChannel.TOKEN, "t-stop").join();
        post("/api/instances/live/stop", "");
        try {
            assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
        } finally {
            post("/api/instances/live/start", "");
        }
    }

    @Test
    void connectorHeadersReachTheClientButNotCookiesOrFraming() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/hooks/live/page")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("https://shop.example");
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(r.body()).isEqualTo("page");
    }

    // ---- helpers ----

    private record Client(WebSocket socket, BlockingQueue<String> frames, CompletableFuture<Integer> closed) {
        String next() throws InterruptedException {
            String frame = frames.poll(10, TimeUnit.SECONDS);
            assertThat(frame).as("a frame within 10 s").isNotNull();
            return frame;
        }
    }

    private CompletableFuture<Client> connect(String token, String thread) {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/hooks/live/socket?token="
                + token + "&thread=" + thread), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                }).thenApply(ws -> new Client(ws, frames, closed));
    }

    private String conversationOn(String instance, String thread) {
        String[] id = new String[1];
        Poll.until("conversation " + thread + " is stored", () -> {
            for (JsonNode c : get("/api/conversations").path("conversations")) {
                if (c.path("channel").path("instanceId").asText().equals(instance)
                        && c.path("threadKey").asText().equals(thread)) {
                    id[0] = c.path("id").asText();
                    return true;
                }
            }
            return false;
        });
        return id[0];
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- the test's own connectors ----

    /** A tiny live channel: one socket per thread key, "ack:" for each stored frame, replies pushed as "reply:". */
    static final class LiveChannel implements ChannelConnector {
        static final String TOKEN = "let-me-in";
        private final Map<String, List<LiveSocket>> sockets = new ConcurrentHashMap<>();
        private ConnectorContext context;

        @Override
        public void start(ConnectorContext ctx) {
            this.context = ctx;
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            return WebhookOutcome.respond(WebhookResponse.text(200, "page")
                    .withHeader("Access-Control-Allow-Origin", "https://shop.example")
                    .withHeader("Set-Cookie", "stolen=1").withHeader("Content-Type", "text/html"));
        }

        @Override
        public LiveSocket.Listener onSocket(WebhookRequest handshake, LiveSocket socket) {
            if (!TOKEN.equals(handshake.queryParam("token").orElse(""))) {
                throw new WebhookRejectedException(403, "token does not grant this conversation");
            }
            String thread = handshake.queryParam("thread").orElseThrow();
            sockets.computeIfAbsent(thread, k -> new CopyOnWriteArrayList<>()).add(socket);
            return new LiveSocket.Listener() {
                @Override
                public void onText(String text) {
                    switch (text) {
                        case "typing" -> context.customerTyping(thread);
                        case "desk?" -> socket.send("desk:" + context.deskAvailable());
                        default -> {
                            context.submit(Inbound.messages(List.of(Message.builder()
                                    .channel(new ChannelRef(LiveType.NAME, context.instanceId()))
                                    .channelMessageId(thread + "/" + text).threadKey(thread)
                                    .author(Author.customer("Visitor", Address.chatUser(thread))).text(text)
                                    .build()))).toCompletableFuture().join();
                            socket.send("ack:" + text);
                        }
                    }
                }

                @Override
                public void onClose() {
                    sockets.getOrDefault(thread, List.of()).remove(socket);
                }
            };
        }

        @Override
        public String send(OutboundMessage outbound) {
            String thread = outbound.conversation().threadKey();
            if (thread.startsWith("away")) {
                throw new HandOff("mail", Address.email("visitor@example.com"), "visitor left the chat");
            }
            sockets.getOrDefault(thread, List.of()).forEach(s -> s.send("reply:" + outbound.message().text()));
            return "live-" + outbound.message().id();
        }

        @Override
        public void agentTyping(Conversation conversation) {
            sockets.getOrDefault(conversation.threadKey(), List.of()).forEach(s -> s.send("agent-typing"));
        }
    }

    static final class LiveType implements ConnectorType {
        static final String NAME = "live-test";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "test live channel";
        }

        @Override
        public ConfigDef config() {
            return ConfigDef.create();
        }

        @Override
        public Connector create() {
            return new LiveChannel();
        }
    }

    /** Stands in for the email channel a visitor asked to be answered on. */
    static final class RecordingChannel implements ChannelConnector {
        static final List<OutboundMessage> SENT = new CopyOnWriteArrayList<>();

        @Override
        public void start(ConnectorContext ctx) {
        }

        @Override
        public String send(OutboundMessage outbound) {
            SENT.add(outbound);
            return "rec-" + SENT.size();
        }
    }

    static final class RecordingType implements ConnectorType {
        static final String NAME = "recording";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "records what it is asked to send";
        }

        @Override
        public ConfigDef config() {
            return ConfigDef.create();
        }

        @Override
        public Connector create() {
            return new RecordingChannel();
        }
    }
}
