package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.MailServers;
import dev.omnibridge.systemtest.support.Mailer;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedMail;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Message-IDs against the packaged hub (its store, dedupe and outbox): a mail reusing another's Message-ID reaches the
 * desk as its own message, a copy of a mail reaches it once and is listed as skipped, and a reply to the hub's
 * acknowledgement under a new subject joins its conversation after a restart, without a second acknowledgement.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmailMessageIdTest extends SystemTestBase {
    private static final String MAIL = "mail";
    private static final String SUPPORT = "support@acme.test";
    private static final String SUPPORT_PASSWORD = "support-imap-password";
    private static final String ANN = "ann@customer.test";
    private static final String BOB = "bob@other.test";
    private static final Duration ARRIVAL = Duration.ofSeconds(20);

    @RegisterExtension
    static final GreenMailExtension MAIL_SERVER = MailServers.server(SUPPORT, SUPPORT_PASSWORD, ANN, BOB);

    private Mailer customers;

    @Override
    protected HubProcess startHub() {
        customers = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        return startHubWith("email");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> settings = MailServers.emailInstance(MAIL_SERVER, SUPPORT, SUPPORT_PASSWORD);
        settings.put("acknowledge", true);
        // Ann opens more than the default three conversations a day across these tests; the cap has its own tests.
        settings.put("maxAcknowledgementsPerDay", 100);
        return standardConfig().instance(MAIL, "email", settings).route(MAIL, DESK);
    }

    @BeforeAll
    void mailInstanceIsRunning() {
        awaitMailInstanceRunning();
    }

    @Test
    @Order(1)
    void aMailFromAnotherSenderReusingAMessageIdReachesTheDeskAsItsOwnMessage() {
        String id = "reused-" + shortId() + "@mailer.test";
        send(ANN, "Printer on fire", "It is on fire.", id, null);
        ReceivedRequest ann = awaitDeskMessage(m -> m.equals(id));
        send(BOB, "Invoice 7", "The amount is wrong.", id, null);

        ReceivedRequest bob = awaitDeskMessage(m -> m.startsWith(id + "#"));
        assertThat(bob.text("/message/author/address/value")).isEqualTo(BOB);
        assertThat(bob.text("/message/text")).isEqualTo("The amount is wrong.");
        assertThat(bob.conversationId()).as("a conversation of its own").isNotEqualTo(ann.conversationId());
    }

    @Test
    @Order(2)
    void aCopyOfAMailReachesTheDeskOnceAndIsListedAsSkipped() {
        String id = "copy-" + shortId() + "@customer.test";
        send(ANN, "Twice", "Sent to two support addresses.", id, null);
        send(ANN, "Twice", "Sent to two support addresses.", id, null);   // a second delivery: other Received headers
        String sentinel = "sentinel-" + shortId() + "@customer.test";
        send(ANN, "After", "later", sentinel, null);

        awaitDeskMessage(m -> m.equals(sentinel));   // mails are imported in order: the copy was handled before
        Poll.until(ARRIVAL, "the copy is listed as skipped", () -> skipped().stream()
                .anyMatch(e -> (id + "#copy").equals(Json.text(e, "/sourceId"))));
        assertThat(deskRequests().stream().filter(r -> r.channelMessageId() != null
                && r.channelMessageId().startsWith(id))).as("one desk event for the mail and its copy").hasSize(1);
        JsonNode entry = skipped().stream().filter(e -> (id + "#copy").equals(Json.text(e, "/sourceId")))
                .findFirst().orElseThrow();
        assertThat(Json.text(entry, "/reason")).startsWith("copy of a mail already stored").doesNotContain(ANN);
        assertThat(Json.text(entry, "/original")).startsWith("attachment:");
    }

    @Test
    @Order(3)
    void aReplyToTheAcknowledgementUnderANewSubjectJoinsItsConversationAfterARestart() {
        String id = "ack-" + shortId() + "@customer.test";
        send(ANN, "Refund " + shortId(), "Please refund order 12.", id, null);
        ReceivedRequest opened = awaitDeskMessage(m -> m.equals(id));
        ReceivedMail ack = awaitAcknowledgement(opened.threadKey());
        int annsAcknowledgements = acknowledgementsTo(ANN).size();

        hub.restart();
        awaitMailInstanceRunning();
        String reply = "ack-reply-" + shortId() + "@customer.test";
        send(ANN, "My bank details", "IBAN follows.", reply, ack.messageId().replaceAll("[<>]", ""));

        ReceivedRequest answered = awaitDeskMessage(m -> m.equals(reply));
        assertThat(answered.conversationId()).isEqualTo(opened.conversationId());
        assertThat(answered.threadKey()).isEqualTo(opened.threadKey());
        // A later request is acknowledged: had the reply been acknowledged, that would be in by now.
        String later = "later-" + shortId() + "@other.test";
        send(BOB, "Something else", "New topic.", later, null);
        awaitAcknowledgement(awaitDeskMessage(m -> m.equals(later)).threadKey());
        assertThat(acknowledgementsTo(ANN)).as("no second acknowledgement for Ann's reply")
                .hasSize(annsAcknowledgements);
    }

    // --- helpers

    /** Sends a plain mail to support exactly as written, with the given Message-ID (and In-Reply-To). */
    private void send(String from, String subject, String text, String messageId, String inReplyTo) {
        String threading = inReplyTo == null ? "" : "In-Reply-To: <" + inReplyTo + ">\nReferences: <" + inReplyTo
                + ">\n";
        customers.sendRaw("From: " + from + "\nTo: " + SUPPORT + "\nSubject: " + subject
                + "\nDate: Thu, 3 Dec 2026 10:00:00 +0000\nMessage-ID: <" + messageId + ">\n" + threading
                + "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n" + text + "\n", SUPPORT);
    }

    private void awaitMailInstanceRunning() {
        Poll.until(Duration.ofSeconds(30), MAIL + " is RUNNING",
                () -> hub.http().health().at("/instances/" + MAIL + "/state").asText().equals("RUNNING"));
    }

    private ReceivedRequest awaitDeskMessage(java.util.function.Predicate<String> channelMessageId) {
        Poll.until(ARRIVAL, "the desk has accepted the mail", () -> accepted(channelMessageId).isPresent());
        return accepted(channelMessageId).orElseThrow();
    }

    private java.util.Optional<ReceivedRequest> accepted(java.util.function.Predicate<String> channelMessageId) {
        return deskRequests().stream().filter(r -> MAIL.equals(r.text("/message/channel/instanceId")))
                .filter(r -> r.channelMessageId() != null && channelMessageId.test(r.channelMessageId()))
                .filter(r -> r.event().getResponse().getStatus() / 100 == 2).findFirst();
    }

    private List<ReceivedMail> acknowledgementsTo(String address) {
        return MAIL_SERVER.findReceivedMessages(user -> user.getEmail().equals(address), message -> true)
                .map(ReceivedMail::new).filter(m -> "auto-replied".equals(m.header("Auto-Submitted"))).toList();
    }

    private ReceivedMail awaitAcknowledgement(String token) {
        Poll.until(ARRIVAL, "the acknowledgement of [#" + token + "]", () -> MAIL_SERVER.getReceivedMessages().length > 0
                && allAcknowledgements().stream().anyMatch(m -> m.subject().contains("[#" + token + "]")));
        return allAcknowledgements().stream().filter(m -> m.subject().contains("[#" + token + "]")).findFirst()
                .orElseThrow();
    }

    private List<ReceivedMail> allAcknowledgements() {
        List<ReceivedMail> all = new ArrayList<>(acknowledgementsTo(ANN));
        all.addAll(acknowledgementsTo(BOB));
        return all;
    }

    private List<JsonNode> skipped() {
        JsonNode list = hub.http().adminJson("/api/skipped").path("skipped");
        return StreamSupport.stream(list.spliterator(), false).filter(e -> MAIL.equals(Json.text(e, "/instance")))
                .toList();
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
