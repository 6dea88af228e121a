package dev.omnibridge.connector.webhookdesk;

import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.TicketUpdate;
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

class WebhookDeskInboundTest {
    private static final String SECRET = "desk-secret-for-tests";
    private static final String REPLY = """
            {"ticketRef":"T-1","replyId":"c-9","author":{"role":"AGENT","displayName":"Alice"},
             "text":"Hello","html":null,"internal":false}""";

    private WebhookDeskConnector connector;

    @BeforeEach
    void start() {
        WebhookDeskType type = new WebhookDeskType();
        connector = (WebhookDeskConnector) type.create();
        connector.start(new FakeConnectorContext("desk", type.config(),
                Map.of("url", "http://localhost:9/desk", "secret", SECRET)));
    }

    @AfterEach
    void stop() {
        connector.stop();
    }

    @Test
    void turnsASignedReplyIntoADeskReplyAndAnswersStored() {
        Instant before = Instant.now();

        WebhookOutcome outcome = connector.onWebhook(signedPost("desk", SECRET, REPLY));

        assertThat(outcome.response().status()).isEqualTo(200);
        assertThat(new String(outcome.response().body(), StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"stored\"}");
        assertThat(outcome.inbound().messages()).isEmpty();
        assertThat(outcome.inbound().ticketUpdates()).isEmpty();
        assertThat(outcome.inbound().replies()).singleElement().satisfies(r -> {
            assertThat(r.ticketRef()).isEqualTo("T-1");
            assertThat(r.replyId()).isEqualTo("c-9");
            assertThat(r.author()).isEqualTo(new Author(Role.AGENT, "Alice", null));
            assertThat(r.text()).isEqualTo("Hello");
            assertThat(r.html()).isNull();
            assertThat(r.createdAt()).isBetween(before, Instant.now());
        });
    }

    @Test
    void keepsTheDesksCreatedAtAndHtml() {
        String body = """
                {"ticketRef":"T-1","replyId":"c-10","author":{"role":"AGENT"},"text":"Hi",
                 "html":"<p>Hi</p>","createdAt":"2025-03-01T10:15:30Z"}""";

        DeskReply reply = connector.onWebhook(signedPost("desk", SECRET, body)).inbound().replies().get(0);

        assertThat(reply.html()).isEqualTo("<p>Hi</p>");
        assertThat(reply.createdAt()).isEqualTo(Instant.parse("2025-03-01T10:15:30Z"));
    }

    @Test
    void passesTheConversationIdOnSoAReplyReachesATicketTheHubHasNotLinkedYet() {
        String body = """
                {"ticketRef":"T-1","replyId":"c-11","author":{"role":"AGENT"},"text":"Hi","conversationId":"conv-7"}""";

        DeskReply reply = connector.onWebhook(signedPost("desk", SECRET, body)).inbound().replies().get(0);

        assertThat(reply.metadata()).containsEntry(DeskReply.CONVERSATION_ID, "conv-7");
    }

    @Test
    void aReplyMayOfferReplyOptionsEachCheckedByField() {
        String body = """
                {"ticketRef":"T-1","replyId":"c-12","author":{"role":"AGENT"},"text":"Did that help?",
                 "choices":[{"id":"yes","title":"Yes"},{"id":"no","title":"No"}]}""";

        DeskReply reply = connector.onWebhook(signedPost("desk", SECRET, body)).inbound().replies().get(0);

        assertThat(reply.metadata()).containsEntry(dev.omnibridge.model.Choices.OFFERED,
                dev.omnibridge.model.Choices.encode(List.of(new dev.omnibridge.model.Choice("yes", "Yes"),
                        new dev.omnibridge.model.Choice("no", "No"))));
        assertRejected(signedPost("desk", SECRET, """
                {"ticketRef":"T-1","replyId":"c-13","author":{"role":"AGENT"},"text":"?",
                 "choices":[{"id":"a b","title":"A"}]}"""), 400, "choices[0].id");
    }

    @Test
    void acceptsABatchOfRepliesAndStatusChanges() {
        String body = "{\"replies\":[" + REPLY + ","
                + "{\"ticketRef\":\"T-2\",\"replyId\":\"c-11\",\"author\":{\"role\":\"BOT\"},\"text\":\"Auto\"},"
                + "{\"ticketRef\":\"T-3\",\"status\":\"RESOLVED\"}]}";

        WebhookOutcome outcome = connector.onWebhook(signedPost("desk", SECRET, body));

        assertThat(outcome.inbound().replies()).extracting(DeskReply::replyId).containsExactly("c-9", "c-11");
        assertThat(outcome.inbound().ticketUpdates())
                .containsExactly(new TicketUpdate("T-3", ConversationStatus.RESOLVED));
    }

    @Test
    void ignoresInternalNotes() {
        String note = REPLY.replace("\"internal\":false", "\"internal\":true").replace("c-9", "note-1");
        String body = "{\"replies\":[" + note + "," + REPLY + "]}";

        WebhookOutcome outcome = connector.onWebhook(signedPost("desk", SECRET, body));

        assertThat(outcome.inbound().replies()).extracting(DeskReply::replyId).containsExactly("c-9");
    }

    @Test
    void storesNothingForASingleInternalNote() {
        String note = REPLY.replace("\"internal\":false", "\"internal\":true");

        WebhookOutcome outcome = connector.onWebhook(signedPost("desk", SECRET, note));

        assertThat(outcome.inbound().isEmpty()).isTrue();
        assertThat(outcome.response().status()).isEqualTo(200);
    }

    @Test
    void turnsAStatusChangeToResolvedIntoATicketUpdate() {
        WebhookOutcome outcome = connector.onWebhook(signedPost("desk", SECRET, "{\"ticketRef\":\"T-1\",\"status\":\"RESOLVED\"}"));

        assertThat(outcome.inbound().ticketUpdates())
                .containsExactly(new TicketUpdate("T-1", ConversationStatus.RESOLVED));
        assertThat(outcome.inbound().replies()).isEmpty();
    }

    @Test
    void aReplyThatAlsoSolvesTheTicketGivesAReplyAndATicketUpdate() {
        String body = REPLY.replace("\"internal\":false", "\"internal\":false,\"status\":\"RESOLVED\"");

        WebhookOutcome outcome = connector.onWebhook(signedPost("desk", SECRET, body));

        assertThat(outcome.inbound().replies()).hasSize(1);
        assertThat(outcome.inbound().ticketUpdates())
                .containsExactly(new TicketUpdate("T-1", ConversationStatus.RESOLVED));
    }

    @Test
    void acceptsNumericTicketAndReplyIds() {
        String body = "{\"ticketRef\":1234,\"replyId\":98765,\"author\":{\"role\":\"AGENT\"},\"text\":\"ok\"}";

        DeskReply reply = connector.onWebhook(signedPost("desk", SECRET, body)).inbound().replies().get(0);

        assertThat(reply.ticketRef()).isEqualTo("1234");
        assertThat(reply.replyId()).isEqualTo("98765");
    }

    @Test
    void rejectsARequestWithoutSignatureHeaderWith401() {
        assertRejected(request("desk", "POST", REPLY.getBytes(StandardCharsets.UTF_8), Map.of()), 401,
                "missing X-Omnibridge-Signature header");
    }

    @Test
    void rejectsASignatureMadeWithAnotherSecretWith401() {
        assertRejected(signedPost("desk", "wrong-secret", REPLY), 401, "signature does not match");
    }

    @Test
    void rejectsABodyWithOneByteChangedAfterSigning() {
        byte[] body = REPLY.getBytes(StandardCharsets.UTF_8);
        String signature = signature(SECRET, body);
        byte[] tampered = body.clone();
        tampered[REPLY.indexOf("Hello")] = (byte) 'J';

        assertRejected(request("desk", "POST", tampered, Map.of("X-Omnibridge-Signature", List.of(signature))), 401,
                "signature does not match");
    }

    @Test
    void checksTheSignatureBeforeLookingAtTheBody() {
        assertRejected(request("desk", "POST", "][".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Omnibridge-Signature", List.of("sha256=00"))), 401, "signature does not match");
    }

    @Test
    void rejectsBodyThatIsNotJsonWith400() {
        assertRejected(signedPost("desk", SECRET, "{\"ticketRef\":"), 400, "body is not valid JSON");
    }

    @Test
    void rejectsAReplyWithoutTicketRefNamingTheField() {
        assertRejected(signedPost("desk", SECRET, REPLY.replace("\"ticketRef\":\"T-1\",", "")), 400,
                "missing required field 'ticketRef'");
    }

    @Test
    void rejectsAReplyWithoutAuthorNamingTheField() {
        String body = "{\"ticketRef\":\"T-1\",\"replyId\":\"c-1\",\"text\":\"hi\"}";

        assertRejected(signedPost("desk", SECRET, body), 400, "missing required field 'author'");
    }

    @Test
    void namesTheBatchPositionAndFieldOfABadAuthorRole() {
        String bad = REPLY.replace("\"AGENT\"", "\"WIZARD\"");
        String body = "{\"replies\":[" + REPLY + "," + bad + "]}";

        WebhookRejectedException e = assertRejected(signedPost("desk", SECRET, body), 400,
                "field 'replies[1].author.role' must be one of [CUSTOMER, AGENT, BOT, SYSTEM]");
        assertThat(e.getMessage()).doesNotContain("WIZARD");
    }

    @Test
    void rejectsAMisspeltInternalFlagRatherThanSendingTheNote() {
        String body = REPLY.replace("\"internal\":false", "\"internl\":true");

        assertRejected(signedPost("desk", SECRET, body), 400, "unknown field 'internl'");
    }

    @Test
    void rejectsAnInternalFlagThatIsNotABoolean() {
        assertRejected(signedPost("desk", SECRET, REPLY.replace("\"internal\":false", "\"internal\":\"yes\"")), 400,
                "field 'internal' must be true or false");
    }

    @Test
    void rejectsAReplyWithoutTextOrHtml() {
        String body = "{\"ticketRef\":\"T-1\",\"replyId\":\"c-1\",\"author\":{\"role\":\"AGENT\"},\"text\":\"\"}";

        assertRejected(signedPost("desk", SECRET, body), 400, "field 'text': a reply needs text or html");
    }

    @Test
    void rejectsAnUnknownStatus() {
        assertRejected(signedPost("desk", SECRET, "{\"ticketRef\":\"T-1\",\"status\":\"PENDING\"}"), 400,
                "field 'status' must be one of [OPEN, RESOLVED]");
    }

    @Test
    void rejectsRepliesThatAreNotAnArray() {
        assertRejected(signedPost("desk", SECRET, "{\"replies\":{}}"), 400, "field 'replies' must be an array");
    }

    @Test
    void rejectsABodyThatIsNotAnObject() {
        assertRejected(signedPost("desk", SECRET, "[" + REPLY + "]"), 400, "body must be a JSON object");
    }

    @Test
    void refusesMethodsOtherThanPost() {
        byte[] empty = new byte[0];

        assertRejected(request("desk", "PUT", empty, Map.of("X-Omnibridge-Signature", List.of(signature(SECRET, empty)))),
                405, "use POST");
    }

    private WebhookRejectedException assertRejected(WebhookRequest request, int status, String messagePart) {
        Throwable thrown = catchThrowable(() -> connector.onWebhook(request));
        assertThat(thrown).isInstanceOf(WebhookRejectedException.class).hasMessageContaining(messagePart);
        WebhookRejectedException e = (WebhookRejectedException) thrown;
        assertThat(e.status()).isEqualTo(status);
        return e;
    }
}
