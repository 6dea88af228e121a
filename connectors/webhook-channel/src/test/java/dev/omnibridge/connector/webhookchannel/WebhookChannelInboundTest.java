package dev.omnibridge.connector.webhookchannel;

import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.testkit.TestWebhooks.request;
import static dev.omnibridge.testkit.TestWebhooks.signature;
import static dev.omnibridge.testkit.TestWebhooks.signedPost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class WebhookChannelInboundTest {
    private static final String SECRET = "s3cret-for-tests";
    private static final String ANN = """
            {"channelMessageId":"m-1","threadKey":"thread-1",
             "author":{"role":"CUSTOMER","displayName":"Ann","address":{"kind":"EMAIL","value":"Ann@Example.com"}},
             "text":"Hello, my order is late"}""";

    private WebhookChannelConnector connector;

    @BeforeEach
    void start() {
        WebhookChannelType type = new WebhookChannelType();
        connector = (WebhookChannelConnector) type.create();
        connector.start(new FakeConnectorContext("web", type.config(),
                Map.of("secret", SECRET, "callbackUrl", "http://localhost:9/replies")));
    }

    @AfterEach
    void stop() {
        connector.stop();
    }

    @Test
    void storesASignedMessageAsInboundOnThisInstanceAndAnswersStored() {
        Instant before = Instant.now();

        WebhookOutcome outcome = connector.onWebhook(signedPost("web", SECRET, ANN));

        assertThat(outcome.response().status()).isEqualTo(200);
        assertThat(new String(outcome.response().body(), StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"stored\"}");
        assertThat(outcome.inbound().messages()).singleElement().satisfies(m -> {
            assertThat(m.direction()).isEqualTo(Direction.INBOUND);
            assertThat(m.channel()).isEqualTo(new ChannelRef("webhook-channel", "web"));
            assertThat(m.channelMessageId()).isEqualTo("m-1");
            assertThat(m.threadKey()).isEqualTo("thread-1");
            assertThat(m.author().role()).isEqualTo(Role.CUSTOMER);
            assertThat(m.author().displayName()).isEqualTo("Ann");
            assertThat(m.author().address()).isEqualTo(Address.email("ann@example.com"));
            assertThat(m.text()).isEqualTo("Hello, my order is late");
            assertThat(m.receivedAt()).isBetween(before, Instant.now());
            assertThat(m.id()).isNull();
            assertThat(m.conversationId()).isNull();
        });
        assertThat(outcome.inbound().replies()).isEmpty();
    }

    @Test
    void ignoresTheFieldsTheHubOwnsWhenASenderGivesThem() {
        String body = """
                {"schema":"omnibridge.message/v1","id":"forged-id","conversationId":"forged-conversation",
                 "direction":"OUTBOUND","channel":{"type":"other","instanceId":"elsewhere"},
                 "receivedAt":"2001-01-01T00:00:00Z","channelMessageId":"m-2","threadKey":"t",
                 "author":{"role":"CUSTOMER"},"text":"hi","tags":["vip"]}""";

        Message m = connector.onWebhook(signedPost("web", SECRET, body)).inbound().messages().get(0);

        assertThat(m.id()).isNull();
        assertThat(m.conversationId()).isNull();
        assertThat(m.direction()).isEqualTo(Direction.INBOUND);
        assertThat(m.channel()).isEqualTo(new ChannelRef("webhook-channel", "web"));
        assertThat(m.receivedAt()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(m.tags()).containsExactly("vip");
    }

    @Test
    void storesEveryMessageOfABatchArray() {
        String body = "[" + ANN + ",{\"channelMessageId\":\"m-2\",\"threadKey\":\"thread-2\","
                + "\"author\":{\"role\":\"CUSTOMER\",\"address\":{\"kind\":\"PHONE\",\"value\":\"+14155550100\"}},"
                + "\"text\":\"Second\"}]";

        List<Message> messages = connector.onWebhook(signedPost("web", SECRET, body)).inbound().messages();

        assertThat(messages).extracting(Message::channelMessageId).containsExactly("m-1", "m-2");
        assertThat(messages).extracting(Message::threadKey).containsExactly("thread-1", "thread-2");
        assertThat(messages).allSatisfy(m -> assertThat(m.direction()).isEqualTo(Direction.INBOUND));
    }

    @Test
    void rejectsARequestWithoutSignatureHeaderWith401() {
        WebhookRequest unsigned = request("web", "POST", ANN.getBytes(StandardCharsets.UTF_8), Map.of());

        assertRejected(unsigned, 401, "missing X-Omnibridge-Signature header");
    }

    @Test
    void rejectsASignatureMadeWithAnotherSecretWith401() {
        assertRejected(signedPost("web", "not-the-secret", ANN), 401, "signature does not match");
    }

    @Test
    void rejectsABodyWithOneByteChangedAfterSigning() {
        byte[] body = ANN.getBytes(StandardCharsets.UTF_8);
        String signature = signature(SECRET, body);
        byte[] tampered = body.clone();
        int at = ANN.indexOf("late");
        tampered[at] = (byte) 'L';

        assertRejected(request("web", "POST", tampered, Map.of("X-Omnibridge-Signature", List.of(signature))),
                401, "signature does not match");
    }

    @Test
    void acceptsTheSignatureHeaderInAnyLetterCase() {
        byte[] body = ANN.getBytes(StandardCharsets.UTF_8);
        String upper = "sha256=" + signature(SECRET, body).substring("sha256=".length()).toUpperCase();

        WebhookOutcome outcome = connector.onWebhook(request("web", "POST", body,
                Map.of("x-omnibridge-signature", List.of(upper))));

        assertThat(outcome.inbound().messages()).hasSize(1);
    }

    @Test
    void checksTheSignatureBeforeLookingAtTheBody() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);

        assertRejected(request("web", "POST", garbage, Map.of()), 401, "missing X-Omnibridge-Signature header");
    }

    @Test
    void rejectsBodyThatIsNotJsonWith400() {
        assertRejected(signedPost("web", SECRET, "{\"channelMessageId\": "), 400, "body is not valid JSON");
    }

    @Test
    void rejectsAMessageWithoutTextNamingTheField() {
        String body = "{\"channelMessageId\":\"m-1\",\"threadKey\":\"t\",\"author\":{\"role\":\"CUSTOMER\"}}";

        assertRejected(signedPost("web", SECRET, body), 400, "missing required field 'text'");
    }

    @Test
    void rejectsAMessageWithABlankThreadKeyNamingTheField() {
        String body = "{\"channelMessageId\":\"m-1\",\"threadKey\":\" \",\"author\":{\"role\":\"CUSTOMER\"},\"text\":\"x\"}";

        assertRejected(signedPost("web", SECRET, body), 400, "field 'threadKey' must not be blank");
    }

    @Test
    void rejectsAnUnknownAuthorRoleNamingTheField() {
        String body = ANN.replace("\"CUSTOMER\"", "\"KING\"");

        assertRejected(signedPost("web", SECRET, body), 400, "author.role");
    }

    @Test
    void rejectsAnInvalidEmailAddressNamingTheFieldWithoutEchoingIt() {
        String body = ANN.replace("Ann@Example.com", "ann-at-example.com");

        WebhookRejectedException e = assertRejected(signedPost("web", SECRET, body), 400, "author.address");
        assertThat(e.getMessage()).doesNotContain("ann-at-example.com");
    }

    @Test
    void rejectsAnUnknownFieldNamingIt() {
        String body = ANN.replace("\"text\"", "\"colour\":\"red\",\"text\"");

        assertRejected(signedPost("web", SECRET, body), 400, "colour");
    }

    @Test
    void namesTheBatchPositionOfABadMessage() {
        String body = "[" + ANN + ",{\"channelMessageId\":\"m-2\",\"author\":{\"role\":\"CUSTOMER\"},\"text\":\"x\"}]";

        assertRejected(signedPost("web", SECRET, body), 400, "message[1]: missing required field 'threadKey'");
    }

    @Test
    void rejectsABodyThatIsNeitherObjectNorArray() {
        assertRejected(signedPost("web", SECRET, "\"hello\""), 400, "body must be a message object or an array of messages");
    }

    @Test
    void rejectsAnEmptyBody() {
        assertRejected(signedPost("web", SECRET, ""), 400, "body is empty");
    }

    @Test
    void refusesMethodsOtherThanPost() {
        byte[] empty = new byte[0];
        WebhookRequest get = request("web", "GET", empty, Map.of("X-Omnibridge-Signature", List.of(signature(SECRET, empty))));

        assertRejected(get, 405, "use POST");
    }

    private WebhookRejectedException assertRejected(WebhookRequest request, int status, String messagePart) {
        Throwable thrown = catchThrowable(() -> connector.onWebhook(request));
        assertThat(thrown).isInstanceOf(WebhookRejectedException.class).hasMessageContaining(messagePart);
        WebhookRejectedException e = (WebhookRejectedException) thrown;
        assertThat(e.status()).isEqualTo(status);
        return e;
    }
}
