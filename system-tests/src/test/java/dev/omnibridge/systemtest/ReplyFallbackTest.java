package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.MailServers;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedMail;
import dev.omnibridge.systemtest.support.Signatures;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Done-means 2 of issue 20, on the packaged hub: a reply to a chat visitor who left goes out by email when the site
 * verified the visitor's email (identity verification), through {@code identity.replyFallback: [mail]}, and the desk
 * (the console inbox) is told which way it went; a visitor who only typed an email into the chat is not written to,
 * the reply is dead-lettered and the desk is told it was not delivered. The chat has no follow-up channel of its own:
 * the hub's fallback does it. GreenMail is the mail server; the visitor talks to the webchat HTTP API as the widget
 * does; the agent answers through the admin API.
 */
class ReplyFallbackTest extends SystemTestBase {
    private static final String CHAT = "chat";
    private static final String MAIL = "mail";
    private static final String INBOX = "inbox";
    private static final String SUPPORT = "support@acme.test";
    private static final String SUPPORT_PASSWORD = "support-imap-password";
    private static final String ANN = "ann.verified@customer.test";
    private static final String BOB = "bob.typed@customer.test";
    private static final String TOKEN_SECRET = "webchat-token-secret-for-fallback-tests-0123456789";
    private static final String IDENTITY_SECRET = "webchat-identity-secret-for-fallback-tests-987654";
    private static final Duration GONE_AFTER = Duration.ofSeconds(1);
    private static final Duration ARRIVAL = Duration.ofSeconds(30);
    private static final String ANN_ASKS = "Could you send the warranty terms for order 5521?";
    private static final String ANN_REPLY = "Hello Ann, the warranty terms for order 5521 are attached.";
    private static final String BOB_ASKS = "Is the blue kettle back in stock soon?";
    private static final String BOB_REPLY = "Hello Bob, the blue kettle is back next Tuesday.";

    @RegisterExtension
    static final GreenMailExtension MAIL_SERVER = MailServers.server(SUPPORT, SUPPORT_PASSWORD, ANN, BOB);

    @Override
    protected HubProcess startHub() {
        logScan.addresses(ANN, BOB).texts(ANN_ASKS, ANN_REPLY, BOB_ASKS, BOB_REPLY).secrets(List.of(
                SUPPORT_PASSWORD, TOKEN_SECRET, IDENTITY_SECRET));
        return startHubWith("email", "webchat");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> mail = MailServers.emailInstance(MAIL_SERVER, SUPPORT, SUPPORT_PASSWORD);
        return standardConfig()
                .instance(CHAT, "webchat", Map.of("tokenSecret", TOKEN_SECRET, "identitySecret", IDENTITY_SECRET,
                        "handOffAfter", GONE_AFTER.toSeconds() + "s"))
                .instance(MAIL, "email", mail)
                .instance(INBOX, "console-inbox", Map.of())
                .route(CHAT, INBOX)
                .route(MAIL, INBOX)
                .identity("  replyFallback: [" + MAIL + "]\n");
    }

    @BeforeAll
    void instancesRun() {
        awaitRunning(CHAT, MAIL, INBOX);
    }

    @Test
    void aReplyToAVisitorWhoLeftGoesByEmailWhenTheSiteVerifiedItAndTheDeskIsTold() throws Exception {
        String hash = Signatures.sign(IDENTITY_SECRET, ANN).substring("sha256=".length());
        String token = hub.http().widgetSession(CHAT, "{\"name\":\"Ann\",\"userEmail\":\"" + ANN
                + "\",\"userHash\":\"" + hash + "\"}");
        String conversation = visitorWrites(token, "fallback-ann-1", ANN_ASKS);

        Thread.sleep(GONE_AFTER.toMillis() + 500);   // the visitor closed the page: no socket, not seen since
        reply(conversation, ANN_REPLY);

        ReceivedMail mail = awaitMailTo(ANN);
        assertThat(mail.from().getAddress()).isEqualTo(SUPPORT);
        assertThat(mail.to()).containsExactly(ANN);
        assertThat(mail.topLevelParts().get(0).content()).contains(ANN_REPLY);
        assertThat(mail.subject()).as("a thread token, so Ann's answer threads").containsPattern("\\[#[A-Z2-7]{8}]");

        JsonNode deliveries = awaitDeliveries(conversation, ANN_REPLY, 2);
        assertThat(deliveries).anySatisfy(d -> {
            assertThat(d.path("target").asText()).isEqualTo(CHAT);
            assertThat(d.path("status").asText()).isEqualTo("DONE");
            assertThat(d.path("resultRef").asText()).isEqualTo("fallback:" + MAIL);
        });
        assertThat(deliveries).anySatisfy(d -> {
            assertThat(d.path("target").asText()).isEqualTo(MAIL);
            assertThat(d.path("status").asText()).isEqualTo("DONE");
        });
        JsonNode note = awaitNote(conversation, "reply-fallback");
        assertThat(note.path("message").path("text").asText()).contains("sent through " + MAIL)
                .contains("chat visitor left").doesNotContain(ANN);
        assertThat(note.path("deliveries").get(0).path("target").asText()).as("the desk got the note")
                .isEqualTo(INBOX);
        Thread.sleep(1_000);
        assertThat(mailsTo(ANN)).as("one mail, however the outbox retried").hasSize(1);
    }

