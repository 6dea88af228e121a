package dev.omnibridge.connector.email;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.spi.Skipped;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static dev.omnibridge.connector.email.EmailConnectorTest.await;
import static dev.omnibridge.connector.email.MailboxFixture.SUPPORT;
import static dev.omnibridge.connector.email.MailboxFixture.awaitMailsTo;
import static dev.omnibridge.connector.email.MailboxFixture.mailsTo;
import static dev.omnibridge.connector.email.MailboxFixture.messageId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Noise is never stored as a message, but when it answers a conversation (an out-of-office reply to the
 * acknowledgement, a bounce of it) the skipped record names that conversation's thread key, so the hub can show in
 * the conversation why nothing was acknowledged. It is tied the way a customer's mail is threaded, never to another
 * customer's conversation, and never to a new one.
 */
class NoiseInItsConversationTest {
    private static final String ANN = "ann@customer.test";
    private static final String BOB = "bob@other.test";

    @RegisterExtension
    static final GreenMailExtension MAIL = MailboxFixture.greenMail();

    @RegisterExtension
    final MailboxFixture mailbox = new MailboxFixture(MAIL, ANN, BOB).withSetting("acknowledge", "true");

    @Test
    void anOutOfOfficeReplyToTheAcknowledgementNamesItsConversationAndIsNotAcknowledged() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Printer on fire", "It is on fire.", "p1@customer.test"));
        String token = mailbox.awaitMessages(1).get(0).threadKey();
        MimeMessage ack = awaitMailsTo(MAIL, ANN, 1).get(0);

        mailbox.deliver(Mails.withHeader(Mails.reply(ANN, SUPPORT, "Automatic reply: " + ack.getSubject(),
                "I am out of the office until Monday.", "oof1@customer.test", messageId(ack)),
                "Auto-Submitted", "auto-replied"));

        Skipped skipped = awaitSkipped("oof1@customer.test");
        assertThat(skipped.disposition()).isEqualTo(Skipped.Disposition.IGNORED);
        assertThat(skipped.reason()).isEqualTo("Auto-Submitted: auto-replied");
        assertThat(skipped.threadKey()).isEqualTo(token);
        // Bob's later mail is acknowledged: had the auto-reply been acknowledged, that would be in by now.
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Invoice", "Wrong amount.", "b1@other.test"));
        awaitMailsTo(MAIL, BOB, 1);
        assertThat(mailsTo(MAIL, ANN)).as("one acknowledgement, none for the auto-reply").hasSize(1);
        assertThat(mailbox.ctx().messages()).hasSize(2);
    }

    @Test
    void aBounceOfTheAcknowledgementNamesItsConversationByTheReturnedMessageId() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Refund", "Please refund.", "r1@customer.test"));
        String token = mailbox.awaitMessages(1).get(0).threadKey();
        MimeMessage ack = awaitMailsTo(MAIL, ANN, 1).get(0);

        mailbox.deliver(dsn("bounce1@mx.customer.test", messageId(ack)));

        Skipped skipped = awaitSkipped("bounce1@mx.customer.test");
        assertThat(skipped.reason()).isEqualTo("delivery status notification");
        assertThat(skipped.threadKey()).as("found by the Message-ID the hub sent, not by the daemon's address")
                .isEqualTo(token);
    }

    @Test
    void aBounceOfMailTheHubNeverSentNamesNoConversation() throws Exception {
        mailbox.start();
        mailbox.deliver(dsn("bounce2@mx.customer.test", "someone-else@customer.test"));

        assertThat(awaitSkipped("bounce2@mx.customer.test").threadKey()).isNull();
    }

    @Test
    void anAutoReplyFromAnotherSenderOrAnsweringNothingNamesNoConversation() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Account", "Locked out.", "a1@customer.test"));
        String token = mailbox.awaitMessages(1).get(0).threadKey();
        MimeMessage ack = awaitMailsTo(MAIL, ANN, 1).get(0);

        // Bob's auto-responder answers Ann's acknowledgement (forwarded to him): never shown in Ann's conversation.
        mailbox.deliver(Mails.withHeader(Mails.reply(BOB, SUPPORT, "Out of office: " + ack.getSubject(), "Away.",
                "oof2@other.test", messageId(ack)), "Auto-Submitted", "auto-replied"));
        // Ann's auto-responder writing out of the blue names no conversation either, and opens none.
        mailbox.deliver(Mails.withHeader(Mails.plain(ANN, "Ann", SUPPORT, "Out of office", "Away.",
                "oof3@customer.test"), "Auto-Submitted", "auto-replied"));

        assertThat(awaitSkipped("oof2@other.test").threadKey()).isNull();
        assertThat(awaitSkipped("oof3@customer.test").threadKey()).isNull();
        assertThat(mailbox.ctx().messages()).singleElement().extracting(m -> m.threadKey()).isEqualTo(token);
    }

    /** A delivery status notification (RFC 3464) as Postfix sends it, returning the header of the failed mail. */
    private static MimeMessage dsn(String messageId, String returnedMessageId) throws Exception {
        String raw = "From: MAILER-DAEMON@mx.customer.test (Mail Delivery System)\r\n"
                + "To: " + SUPPORT + "\r\n"
                + "Subject: Undelivered Mail Returned to Sender\r\n"
                + "Message-ID: <" + messageId + ">\r\n"
                + "Auto-Submitted: auto-replied\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "I'm sorry to have to inform you that your message could not be delivered.\r\n\r\n"
                + "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
                + "Reporting-MTA: dns; mx.customer.test\r\n\r\n"
                + "Final-Recipient: rfc822; ann@customer.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
                + "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
                + "From: Acme Support <" + SUPPORT + ">\r\n"
                + "To: ann@customer.test\r\n"
                + "Subject: We received your message\r\n"
                + "Message-ID:\r\n <" + returnedMessageId + ">\r\n"
                + "\r\n--b1--\r\n";
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    }

    private Skipped awaitSkipped(String sourceId) {
        await(() -> mailbox.ctx().skipped().stream().anyMatch(s -> s.sourceId().equals(sourceId)),
                "skipped " + sourceId);
        return mailbox.ctx().skipped().stream().filter(s -> s.sourceId().equals(sourceId)).findFirst()
                .orElseThrow();
    }

}
