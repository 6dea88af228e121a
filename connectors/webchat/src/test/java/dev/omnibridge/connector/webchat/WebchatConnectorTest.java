package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.live.LiveSocket;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.HandOff;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.MutableClock;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebchatConnectorTest {
    static final String SITE = "https://shop.example.com";
    static final String SECRET = "0123456789abcdef0123456789abcdef";

    MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    FakeConnectorContext context;
    WebchatConnector connector;

    @BeforeEach
    void start() {
        startWith(Map.of());
    }

    void startWith(Map<String, Object> extra, BusinessCalendar... declared) {
        Map<String, Object> settings = new HashMap<>(Map.of("tokenSecret", SECRET, "allowedOrigins", SITE));
        settings.putAll(extra);
        context = new FakeConnectorContext("chat", new WebchatType().config(), settings);
        for (BusinessCalendar c : declared) {
            context.withCalendar(c);
        }
        connector = new WebchatConnector(clock);
        connector.start(context);
    }

    // -------------------------------------------------------------------------------------------- helpers
    record Answer(int status, Map<String, String> headers, byte[] body) {
        JsonNode json() {
            try {
                return Frames.JSON.readTree(body);
            } catch (Exception e) {
                throw new IllegalStateException(new String(body, StandardCharsets.UTF_8), e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Answer call(String method, String path, String token, String origin, byte[] body, Map<String, String> more) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (origin != null) {
            headers.put("Origin", List.of(origin));
        }
        if (token != null) {
            headers.put("Authorization", List.of("Bearer " + token));
        }
        headers.put("Host", List.of("hub.example.com"));
        Map<String, List<String>> query = new LinkedHashMap<>();
        more.forEach((k, v) -> {
            if (k.startsWith("?")) {
                query.put(k.substring(1), List.of(v));
            } else {
                headers.put(k, List.of(v));
            }
        });
        WebhookRequest request = new WebhookRequest(method, path, URI.create("http://hub.example.com/hooks/chat/" + path),
                headers, query, body, more.getOrDefault("ip", "203.0.113.7"));
        WebhookOutcome outcome = connector.onWebhook(request);
        assertThat(outcome.inbound().isEmpty()).as("the connector stores through submit, not the outcome").isTrue();
        WebhookResponse r = outcome.response();
        return new Answer(r.status(), r.headers(), r.body());
    }

    Answer get(String path, String token) {
        return call("GET", path, token, SITE, null, Map.of());
    }

    Answer post(String path, String token, String json) {
        return call("POST", path, token, SITE, json.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type",
                "application/json"));
    }

    String session(String json) {
        Answer a = post("session", null, json);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        return a.json().path("token").asText();
    }

    static String key(String token) {
        return token.split("\\.")[1];
    }

    WebhookRequest handshake(String token, String origin) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (origin != null) {
            headers.put("Origin", List.of(origin));
        }
        return new WebhookRequest("GET", "socket", URI.create("http://hub.example.com/hooks/chat/socket"), headers,
                token == null ? Map.of() : Map.of("token", List.of(token)), null, "203.0.113.7");
    }

    OutboundMessage reply(String token, String text) {
        Conversation c = context.findConversation(key(token)).orElseThrow();
        Message m = Message.builder().id("m-" + text.hashCode()).direction(Direction.OUTBOUND)
                .channel(c.channel()).channelMessageId("reply-" + text.hashCode()).threadKey(c.threadKey())
                .conversationId(c.id()).author(Author.agent("Alice")).text(text).receivedAt(clock.instant()).build();
        return new OutboundMessage(m, c, "idem-" + text.hashCode());
    }

    // -------------------------------------------------------------------------------------------- tests
    @Test
    void sessionMessageAndHistory() {
        String token = session("{\"name\":\"Ann\",\"email\":\"Ann@Example.com\"}");
        Answer sent = post("messages", token, "{\"clientId\":\"c-00000001\",\"text\":\"Where is my order?\"}");
        assertThat(sent.status()).isEqualTo(200);
        assertThat(sent.json().path("status").asText()).isEqualTo("sent");
        assertThat(sent.headers()).containsEntry("Access-Control-Allow-Origin", SITE).containsEntry("Vary", "Origin")
                .containsEntry("Cache-Control", "no-store").containsEntry("X-Content-Type-Options", "nosniff");

        Message stored = context.messages().get(0);
        assertThat(stored.threadKey()).isEqualTo(key(token));
        assertThat(stored.author().displayName()).isEqualTo("Ann");
        assertThat(stored.author().address().kind()).isEqualTo(AddressKind.CHAT_USER);
        assertThat(stored.metadata()).containsEntry(WebchatConnector.META_EMAIL, "ann@example.com")
                .containsEntry(WebchatConnector.META_ORIGIN, SITE);

        JsonNode history = get("messages", token).json();
        assertThat(history.path("messages")).hasSize(1);
        assertThat(history.path("messages").get(0).path("id").asText()).isEqualTo("c-00000001");
        assertThat(history.path("messages").get(0).path("from").asText()).isEqualTo("visitor");
        assertThat(history.path("messages").get(0).path("text").asText()).isEqualTo("Where is my order?");
    }

    @Test
    void aResentClientIdIsStoredOnce() {
        String token = session("{}");
        for (int i = 0; i < 3; i++) {
            assertThat(post("messages", token, "{\"clientId\":\"c-retry-01\",\"text\":\"hello\"}").status()).isEqualTo(200);
        }
        assertThat(context.messages()).hasSize(1);
        assertThat(get("messages", token).json().path("messages")).hasSize(1);
    }

    @Test
    void aTokenForOneConversationNeverReadsAnother() throws Exception {
        String ann = session("{}");
        String bob = session("{}");
        post("messages", ann, "{\"clientId\":\"c-ann-0001\",\"text\":\"Ann's secret\"}");
        post("messages", bob, "{\"clientId\":\"c-bob-0001\",\"text\":\"Bob's question\"}");
        assertThat(get("messages", bob).text()).doesNotContain("Ann's secret");

        // Bob's signature on Ann's conversation key: forged
        String[] b = bob.split("\\.");
        String forged = b[0] + "." + key(ann) + "." + b[2] + "." + b[3];
        Answer refused = get("messages", forged);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("error").asText()).contains("not valid");
        assertThat(refused.text()).doesNotContain("Ann's secret");
        assertThat(post("messages", forged, "{\"clientId\":\"c-forge-01\",\"text\":\"x\"}").status()).isEqualTo(403);
        assertThat(get("messages", null).status()).isEqualTo(401);
        assertThat(get("messages", "garbage").status()).isEqualTo(401);

        // Ann's file is not Bob's to fetch
        Answer file = call("POST", "files", ann, SITE, FileTypesTest.PNG,
                Map.of("Content-Type", "image/png", "?clientId", "c-annfile1", "?name", "a.png"));
        String sha = file.json().path("files").get(0).path("id").asText();
        assertThat(get("files/" + sha, ann).status()).isEqualTo(200);
        assertThat(get("files/" + sha, bob).status()).isEqualTo(404);
    }

    @Test
    void aSessionWithAValidTokenRenewsItForTheSameConversation() {
        String token = session("{}");
        clock.advance(Duration.ofDays(25));
        Answer renewed = post("session", token, "{\"email\":\"ann@example.com\"}");
        String fresh = renewed.json().path("token").asText();
        assertThat(key(fresh)).isEqualTo(key(token));
        assertThat(fresh).isNotEqualTo(token);
        clock.advance(Duration.ofDays(10));
        assertThat(get("messages", token).status()).isEqualTo(401);
        assertThat(get("messages", fresh).status()).isEqualTo(200);
        // a forged token does not carry its conversation over: a new one starts
        String[] t = fresh.split("\\.");
        Answer fromForged = post("session", t[0] + "." + t[1] + "." + t[2] + ".AAAA", "{}");
        assertThat(key(fromForged.json().path("token").asText())).isNotEqualTo(key(token));
    }

    @Test
    void expiredTokensAreRefused() {
        String token = session("{}");
        clock.advance(Duration.ofDays(31));
        Answer a = get("messages", token);
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.json().path("error").asText()).contains("expired");
    }

    @Test
    void originsOutsideTheListAreRefused() {
        Answer evil = call("POST", "session", null, "https://evil.example", "{}".getBytes(), Map.of());
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.headers()).doesNotContainKey("Access-Control-Allow-Origin");
        assertThat(call("GET", "config", null, "null", null, Map.of()).status()).isEqualTo(403);
        assertThat(call("POST", "session", null, null, "{}".getBytes(), Map.of()).status())
                .as("a POST without Origin is not the widget").isEqualTo(403);
        assertThat(call("POST", "session", null, "http://hub.example.com", "{}".getBytes(), Map.of()).status())
                .as("the hub's own origin (the demo page)").isEqualTo(200);
        assertThat(call("GET", "widget.js", null, null, null, Map.of()).status()).isEqualTo(200);
        Answer preflight = call("OPTIONS", "messages", null, SITE, null, Map.of());
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.headers()).containsEntry("Access-Control-Allow-Origin", SITE)
                .containsEntry("Access-Control-Allow-Headers", "Authorization, Content-Type");
    }

    @Test
    void socketHandshakeChecksOriginAndToken() {
        String token = session("{}");
        FakeLiveSocket socket = new FakeLiveSocket();
        assertThatThrownBy(() -> connector.onSocket(handshake(token, "https://evil.example"), socket))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> connector.onSocket(handshake(token, null), socket))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        String[] t = token.split("\\.");
        String forged = t[0] + "." + new TokenSigner(SECRET, "x", Duration.ofDays(1), clock).newConversationKey()
                + "." + t[2] + "." + t[3];
        assertThatThrownBy(() -> connector.onSocket(handshake(forged, SITE), socket))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> connector.onSocket(handshake(null, SITE), socket))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThat(socket.sent).isEmpty();
    }

    @Test
    void socketCarriesMessagesTypingRepliesAndReceipts() {
        String token = session("{}");
        FakeLiveSocket socket = new FakeLiveSocket();
        FakeLiveSocket otherTab = new FakeLiveSocket();
        LiveSocket.Listener listener = connector.onSocket(handshake(token, SITE), socket);
        connector.onSocket(handshake(token, SITE), otherTab);
        assertThat(socket.frames("hello")).hasSize(1);

        listener.onText("{\"type\":\"message\",\"clientId\":\"c-sock-001\",\"text\":\"hi there\"}");
        assertThat(socket.frames("ack")).singleElement()
                .satisfies(f -> assertThat(f.path("clientId").asText()).isEqualTo("c-sock-001"));
        assertThat(context.messages()).extracting(Message::text).containsExactly("hi there");
        assertThat(otherTab.frames("message")).as("the visitor's other tab shows it too").hasSize(1);

        listener.onText("{\"type\":\"typing\"}");
        listener.onText("{\"type\":\"typing\"}");
        assertThat(context.customerTypingCalls()).as("throttled").containsExactly(key(token));
        clock.advance(Duration.ofSeconds(3));
        listener.onText("{\"type\":\"typing\"}");
        assertThat(context.customerTypingCalls()).hasSize(2);

        Conversation conversation = context.findConversation(key(token)).orElseThrow();
        connector.agentTyping(conversation);
        assertThat(socket.frames("typing")).singleElement()
                .satisfies(f -> assertThat(f.path("from").asText()).isEqualTo("agent"));

        OutboundMessage reply = reply(token, "It ships today.");
        String id = connector.send(reply);
        assertThat(id).isEqualTo("out-" + reply.message().id());
        context.recordSent(id, reply.message());
        JsonNode pushed = socket.frames("message").stream().map(f -> f.path("message"))
                .filter(m -> "agent".equals(m.path("from").asText())).findFirst().orElseThrow();
        assertThat(pushed.path("id").asText()).isEqualTo(id);
        assertThat(pushed.path("from").asText()).isEqualTo("agent");
        assertThat(pushed.path("name").asText()).isEqualTo("Alice");
        assertThat(pushed.path("text").asText()).isEqualTo("It ships today.");

        listener.onText("{\"type\":\"delivered\",\"ids\":[\"" + id + "\",\"out-not-ours\"]}");
        listener.onText("{\"type\":\"read\",\"ids\":[\"" + id + "\"]}");
        listener.onText("{\"type\":\"read\",\"ids\":[\"" + id + "\"]}");
        List<DeliveryStatus> statuses = new ArrayList<>();
        context.submissions().stream().map(Inbound::statuses).forEach(statuses::addAll);
        assertThat(statuses).extracting(DeliveryStatus::channelMessageId, DeliveryStatus::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(id, DeliveryStatus.State.DELIVERED),
                        org.assertj.core.groups.Tuple.tuple(id, DeliveryStatus.State.READ));

        listener.onText("not json");
        listener.onText("{\"type\":\"nonsense\"}");
        assertThat(socket.frames("error")).hasSize(2);
        listener.onText("{\"type\":\"ping\"}");
        assertThat(socket.frames("pong")).hasSize(1);

        connector.stop();
        assertThat(socket.isOpen()).isFalse();
    }

    @Test
    void replyWithNobodyConnectedStaysInHistory() {
        String token = session("{}");
        post("messages", token, "{\"clientId\":\"c-hist-001\",\"text\":\"hello\"}");
        OutboundMessage reply = reply(token, "Answer while you were away");
        String id = connector.send(reply);
        context.recordSent(id, reply.message());
        JsonNode messages = get("messages", token).json().path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).path("id").asText()).isEqualTo(id);
        assertThat(messages.get(1).path("text").asText()).isEqualTo("Answer while you were away");
    }

    @Test
    void aPickOfAnOfferedOptionIsStoredWithItsIdAndTitleAndAForgedOneIsRefused() {
        String token = session("{}");
        post("messages", token, "{\"clientId\":\"c-pick-001\",\"text\":\"How do I reset my password?\"}");
        OutboundMessage offer = reply(token, "Did this answer your question?");
        offer = new OutboundMessage(offer.message().toBuilder().metadata(dev.omnibridge.model.Choices.offer(Map.of(),
                List.of(new dev.omnibridge.model.Choice("yes", "Yes"), new dev.omnibridge.model.Choice("no", "No"))))
                .build(), offer.conversation(), offer.idempotencyKey());
        assertThat(connector.capabilities().maxButtons()).isEqualTo(10);
        String id = connector.send(offer);
        context.recordSent(id, offer.message());
        JsonNode shown = get("messages", token).json().path("messages").get(1);
        assertThat(shown.path("choices").toString()).isEqualTo("[{\"id\":\"yes\",\"title\":\"Yes\"},"
                + "{\"id\":\"no\",\"title\":\"No\"}]");
        assertThat(get("messages", token).json().path("messages").get(0).has("choices")).isFalse();

        // The stored text is the offered title, whatever the client says.
        assertThat(post("messages", token, "{\"clientId\":\"c-pick-002\",\"text\":\"<b>No!</b>\","
                + "\"choice\":\"no\"}").status()).isEqualTo(200);
        Message pick = context.messages().get(context.messages().size() - 1);
        assertThat(pick.text()).isEqualTo("No");
        assertThat(pick.metadata()).containsEntry(dev.omnibridge.model.Choices.CHOSEN, "no");

        Answer forged = post("messages", token, "{\"clientId\":\"c-pick-003\",\"text\":\"x\",\"choice\":\"maybe\"}");
        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.text()).contains("not one of the options offered");
        assertThat(post("messages", token, "{\"clientId\":\"c-pick-004\",\"text\":\"x\","
                + "\"choice\":\"a b<script>\"}").status()).isEqualTo(400);
        assertThat(context.messages()).hasSize(2);
    }

    @Test
    void aVisitorGoneForLongerThanHandOffAfterIsUnreachableAndATypedEmailIsNeverHandedOffTo() {
        startWith(Map.of("followUpChannel", "mail", "handOffAfter", "2m"));
        String token = session("{\"email\":\"ann@example.com\"}");
        post("messages", token, "{\"clientId\":\"c-hand-001\",\"text\":\"call me back\"}");
        OutboundMessage reply = reply(token, "Here is the answer");

        // seen a minute ago: keep it in the chat
        clock.advance(Duration.ofMinutes(1));
        assertThat(connector.send(reply)).startsWith("out-");

        // connected, however long ago the last request was: pushed
        FakeLiveSocket socket = new FakeLiveSocket();
        connector.onSocket(handshake(token, SITE), socket);
        clock.advance(Duration.ofMinutes(10));
        assertThat(connector.send(reply)).startsWith("out-");
        socket.open = false;

        // gone for longer than handOffAfter: the typed email is not the site's word, so no hand-off to it; the hub
        // is told the visitor cannot be reached here
        clock.advance(Duration.ofMinutes(3));
        assertThatThrownBy(() -> connector.send(reply)).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.customerUnreachable()).isTrue();
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains("visitor left").doesNotContain("ann");
        });
    }

    @Test
    void repliesReachTheVisitorsSocketsOnOtherHubNodesAndAVisitorConnectedOrSeenThereIsNotGone() {
        startWith(Map.of("handOffAfter", "2m"));
        FakeLiveFanout otherNodes = new FakeLiveFanout();
        connector.stop();
        context.withLiveFanout(otherNodes);
        connector.start(context);
        String token = session("{}");
        post("messages", token, "{\"clientId\":\"c-node-001\",\"text\":\"hello\"}");
        String key = key(token);

        // A socket here is reported; a frame another node published for the visitor is pushed to it.
        FakeLiveSocket socket = new FakeLiveSocket();
        LiveSocket.Listener listener = connector.onSocket(handshake(token, SITE), socket);
        assertThat(otherNodes.connected).containsExactly(key);
        otherNodes.handler.accept(key, "{\"type\":\"typing\",\"from\":\"agent\"}");
        assertThat(socket.sent).contains("{\"type\":\"typing\",\"from\":\"agent\"}");

        // A reply delivered here is pushed here and published for the visitor's sockets on other nodes.
        OutboundMessage reply = reply(token, "Across nodes");
        connector.send(reply);
        assertThat(socket.sent.get(socket.sent.size() - 1)).contains("Across nodes");
        assertThat(otherNodes.published).anySatisfy(p -> {
            assertThat(p.getKey()).isEqualTo(key);
            assertThat(p.getValue()).contains("Across nodes");
        });
        socket.open = false;
        listener.onClose();
        assertThat(otherNodes.disconnected).containsExactly(key);

        // Gone from this node for longer than handOffAfter, but connected to another one: the reply stays in the chat.
        clock.advance(Duration.ofMinutes(10));
        otherNodes.elsewhere = true;
        assertThat(connector.send(reply)).startsWith("out-");
        // Not connected anywhere, but seen on another node a minute ago: still there.
        otherNodes.elsewhere = false;
        otherNodes.lastSeen = clock.instant().minus(Duration.ofMinutes(1));
        assertThat(connector.send(reply)).startsWith("out-");
        // Seen nowhere within handOffAfter: unreachable here.
        otherNodes.lastSeen = clock.instant().minus(Duration.ofMinutes(3));
        assertThatThrownBy(() -> connector.send(reply))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.customerUnreachable()).isTrue());
    }

    @Test
    void aGoneVisitorIsUnreachableWithOrWithoutAFollowUpChannel() {
        startWith(Map.of("followUpChannel", "mail"));
        String anonymous = session("{}");
        post("messages", anonymous, "{\"clientId\":\"c-anon-001\",\"text\":\"hi\"}");
        clock.advance(Duration.ofHours(1));
        assertThatThrownBy(() -> connector.send(reply(anonymous, "answer")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.customerUnreachable()).isTrue());

        startWith(Map.of());
        String withEmail = session("{\"email\":\"bob@example.com\"}");
        post("messages", withEmail, "{\"clientId\":\"c-mail-001\",\"text\":\"hi\"}");
        clock.advance(Duration.ofHours(1));
        assertThatThrownBy(() -> connector.send(reply(withEmail, "answer")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.customerUnreachable()).isTrue());
    }

    @Test
    void aRestartAloneDoesNotMakeAVisitorGone() {
        startWith(Map.of("followUpChannel", "mail"));
        String token = session("{\"email\":\"ann@example.com\"}");
        post("messages", token, "{\"clientId\":\"c-rest-001\",\"text\":\"hi\"}");
        clock.advance(Duration.ofMinutes(5));
        WebchatConnector restarted = new WebchatConnector(clock);
        restarted.start(context);
        assertThat(restarted.send(reply(token, "answer"))).startsWith("out-");
        clock.advance(Duration.ofMinutes(5));
        assertThatThrownBy(() -> restarted.send(reply(token, "answer")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.customerUnreachable()).isTrue());
    }

    @Test
    void perIpAndPerVisitorRateLimits() {
        startWith(Map.of("messagesPerMinute", "3", "requestsPerMinutePerIp", "10"));
        String token = session("{}");
        for (int i = 0; i < 3; i++) {
            assertThat(post("messages", token, "{\"clientId\":\"c-rate-00" + i + "\",\"text\":\"m\"}").status())
                    .isEqualTo(200);
        }
        Answer limited = post("messages", token, "{\"clientId\":\"c-rate-009\",\"text\":\"m\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).containsEntry("Retry-After", "20")
                .containsEntry("Access-Control-Allow-Origin", SITE);
        assertThat(limited.json().path("error").asText()).contains("too many messages");

        for (int i = 0; i < 5; i++) {
            get("config", null);
        }
        Answer ip = get("config", null);
        assertThat(ip.status()).isEqualTo(429);
        assertThat(ip.headers()).containsKey("Retry-After");
        assertThat(call("GET", "config", null, SITE, null, Map.of("ip", "198.51.100.1")).status())
                .as("another address").isEqualTo(200);
    }

    @Test
    void filesAreCheckedByContentSizeAndType() throws Exception {
        startWith(Map.of("maxFileBytes", "64"));
        String token = session("{}");
        Answer ok = call("POST", "files", token, SITE, FileTypesTest.PNG,
                Map.of("Content-Type", "image/png", "?clientId", "c-file-001", "?name", "../shot.png"));
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        JsonNode file = ok.json().path("files").get(0);
        assertThat(file.path("name").asText()).isEqualTo("shot.png");
        assertThat(file.path("image").asBoolean()).isTrue();
        Message stored = context.messages().get(0);
        assertThat(stored.attachments()).singleElement().satisfies(a -> {
            assertThat(a.mediaType()).isEqualTo("image/png");
            assertThat(a.location().toString()).startsWith("attachment:");
        });

        Answer disguised = call("POST", "files", token, SITE, "<script>alert(1)</script>".getBytes(),
                Map.of("Content-Type", "image/png", "?clientId", "c-file-002", "?name", "x.png"));
        assertThat(disguised.status()).isEqualTo(415);
        assertThat(disguised.json().path("error").asText()).contains("not image/png").contains("text/plain");

        Answer exe = call("POST", "files", token, SITE, new byte[]{'M', 'Z', 0, 0},
                Map.of("Content-Type", "application/x-msdownload", "?clientId", "c-file-003"));
        assertThat(exe.status()).isEqualTo(415);
        assertThat(exe.json().path("error").asText()).contains("not accepted");

        Answer big = call("POST", "files", token, SITE, new byte[65],
                Map.of("Content-Type", "text/plain", "?clientId", "c-file-004"));
        assertThat(big.status()).isEqualTo(413);

        Answer got = get("files/" + file.path("id").asText(), token);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(FileTypesTest.PNG);
        assertThat(got.headers()).containsEntry("X-Content-Type-Options", "nosniff")
                .containsEntry("Content-Security-Policy", "default-src 'none'; sandbox")
                .containsEntry("Content-Disposition", "inline; filename=\"shot.png\"");
        assertThat(get("files/" + "0".repeat(64), token).status()).isEqualTo(404);
        assertThat(get("files/../../etc", token).status()).isEqualTo(400);
        assertThat(context.messages()).hasSize(1);
    }

    @Test
    void hostileTextStaysData() {
        String token = session("{\"name\":\"<b>Eve</b>\"}");
        String hostile = "<img src=x onerror=alert(1)> \"quotes\" & </script>";
        post("messages", token, "{\"clientId\":\"c-evil-001\",\"text\":" + Frames.write(hostile) + "}");
        assertThat(context.messages().get(0).text()).isEqualTo(hostile);
        assertThat(context.messages().get(0).author().displayName()).isEqualTo("<b>Eve</b>");
        Answer history = get("messages", token);
        assertThat(history.headers()).containsEntry("X-Content-Type-Options", "nosniff");
        assertThat(history.json().path("messages").get(0).path("text").asText()).isEqualTo(hostile);

        assertThat(post("messages", token, "{\"clientId\":\"c-evil-002\",\"text\":{\"$gt\":1}}").status()).isEqualTo(400);
        assertThat(post("messages", token, "{\"clientId\":\"../../x\",\"text\":\"a\"}").status()).isEqualTo(400);
        assertThat(post("messages", token, "[1,2]").status()).isEqualTo(400);
        assertThat(post("messages", token, "{\"clientId\":\"c-evil-003\",\"text\":\"a\\u0000b\\u0007\"}").status())
                .isEqualTo(200);
        assertThat(context.messages().get(1).text()).isEqualTo("ab");
        assertThat(post("session", null, "{\"email\":\"not an email\"}").status()).isEqualTo(400);
    }

    @Test
    void textLengthIsCapped() {
        startWith(Map.of("maxTextLength", "10"));
        String token = session("{}");
        Answer a = post("messages", token, "{\"clientId\":\"c-long-001\",\"text\":\"12345678901\"}");
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.json().path("error").asText()).contains("longer than 10");
        assertThat(post("messages", token, "{\"clientId\":\"c-long-002\",\"text\":\"   \"}").status()).isEqualTo(400);
    }

    @Test
    void configSaysOfflineOutsideHoursOrWithoutDesk() {
        startWith(Map.of("businessHours", "Mon-Fri 09:00-17:00", "timeZone", "Europe/Berlin", "title", "Help",
                "color", "#ff0000"));
        JsonNode config = get("config", null).json();   // Monday 11:00 in Berlin
        assertThat(config.path("open").asBoolean()).isTrue();
        assertThat(config.path("title").asText()).isEqualTo("Help");
        assertThat(config.path("color").asText()).isEqualTo("#ff0000");
        context.withDeskAvailable(false);
        assertThat(get("config", null).json().path("open").asBoolean()).isFalse();
        context.withDeskAvailable(true);
        clock.advance(Duration.ofHours(8));   // 19:00 in Berlin
        assertThat(get("config", null).json().path("open").asBoolean()).isFalse();
    }

    @Test
    void aNamedCalendarDecidesWhenTheChatIsOfflineHolidaysIncluded() {
        BusinessCalendar support = BusinessCalendar.parse("support", "Europe/Berlin", "Mon-Fri 09:00-17:00",
                List.of("2026-01-06"), List.of("2026-01-10 10:00-12:00"));
        startWith(Map.of("calendar", "support"), support);
        assertThat(get("config", null).json().path("open").asBoolean()).isTrue();    // Monday 11:00 in Berlin
        clock.advance(Duration.ofDays(1));                                           // Tuesday: a holiday
        assertThat(get("config", null).json().path("open").asBoolean()).isFalse();
        clock.advance(Duration.ofDays(1));
        assertThat(get("config", null).json().path("open").asBoolean()).isTrue();
        clock.advance(Duration.ofDays(3));                                           // Saturday, the exception
        assertThat(get("config", null).json().path("open").asBoolean()).isTrue();
        clock.advance(Duration.ofHours(2));                                          // 13:00, after it
        assertThat(get("config", null).json().path("open").asBoolean()).isFalse();
    }

    @Test
    void aCalendarNotDeclaredOrGivenTogetherWithInlineHoursRefusesToStart() {
        assertThatThrownBy(() -> startWith(Map.of("calendar", "support")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("calendar 'support' is not declared in the hub's configuration (calendars:)");
        BusinessCalendar support = BusinessCalendar.parse("support", "UTC", "Mon-Fri 09:00-17:00", List.of(),
                List.of());
        assertThatThrownBy(() -> startWith(Map.of("calendar", "support", "businessHours", "Mon 09:00-10:00"),
                support)).hasMessageContaining("set either calendar or businessHours, not both");
    }

    @Test
    void inlineHoursThatOverlapAreRefused() {
        List<dev.omnibridge.config.ConfigProblem> problems = new ArrayList<>();
        new WebchatType().config().parse("chat", Map.of("tokenSecret", SECRET,
                "businessHours", "Mon-Fri 09:00-17:00, Fri 16:00-18:00"), problems);
        assertThat(problems).extracting(dev.omnibridge.config.ConfigProblem::toString).containsExactly(
                "instance 'chat': 'businessHours': 'Mon-Fri 09:00-17:00' and 'Fri 16:00-18:00' overlap on Fri at 16:00");
    }

    @Test
    void settingsAreValidated() {
        List<dev.omnibridge.config.ConfigProblem> problems = new ArrayList<>();
        new WebchatType().config().parse("chat", Map.of("tokenSecret", "short", "color", "red",
                "allowedOrigins", "https://a.example/path", "businessHours", "Mon 9-5", "timeZone", "Mars/Base",
                "allowedFileTypes", "image/svg+xml", "position", "top"), problems);
        assertThat(problems).extracting(dev.omnibridge.config.ConfigProblem::key).containsExactlyInAnyOrder(
                "tokenSecret", "color", "allowedOrigins", "businessHours", "timeZone", "allowedFileTypes", "position");
        assertThat(problems.toString()).doesNotContain("short");
    }

    @Test
    void assetsAndUnknownPaths() {
        Answer js = get("widget.js", null);
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.text()).contains("attachShadow").doesNotContain("innerHTML");
        assertThat(get("widget.css", null).text()).contains("@media");
        Answer demo = get("demo", null);
        assertThat(demo.text()).contains("<script src=\"widget.js\"");
        assertThat(demo.headers()).containsKey("Content-Security-Policy");
        assertThat(get("nope", null).status()).isEqualTo(404);
        assertThat(get("socket", null).status()).isEqualTo(426);
        assertThat(call("DELETE", "messages", null, SITE, null, Map.of()).status()).isEqualTo(405);
    }
}
