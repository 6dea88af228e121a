package dev.omnibridge.connector.email;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.OutboundMessage;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static dev.omnibridge.connector.email.EmailConnectorTest.await;
import static dev.omnibridge.connector.email.MailboxFixture.SUPPORT;
import static dev.omnibridge.connector.email.MailboxFixture.awaitMailsTo;
import static dev.omnibridge.connector.email.MailboxFixture.mailsTo;
import static dev.omnibridge.connector.email.MailboxFixture.messageId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A customer may answer any mail the hub sent, the acknowledgement included, and change the subject while doing
 * so: the Message-ID it answers must lead back to its conversation, after a restart too, and only for that
 * conversation's customer.
 */
class ReplyToHubMailTest {
    private static final String ANN = "ann@customer.test";
    private static final String BOB = "bob@other.test";

    @RegisterExtension
    static final GreenMailExtension MAIL = MailboxFixture.greenMail();

    @RegisterExtension
    final MailboxFixture mailbox = new MailboxFixture(MAIL, ANN, BOB).withSetting("acknowledge", "true");

    @Test
    void aReplyToTheAcknowledgementWithANewSubjectJoinsItsConversationAndIsNotAcknowledgedAgain()
            throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Printer on fire", "It is on fire.", "p1@customer.test"));
        String token = mailbox.awaitMessages(1).get(0).threadKey();
        MimeMessage ack = awaitMailsTo(MAIL, ANN, 1).get(0);

        mailbox.deliver(Mails.reply(ANN, SUPPORT, "Also: the scanner", "And the scanner is smoking.",
                "p2@customer.test", messageId(ack)));

        Message reply = mailbox.awaitMessages(2).get(1);
        assertThat(reply.threadKey()).as("the acknowledgement's conversation").isEqualTo(token);
        // Bob's later mail is acknowledged: had Ann's reply been acknowledged, that would be in by now.
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Invoice", "Wrong amount.", "b1@other.test"));
        awaitMailsTo(MAIL, BOB, 1);
        assertThat(mailsTo(MAIL, ANN)).as("Ann has one acknowledgement").hasSize(1);
    }

    @Test
    void aReplyToTheAcknowledgementThreadsAfterARestart() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Refund", "Please refund.", "r1@customer.test"));
        String token = mailbox.awaitMessages(1).get(0).threadKey();
        MimeMessage ack = awaitMailsTo(MAIL, ANN, 1).get(0);

        mailbox.restart();
        mailbox.deliver(Mails.reply(ANN, SUPPORT, "My bank details", "IBAN follows.", "r2@customer.test",
                messageId(ack)));

        assertThat(mailbox.awaitMessages(2).get(1).threadKey()).isEqualTo(token);
    }

    @Test
    void aReplyToAnAgentsMailWithANewSubjectJoinsItsConversationAfterARestart() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Order 7", "Where is it?", "o1@customer.test"));
        Message first = mailbox.awaitMessages(1).get(0);
        Conversation conversation = mailbox.ctx().findConversation(first.threadKey()).orElseThrow();
        Message agent = Message.builder().id("hub-msg-7").direction(Direction.OUTBOUND).channel(first.channel())
                .channelMessageId("desk:desk:r7").threadKey(first.threadKey()).conversationId(conversation.id())
                .author(Author.agent("Alice")).text("It ships today.").build();
        String sentId = mailbox.connector().send(new OutboundMessage(agent, conversation, "key-7"));
        mailbox.ctx().recordSent(sentId, agent);   // as the hub records the id send returned
        MimeMessage sent = awaitMailsTo(MAIL, ANN, 1).get(0);

        mailbox.restart();
        mailbox.deliver(Mails.reply(ANN, SUPPORT, "Another order", "And order 8?", "o2@customer.test",
                messageId(sent)));

        assertThat(mailbox.awaitMessages(2).get(1).threadKey()).isEqualTo(first.threadKey());
    }

    @Test
    void aReplyToAnAgentsMailThreadsEvenWhenTheHubHasNoRecordOfItsMessageId() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Order 9", "Where is it?", "n1@customer.test"));
        Message first = mailbox.awaitMessages(1).get(0);
        Conversation conversation = mailbox.ctx().findConversation(first.threadKey()).orElseThrow();
        Message agent = Message.builder().id("hub-msg-9").direction(Direction.OUTBOUND).channel(first.channel())
                .channelMessageId("desk:desk:r9").threadKey(first.threadKey()).conversationId(conversation.id())
                .author(Author.agent("Alice")).text("It ships today.").build();
        // Sent, but the hub went down before it recorded the returned id (the delivery is then sent again).
        mailbox.connector().send(new OutboundMessage(agent, conversation, "key-9"));
        MimeMessage sent = awaitMailsTo(MAIL, ANN, 1).get(0);

        mailbox.deliver(Mails.reply(ANN, SUPPORT, "Different subject", "Thanks", "n2@customer.test", messageId(sent)));

        assertThat(mailbox.awaitMessages(2).get(1).threadKey()).isEqualTo(first.threadKey());
    }

    @Test
    void anAnswerToAHandedOffReplyUnderANewSubjectKeepsItsThreadAndIsNotAcknowledged() throws Exception {
        mailbox.start();
        // The hub handed a chat reply to this mailbox under token CHATAB23 (no mail conversation has it yet); Ann
        // answers it under a subject of her own, so only its Message-ID links the two.
        mailbox.deliver(Mails.reply(ANN, SUPPORT, "Question about my order", "Thanks, one more thing.",
                "h1@customer.test", "ob.0190c6a2-7d1e-7abc-8def-0123456789ab.CHATAB23@acme.test"));
        // A new request afterwards is acknowledged: once its acknowledgement is in, one for Ann's would be.
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Invoice", "Wrong amount.", "b1@other.test"));

        assertThat(mailbox.awaitMessages(2).get(0).threadKey()).isEqualTo("CHATAB23");
        awaitMailsTo(MAIL, BOB, 1);
        assertThat(mailsTo(MAIL, ANN)).as("Ann is answering, not opening a request").isEmpty();
    }

    @Test
    void anotherSenderAnsweringTheAcknowledgementStartsAConversationOfTheirOwn() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Account", "Locked out.", "a1@customer.test"));
        String token = mailbox.awaitMessages(1).get(0).threadKey();
        MimeMessage ack = awaitMailsTo(MAIL, ANN, 1).get(0);

        // Bob got hold of Ann's acknowledgement (forwarded, or its Message-ID forged) and answers it.
        mailbox.deliver(Mails.reply(BOB, SUPPORT, "Re: We received your message", "Let me in too.", "x1@other.test",
                messageId(ack)));
        // A forged Message-ID in the hub's form naming Ann's conversation does not help either.
        mailbox.deliver(Mails.reply(BOB, SUPPORT, "Hello", "Me again.", "x2@other.test",
                "ack." + token + ".000000000000@acme.test"));

        List<Message> all = mailbox.awaitMessages(3);
        assertThat(all.get(1).threadKey()).isNotEqualTo(token);
        assertThat(all.get(2).threadKey()).isNotEqualTo(token);
        assertThat(mailbox.ctx().findConversation(token).orElseThrow().customer().value()).isEqualTo(ANN);
    }

}
