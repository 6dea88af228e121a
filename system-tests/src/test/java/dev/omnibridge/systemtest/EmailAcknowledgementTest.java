package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.systemtest.support.CustomerMail;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.MailServers;
import dev.omnibridge.systemtest.support.Mailer;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedMail;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledgements on email (GreenMail as the support and customer mailboxes): a customer's mail gets one answer in
 * the customer's mailbox, marked Auto-Submitted, with the placeholders filled; a reply in the same thread none; an
 * out-of-office auto-reply none (it is noise, never a message), and when it answers the acknowledgement the
 * conversation's timeline shows it with its reason; accepted mailing-list mail none, with the reason in the
 * conversation's timeline.
 */
class EmailAcknowledgementTest extends SystemTestBase {
    private static final String MAIL = "mail";
    private static final String SUPPORT = "support@acme.test";
    private static final String SUPPORT_PASSWORD = "support-imap-password";
    private static final String ANN = "ann@customer.test";
    private static final String LIST = "list@lists.customer.test";
    /** A customer of her own, so that counting her acknowledgements does not depend on the other tests' order. */
    private static final String BEA = "bea@customer.test";
    private static final String ACK_START = "Hi Ann, we have your mail";

    @RegisterExtension
    static final GreenMailExtension MAIL_SERVER = MailServers.server(SUPPORT, SUPPORT_PASSWORD, ANN, LIST, BEA);

    private Mailer customers;

    @Override
    protected HubProcess startHub() {
        customers = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        return startHubWith("email");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> settings = MailServers.emailInstance(MAIL_SERVER, SUPPORT, SUPPORT_PASSWORD);
        settings.put("acceptMailingLists", true);
        return standardConfig().instance(MAIL, "email", settings).route(MAIL, DESK)
                .acknowledgements("enabled", true)
                .acknowledgementTemplate("en", "Hi {firstName:there}, we have your mail (reference {reference}) and "
                        + "answer by {channel}.", "Closed now; reference {reference}.");
    }

    @BeforeAll
    void mailInstanceIsRunning() {
        Poll.until(Duration.ofSeconds(30), MAIL + " is RUNNING",
                () -> hub.http().health().at("/instances/" + MAIL + "/state").asText().equals("RUNNING"));
    }

    private void send(CustomerMail mail) {
        customers.send(mail.build(customers.session()));
    }

    private ReceivedRequest awaitDeskMessage(String messageId) {
        Poll.until(Duration.ofSeconds(30), "the desk has accepted the mail " + messageId, () -> deskRequests().stream()
                .anyMatch(r -> messageId.equals(r.channelMessageId()) && r.event().getResponse().getStatus() / 100 == 2));
        return deskRequests().stream().filter(r -> messageId.equals(r.channelMessageId())).findFirst().orElseThrow();
    }

    /** Mails the hub sent to {@code address} whose subject names {@code subject} (an answer's "Re: ..."). */
    private List<ReceivedMail> mailsAbout(String address, String subject) {
        return MAIL_SERVER.findReceivedMessages(user -> user.getEmail().equals(address), message -> true)
                .map(ReceivedMail::new).filter(m -> m.subject() != null && m.subject().contains(subject)
                        && m.from().getAddress().equals(SUPPORT)).toList();
    }