    @Test
    void aVisitorWhoOnlyTypedAnEmailIsNotWrittenToAndTheDeskIsTold() throws Exception {
        String token = hub.http().widgetSession(CHAT, "{\"name\":\"Bob\",\"email\":\"" + BOB + "\"}");
        String conversation = visitorWrites(token, "fallback-bob-1", BOB_ASKS);

        Thread.sleep(GONE_AFTER.toMillis() + 500);
        reply(conversation, BOB_REPLY);

        JsonNode note = awaitNote(conversation, "delivery-failed");
        assertThat(note.path("message").path("text").asText()).contains("was not delivered")
                .contains("chat visitor left")
                .contains("no other verified address of the customer takes messages on " + MAIL);
        Poll.until(ARRIVAL, "the reply is a dead letter", () -> stream(deadLetters())
                .anyMatch(d -> d.path("conversationId").asText().equals(conversation)));
        Thread.sleep(1_000);
        assertThat(mailsTo(BOB)).as("a typed email is never written to").isEmpty();
    }

    // --- helpers

    private String visitorWrites(String token, String clientId, String text) {
        HttpResponse<String> sent = hub.http().widget(CHAT, "POST", "messages", token,
                "{\"clientId\":\"" + clientId + "\",\"text\":\"" + text + "\"}");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        String[] id = new String[1];
        Poll.until(ARRIVAL, "the chat's conversation reaches the inbox", () -> {
            Optional<JsonNode> found = stream(hub.http().adminJson("/api/conversations").path("conversations"))
                    .filter(c -> c.path("channel").path("instanceId").asText().equals(CHAT))
                    .filter(c -> !c.path("id").asText().equals(id[0]))
                    .filter(c -> hub.http().adminJson("/api/messages?conversationId=" + c.path("id").asText())
                            .toString().contains(text))
                    .findFirst();
            found.ifPresent(c -> id[0] = c.path("id").asText());
            return found.isPresent() && hub.http().adminJson("/api/conversations/" + id[0]).path("deskTickets")
                    .has(INBOX);
        });
        return id[0];
    }

    private void reply(String conversation, String text) {
        HttpResponse<String> reply = hub.http().post("/api/conversations/" + conversation + "/replies",
                "{\"inbox\":\"" + INBOX + "\",\"text\":\"" + text + "\"}",
                "Authorization", "Bearer " + HubProcess.ADMIN_TOKEN);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
    }

    private JsonNode awaitDeliveries(String conversation, String text, int count) {
        JsonNode[] found = new JsonNode[1];
        Poll.until(ARRIVAL, count + " deliveries of the reply are recorded", () -> {
            for (JsonNode view : hub.http().adminJson("/api/messages?conversationId=" + conversation)
                    .path("messages")) {
                if (view.path("message").path("text").asText().equals(text)
                        && stream(view.path("deliveries")).filter(d -> d.path("status").asText().equals("DONE"))
                        .count() == count) {
                    found[0] = view.path("deliveries");
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The conversation's internal note with the tag, once the desk has it. */
    private JsonNode awaitNote(String conversation, String tag) {
        JsonNode[] found = new JsonNode[1];
        Poll.until(ARRIVAL, "a note tagged " + tag + " reaches the desk", () -> {
            for (JsonNode view : hub.http().adminJson("/api/messages?conversationId=" + conversation)
                    .path("messages")) {
                JsonNode m = view.path("message");
                if (m.path("direction").asText().equals("INTERNAL") && m.path("tags").toString().contains(tag)
                        && view.path("deliveries").size() > 0
                        && view.path("deliveries").get(0).path("status").asText().equals("DONE")) {
                    found[0] = view;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private ReceivedMail awaitMailTo(String address) {
        Poll.until(ARRIVAL, "a mail arrives in " + address + "'s mailbox", () -> !mailsTo(address).isEmpty());
        return mailsTo(address).get(0);
    }

    private static List<ReceivedMail> mailsTo(String address) {
        return MAIL_SERVER.findReceivedMessages(user -> user.getEmail().equals(address), message -> true)
                .map(ReceivedMail::new).toList();
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }
}
