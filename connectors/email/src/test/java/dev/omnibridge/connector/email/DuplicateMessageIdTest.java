package dev.omnibridge.connector.email;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.Skipped;
import dev.omnibridge.testkit.FakeConnectorContext;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static dev.omnibridge.connector.email.EmailConnectorTest.await;
import static dev.omnibridge.connector.email.MailboxFixture.SUPPORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Message-ID is only the sender's claim: two different mails may carry the same one (a broken mailer, a forged
 * header). The same mail found again (a copy in the mailbox, a re-read) is stored once; a different mail with a
 * Message-ID already taken is imported as its own message; nothing is dropped without a record.
 */
class DuplicateMessageIdTest {
    private static final String ANN = "ann@customer.test";
    private static final String BOB = "bob@other.test";

    @RegisterExtension
    static final GreenMailExtension MAIL = MailboxFixture.greenMail();

    @RegisterExtension
    final MailboxFixture mailbox = new MailboxFixture(MAIL);

    @Test
    void aDifferentMailFromAnotherSenderReusingAMessageIdIsImportedInItsOwnConversation() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Printer on fire", "It is on fire.", "same@id.test"));
        mailbox.awaitMessages(1);
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Invoice 7", "Wrong amount.", "same@id.test"));

        List<Message> all = mailbox.awaitMessages(2);
        Message ann = all.get(0);
        Message bob = all.get(1);
        assertThat(ann.channelMessageId()).as("the first mail keeps its Message-ID").isEqualTo("same@id.test");
        assertThat(bob.author().address()).isEqualTo(Address.email(BOB));
        assertThat(bob.text()).isEqualTo("Wrong amount.");
        assertThat(bob.channelMessageId()).startsWith("same@id.test#").isNotEqualTo(ann.channelMessageId());
        assertThat(bob.metadata().get("email.messageId")).as("the mail's real Message-ID").isEqualTo("same@id.test");
        assertThat(bob.threadKey()).as("its own conversation").isNotEqualTo(ann.threadKey());
        assertThat(mailbox.ctx().skipped()).isEmpty();
    }

    @Test
    void aDifferentMailFromTheSameSenderReusingAMessageIdIsImportedToo() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "First", "one", "constant@mailer.test"));
        mailbox.awaitMessages(1);
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Second", "two", "constant@mailer.test"));
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Third", "three", "constant@mailer.test"));

        List<Message> all = mailbox.awaitMessages(3);
        assertThat(all).extracting(Message::text).containsExactly("one", "two", "three");
        assertThat(all).extracting(Message::channelMessageId).doesNotHaveDuplicates();
    }

    @Test
    void aCopyOfTheSameMailInTheMailboxIsStoredOnceAndRecordedAsACopy() throws Exception {
        mailbox.start();
        MimeMessage mail = Mails.plain(ANN, "Ann", SUPPORT, "Twice", "Delivered twice.", "copy@customer.test");
        mailbox.deliver(mail);
        mailbox.deliver(mail);
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "After", "later", "after@customer.test"));

        mailbox.awaitMessages(2);
        await(() -> mailbox.ctx().offsets().getOrDefault("imap:INBOX", "").endsWith(":3"), "all three mails read");
        assertThat(mailbox.ctx().messages()).extracting(Message::channelMessageId)
                .containsExactly("copy@customer.test", "after@customer.test");
        assertThat(mailbox.ctx().skipped()).singleElement().satisfies(s -> {
            assertThat(s.disposition()).isEqualTo(Skipped.Disposition.IGNORED);
            assertThat(s.sourceId()).isEqualTo("copy@customer.test#copy");
            assertThat(s.reason()).startsWith("copy of a mail already stored").contains("imap:INBOX:")
                    .doesNotContain(ANN).doesNotContain("Twice");
            assertThat(s.original()).isNotNull();
        });
    }

    @Test
    void aMailReadAgainAfterItsPositionWasLostIsStoredOnceAndRecordedOnce() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Once", "only once", "reread@customer.test"));
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Reuse", "other mail, same id", "reread@customer.test"));
        mailbox.awaitMessages(2);

        for (int round = 0; round < 2; round++) {
            // As after a crash that lost the folder position: the same mails, at the same UIDs, are read again.
            mailbox.stopConnector();
            String position = mailbox.ctx().offsets().get("imap:INBOX");
            mailbox.ctx().submit(Inbound.none()
                    .withOffsets(Map.of("imap:INBOX", position.replaceAll(":\\d+$", ":0"))));
            mailbox.restart();   // a restarted context has no submissions yet
            await(() -> mailbox.ctx().submissions().size() >= 2, "both mails read again");
        }

        assertThat(mailbox.ctx().messages()).extracting(Message::text)
                .containsExactly("only once", "other mail, same id");
        assertThat(mailbox.ctx().skipped()).as("one record per stored mail, however often it is read again")
                .extracting(Skipped::sourceId).containsExactlyInAnyOrder("reread@customer.test#copy",
                        mailbox.ctx().messages().get(1).channelMessageId() + "#copy");
    }

    @Test
    void aMailStoredBeforeDigestsExistedIsNotImportedAgain() throws Exception {
        MimeMessage mail = Mails.plain(ANN, "Ann", SUPPORT, "Old", "stored by an older version", "old@customer.test");
        FakeConnectorContext stored = mailbox.newContext(Map.of());
        // What the connector stored before this version: Message-ID as channel id, no digest, another original
        // (the copy the old version read may differ in its transport headers).
        stored.submit(Inbound.messages(List.of(Message.builder().direction(Direction.INBOUND)
                .channel(new ChannelRef(EmailType.NAME, "mail")).channelMessageId("old@customer.test")
                .threadKey("OLDTOKEN").author(Author.customer("Ann", Address.email(ANN)))
                .text("stored by an older version").channelTimestamp(mail.getSentDate().toInstant())
                .metadata(Map.of("email.messageId", "old@customer.test", "email.original",
                        "attachment:" + "0".repeat(64))).build())));
        mailbox.start(stored);

        mailbox.deliver(mail);   // e.g. read again in a rescan after the server changed UIDVALIDITY
        await(() -> mailbox.ctx().offsets().containsKey("imap:INBOX"), "the mail read");

        assertThat(mailbox.ctx().messages()).singleElement().extracting(Message::threadKey).isEqualTo("OLDTOKEN");
    }

    @Test
    void aReplyToTheSecondMailThreadsIntoItsSendersConversationAndTheAgentAnswersItsRealMessageId()
            throws Exception {
        MAIL.setUser(BOB, "bob", "bob-pw");
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Printer", "Broken.", "dup@id.test"));
        mailbox.awaitMessages(1);
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Invoice", "Wrong.", "dup@id.test"));
        Message bob = mailbox.awaitMessages(2).get(1);

        // Bob follows up on his own mail: his client puts its Message-ID in In-Reply-To.
        mailbox.deliver(Mails.reply(BOB, SUPPORT, "Re: Invoice", "Any news?", "bob-2@other.test", "dup@id.test"));
        Message followUp = mailbox.awaitMessages(3).get(2);
        assertThat(followUp.threadKey()).isEqualTo(bob.threadKey());
        assertThat(followUp.replyTo()).isEqualTo(bob.channelMessageId());

        Conversation conversation = mailbox.ctx().findConversation(bob.threadKey()).orElseThrow();
        Message reply = Message.builder().id("hub-reply-1").direction(Direction.OUTBOUND).channel(bob.channel())
                .channelMessageId("desk:desk:r1").threadKey(bob.threadKey()).conversationId(conversation.id())
                .author(Author.agent("Alice")).text("Fixed.").build();
        mailbox.connector().send(new OutboundMessage(reply, conversation, "key-1"));

        await(() -> MAIL.getReceivedMessagesForDomain("other.test").length >= 1, "the reply to Bob");
        MimeMessage got = MAIL.getReceivedMessagesForDomain("other.test")[0];
        assertThat(got.getHeader("In-Reply-To")[0]).isEqualTo("<bob-2@other.test>");
        assertThat(got.getHeader("References")[0]).isEqualTo("<dup@id.test> <bob-2@other.test>");
    }

    @Test
    void aCustomerMailReusingAMessageIdTheHubSentIsImported() throws Exception {
        mailbox.start();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Order", "Where is it?", "o1@customer.test"));
        Message first = mailbox.awaitMessages(1).get(0);
        Conversation conversation = mailbox.ctx().findConversation(first.threadKey()).orElseThrow();
        Message agent = Message.builder().id("hub-msg-1").direction(Direction.OUTBOUND).channel(first.channel())
                .channelMessageId("desk:desk:r1").threadKey(first.threadKey()).conversationId(conversation.id())
                .author(Author.agent("Alice")).text("It ships today.").build();
        String sentId = mailbox.connector().send(new OutboundMessage(agent, conversation, "key-1"));
        mailbox.ctx().recordSent(sentId, agent);

        // A mailer that copies the Message-ID of the mail it answers (seen in the wild) instead of making its own.
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Quote", "Please send a quote.", sentId));

        Message bob = mailbox.awaitMessages(2).get(1);
        assertThat(bob.text()).isEqualTo("Please send a quote.");
        assertThat(bob.channelMessageId()).startsWith(sentId + "#");
    }

    @Test
    void aMessageIdTooLongForTheHubsKeyIsShortenedAndRepliesStillFindItsMail() throws Exception {
        mailbox.start();
        String longId = "x".repeat(600) + "@customer.test";   // legal (one line holds 998), the hub's key holds 500
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Long", "A long Message-ID.", longId));
        Message first = mailbox.awaitMessages(1).get(0);
        mailbox.deliver(Mails.reply(ANN, SUPPORT, "New subject", "Follow-up.", "long-2@customer.test", longId));

        Message followUp = mailbox.awaitMessages(2).get(1);
        assertThat(first.channelMessageId()).hasSizeLessThanOrEqualTo(400).startsWith("xxx");
        assertThat(first.metadata().get("email.messageId")).isEqualTo(longId);
        assertThat(followUp.threadKey()).isEqualTo(first.threadKey());
        assertThat(followUp.replyTo()).isEqualTo(first.channelMessageId());
    }
}