    private List<String> timeline(String conversationId) {
        JsonNode events = hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversationId)
                .path("automation");
        return StreamSupport.stream(events.spliterator(), false).map(e -> e.path("detail").asText()).toList();
    }

    /** The timeline's entries for input the channel received for the conversation but did not store. */
    private List<String> skippedInTimeline(String conversationId) {
        JsonNode events = hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversationId)
                .path("automation");
        return StreamSupport.stream(events.spliterator(), false)
                .filter(e -> e.path("kind").asText().equals("SKIPPED_INBOUND"))
                .map(e -> e.path("detail").asText()).toList();
    }

    @Test
    void anOutOfOfficeReplyToTheAcknowledgementShowsInTheConversationsTimelineAndGetsNone() {
        String subject = "Invoice wrong " + unique("b");
        String ackText = "Hi Bea, we have your mail";
        CustomerMail first = CustomerMail.from("Bea Customer", BEA).subject(subject).text("The amount is wrong.");
        send(first);
        ReceivedRequest opened = awaitDeskMessage(first.messageId());
        ReceivedMail ack = ReceivedMail.reaching(MAIL_SERVER, BEA, ackText, Duration.ofSeconds(30)).get(0);

        // Her mailbox answers the acknowledgement as Exchange and Gmail do: In-Reply-To it, Auto-Submitted.
        CustomerMail outOfOffice = CustomerMail.from("Bea Customer", BEA).subject("Automatic reply: " + ack.subject())
                .inReplyTo(ack.messageId()).references(ack.messageId()).header("Auto-Submitted", "auto-replied")
                .text("I am out of the office until Monday.");
        send(outOfOffice);

        Poll.until(Duration.ofSeconds(30), "the auto-reply is in the conversation's timeline",
                () -> !skippedInTimeline(opened.conversationId()).isEmpty());
        assertThat(skippedInTimeline(opened.conversationId())).singleElement().asString()
                .isEqualTo("skipped (Auto-Submitted: auto-replied): not stored as a message, not acknowledged");
        awaitQuiet(desk, Duration.ofSeconds(3));
        assertThat(deskRequests()).as("the auto-reply is noise, not a message")
                .noneMatch(r -> outOfOffice.messageId().equals(r.channelMessageId()));
        assertThat(ReceivedMail.to(MAIL_SERVER, BEA, ackText)).as("no second acknowledgement").hasSize(1);
    }

    @Test
    void aCustomersMailGetsOneAutoSubmittedAnswerAndHerReplyInTheThreadNone() {
        String subject = "Parcel missing " + unique("s");
        CustomerMail first = CustomerMail.from("Ann Customer", ANN).subject(subject).text("My parcel has not arrived.");
        send(first);
        ReceivedRequest opened = awaitDeskMessage(first.messageId());

        List<ReceivedMail> acks = ReceivedMail.reaching(MAIL_SERVER, ANN, ACK_START, Duration.ofSeconds(30));
        assertThat(acks).hasSize(1);
        ReceivedMail ack = acks.get(0);
        String hex = opened.conversationId().replace("-", "");
        assertThat(ack.allText()).contains(ACK_START + " (reference "
                + hex.substring(hex.length() - 8).toUpperCase(Locale.ROOT) + ") and answer by email.");
        assertThat(ack.header("Auto-Submitted")).isEqualTo("auto-replied");
        assertThat(ack.from().getPersonal()).isEqualTo("Acme Support");

        CustomerMail reply = CustomerMail.from("Ann Customer", ANN).subject("Re: " + subject)
                .inReplyTo(first.messageId()).references(first.messageId()).text("The order number is 4711.");
        send(reply);
        awaitDeskMessage(reply.messageId());
        awaitQuiet(desk, Duration.ofSeconds(3));
        assertThat(ReceivedMail.to(MAIL_SERVER, ANN, ACK_START)).as("still one acknowledgement").hasSize(1);
    }

    @Test
    void anOutOfOfficeReplyAndMailingListMailGetNone() {
        String oooSubject = "Automatic reply: out of office " + unique("o");
        String listSubject = "Weekly digest " + unique("l");
        CustomerMail outOfOffice = CustomerMail.from("Ann Customer", ANN).subject(oooSubject)
                .header("Auto-Submitted", "auto-replied").text("I am out of the office until Monday.");
        CustomerMail listMail = CustomerMail.from("Lists", LIST).subject(listSubject)
                .header("List-Id", "<digest.lists.customer.test>").text("This week on the list.");
        send(outOfOffice);
        send(listMail);

        ReceivedRequest list = awaitDeskMessage(listMail.messageId());
        Poll.until(Duration.ofSeconds(10), "the reason is in the timeline",
                () -> !timeline(list.conversationId()).isEmpty());
        awaitQuiet(desk, Duration.ofSeconds(3));
        assertThat(deskRequests()).as("the auto-reply is noise, not a message")
                .noneMatch(r -> outOfOffice.messageId().equals(r.channelMessageId()));
        assertThat(mailsAbout(ANN, oooSubject)).as("no answer to the auto-reply").isEmpty();
        assertThat(mailsAbout(LIST, listSubject)).as("no answer to the list").isEmpty();
        assertThat(timeline(list.conversationId())).singleElement().asString()
                .contains("mailing-list mail (").contains("List-Id");
    }
}
