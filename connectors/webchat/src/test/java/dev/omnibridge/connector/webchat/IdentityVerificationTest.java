package dev.omnibridge.connector.webchat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.live.LiveSocket;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.HandOff;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Author;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.MutableClock;
import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Identity verification: a site-signed email becomes the visitor's address; nothing else does. */
class IdentityVerificationTest {
    static final String SITE = "https://shop.example.com";
    static final String IDENTITY_SECRET = "site-identity-secret-0123456789abcdef";
    static final String ANN = "ann@example.com";

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(WebchatConnector.class);
    FakeConnectorContext context;
    WebchatConnector connector;

    @BeforeEach
    void start() {
        logger.setLevel(Level.DEBUG);
        logs.start();
        logger.addAppender(logs);
        logger.setAdditive(false);   // captured, not printed
        startWith(Map.of("identitySecret", IDENTITY_SECRET));
    }

    @AfterEach
    void stopCapturing() {
        logger.detachAppender(logs);
        logger.setLevel(null);
        logger.setAdditive(true);
    }

    void startWith(Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of("tokenSecret", WebchatConnectorTest.SECRET,
                "allowedOrigins", SITE));
        settings.putAll(extra);
        context = new FakeConnectorContext("chat", new WebchatType().config(), settings);
        connector = new WebchatConnector(clock);
        connector.start(context);
    }

    static String hash(String email) {
        return HmacSignatures.hmacSha256Hex(IDENTITY_SECRET, email.getBytes(StandardCharsets.UTF_8));
    }

    static String identity(String email, String hash) {
        return "{\"name\":\"Ann\",\"userEmail\":\"" + email + "\",\"userHash\":\"" + hash + "\"}";
    }

    WebhookResponse post(String path, String token, String json) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Origin", List.of(SITE));
        headers.put("Content-Type", List.of("application/json"));
        if (token != null) {
            headers.put("Authorization", List.of("Bearer " + token));
        }
        return connector.onWebhook(new WebhookRequest("POST", path, URI.create("http://hub.example.com/hooks/chat/"
                + path), headers, Map.of(), json.getBytes(StandardCharsets.UTF_8), "203.0.113.7")).response();
    }

    static JsonNode json(WebhookResponse r) throws Exception {
        return Frames.JSON.readTree(r.body());
    }

    String session(String json) throws Exception {
        WebhookResponse r = post("session", null, json);
        assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return json(r).path("token").asText();
    }

    Message send(String token, String clientId) {
        assertThat(post("messages", token, "{\"clientId\":\"" + clientId + "\",\"text\":\"hello\"}").status())
                .isEqualTo(200);
        return context.messages().get(context.messages().size() - 1);
    }

    @Test
    void aVerifiedEmailIsTheAuthorAddressOverHttpAndSocket() throws Exception {
        String token = session(identity("Ann@Example.com", hash("Ann@Example.com")));
        Message first = send(token, "c-verified-1");
        assertThat(first.author().address()).isEqualTo(Address.email(ANN));
        assertThat(first.author().displayName()).isEqualTo("Ann");
        assertThat(first.threadKey()).isEqualTo(WebchatConnectorTest.key(token));
        assertThat(first.metadata()).as("not an unverified pre-chat email").doesNotContainKey(WebchatConnector.META_EMAIL);

        FakeLiveSocket socket = new FakeLiveSocket();
        LiveSocket.Listener listener = connector.onSocket(handshake(token), socket);
        listener.onText("{\"type\":\"message\",\"clientId\":\"c-verified-2\",\"text\":\"over the socket\"}");
        assertThat(socket.frames("ack")).hasSize(1);
        assertThat(context.messages().get(1).author().address()).isEqualTo(Address.email(ANN));
    }

    @Test
    void aVerifiedVisitorWhoLeftIsHandedOffToTheirEmailWithoutTypingIt() throws Exception {
        startWith(Map.of("identitySecret", IDENTITY_SECRET, "followUpChannel", "mail", "handOffAfter", "1m"));
        String token = session(identity(ANN, hash(ANN)));
        Message first = send(token, "c-verified-9");
        Conversation conversation = context.findConversation(first.threadKey()).orElseThrow();
        Message answer = Message.builder().id("m-answer").direction(Direction.OUTBOUND).channel(first.channel())
                .channelMessageId("reply-1").threadKey(first.threadKey()).conversationId(conversation.id())
                .author(Author.agent("Alice")).text("We mailed you").build();
        clock.advance(Duration.ofMinutes(2));

        assertThatThrownBy(() -> connector.send(new OutboundMessage(answer, conversation, "idem-1")))
                .isInstanceOfSatisfying(HandOff.class, h -> assertThat(h.to()).isEqualTo(Address.email(ANN)));
    }

    @Test
    void theVerifiedStateSurvivesReloadRenewalAndRestart() throws Exception {
        String token = session(identity(ANN, hash(ANN)));
        // a reload renews with the same identity: the same conversation, still verified
        String renewed = json(post("session", token, identity(ANN, hash(ANN)))).path("token").asText();
        assertThat(WebchatConnectorTest.key(renewed)).isEqualTo(WebchatConnectorTest.key(token));
        // the hub restarted: nothing in memory, the token alone carries the verified email
        connector.stop();
        connector = new WebchatConnector(clock);
        connector.start(context);
        clock.advance(Duration.ofMinutes(5));
        assertThat(send(renewed, "c-restart-1").author().address()).isEqualTo(Address.email(ANN));
    }

    @Test
    void aWrongHashIsRefusedWith403() throws Exception {
        WebhookResponse r = post("session", null, identity(ANN, hash("bob@example.com")));
        assertThat(r.status()).isEqualTo(403);
        assertThat(json(r).path("error").asText()).contains("userHash does not match userEmail");
        assertThat(post("session", null, identity(ANN, "not-hex")).status()).isEqualTo(403);
        assertThat(post("session", null, "{\"userEmail\":\"" + ANN + "\"}").status()).as("email without hash")
                .isEqualTo(400);
        assertThat(post("session", null, "{\"userHash\":\"" + hash(ANN) + "\"}").status()).as("hash without email")
                .isEqualTo(400);
        assertThat(context.messages()).isEmpty();
    }

    @Test
    void aHashWithoutIdentitySecretIsRefusedWith400NamingTheSetting() throws Exception {
        startWith(Map.of());
        WebhookResponse r = post("session", null, identity(ANN, hash(ANN)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(json(r).path("error").asText()).contains("identitySecret");
    }

    @Test
    void anAnonymousTokenCannotBeUpgradedNorAVerifiedOneCarriedToAnotherIdentity() throws Exception {
        String anonymous = session("{}");
        // a message claiming the email on an anonymous token: metadata only, exactly as a pre-chat email
        assertThat(post("messages", anonymous, "{\"clientId\":\"c-claim-001\",\"text\":\"hi\",\"userEmail\":\""
                + ANN + "\",\"email\":\"" + ANN + "\"}").status()).isEqualTo(200);
        Message claimed = context.messages().get(0);
        assertThat(claimed.author().address().kind()).isEqualTo(AddressKind.CHAT_USER);
        assertThat(claimed.metadata()).containsEntry(WebchatConnector.META_EMAIL, ANN);

        // tampering: the anonymous token's parts with a verified token's sealed email
        String[] a = anonymous.split("\\.");
        String[] v = session(identity(ANN, hash(ANN))).split("\\.");
        String grafted = String.join(".", "v2", a[1], a[2], v[3], a[3]);
        assertThat(post("messages", grafted, "{\"clientId\":\"c-graft-001\",\"text\":\"x\"}").status()).isEqualTo(403);
        String swapped = String.join(".", v[0], a[1], v[2], v[3], v[4]);
        assertThat(post("messages", swapped, "{\"clientId\":\"c-swap-0001\",\"text\":\"x\"}").status()).isEqualTo(403);

        // logging in with an anonymous token starts a new, verified conversation (the contact is set by its first
        // message); a verified token presented for another user or for nobody is not carried over either
        String loggedIn = json(post("session", anonymous, identity(ANN, hash(ANN)))).path("token").asText();
        assertThat(WebchatConnectorTest.key(loggedIn)).isNotEqualTo(WebchatConnectorTest.key(anonymous));
        String bob = json(post("session", loggedIn, identity("bob@example.com", hash("bob@example.com"))))
                .path("token").asText();
        assertThat(WebchatConnectorTest.key(bob)).isNotEqualTo(WebchatConnectorTest.key(loggedIn));
        String loggedOut = json(post("session", loggedIn, "{}")).path("token").asText();
        assertThat(WebchatConnectorTest.key(loggedOut)).isNotEqualTo(WebchatConnectorTest.key(loggedIn));
        assertThat(send(loggedOut, "c-logout-01").author().address().kind()).isEqualTo(AddressKind.CHAT_USER);
    }

    @Test
    void theEmailNeverAppearsInLogs() throws Exception {
        String token = session(identity(ANN, hash(ANN)));
        send(token, "c-logs-0001");
        post("session", null, identity(ANN, hash("eve@example.com")));
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).as("something was logged").isNotEmpty();
        assertThat(lines).noneMatch(l -> l.contains(ANN)).noneMatch(l -> l.contains("ann@"));
        assertThat(lines).anyMatch(l -> l.contains("a***@example.com"));
    }

    @Test
    void identitySecretIsASecretOfAtLeast32Characters() {
        List<dev.omnibridge.config.ConfigProblem> problems = new java.util.ArrayList<>();
        new WebchatType().config().parse("chat", Map.of("tokenSecret", WebchatConnectorTest.SECRET,
                "identitySecret", "too-short"), problems);
        assertThat(problems).extracting(dev.omnibridge.config.ConfigProblem::key).containsExactly("identitySecret");
        assertThat(problems.toString()).doesNotContain("too-short");
    }

    WebhookRequest handshake(String token) {
        return new WebhookRequest("GET", "socket", URI.create("http://hub.example.com/hooks/chat/socket"),
                Map.of("Origin", List.of(SITE)), Map.of("token", List.of(token)), null, "203.0.113.7");
    }
}
