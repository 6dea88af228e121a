package dev.omnibridge.connector.email;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.Skipped;
import dev.omnibridge.testkit.FakeConnectorContext;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

import static dev.omnibridge.connector.email.MailboxFixture.SUPPORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connector against GreenMail as a real IMAP and SMTP server, with the hub's side in memory. */
class EmailConnectorTest {
    private static final String ANN = "ann@customer.test";
    private static final String BOB = "bob@customer.test";

    @RegisterExtension
    static final GreenMailExtension MAIL = MailboxFixture.greenMail();

    @RegisterExtension
    final MailboxFixture mailbox = new MailboxFixture(MAIL, ANN, BOB)
            .withSetting("fromName", "{agent} (Acme Support)");

    @Test
    void newMailBecomesAMessageInANewConversationAndIsFlaggedAfterStoring() throws Exception {
        mailbox.start(Map.of());
        mailbox.deliver(Mails.plain(ANN, "Ann Example", SUPPORT, "Printer on fire", "It is on fire.",
                "m1@customer.test"));

        Message m = mailbox.awaitMessages(1).get(0);
        assertThat(m.channelMessageId()).isEqualTo("m1@customer.test");
        assertThat(m.author().address().value()).isEqualTo(ANN);
        assertThat(m.author().displayName()).isEqualTo("Ann Example");
        assertThat(m.subject()).isEqualTo("Printer on fire");
        assertThat(m.text()).isEqualTo("It is on fire.");
        assertThat(m.threadKey()).matches("[A-Z2-7]{8}");
        assertThat(m.metadata().get("email.original")).startsWith("attachment:");
        assertThat(mailbox.ctx().offsets().get("imap:INBOX")).matches("\\d+:1");
        await(() -> flags("INBOX").get(0).contains("$Omnibridge"), "flagged $Omnibridge");
        assertThat(flags("INBOX").get(0).contains(Flags.Flag.SEEN)).as("not marked read").isFalse();
    }

    @Test
    void idleDeliversANewMailWithinSecondsEvenWithALongPollInterval() throws Exception {
        mailbox.start(Map.of("pollInterval", "10m"));
        awaitQuietImapLogin();

        long t0 = System.nanoTime();
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Quick", "Fast please", "idle-1@customer.test"));
        mailbox.awaitMessages(1);

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void stoppingEndsTheIdleWaitAtOnceThoughAnInterruptCannot() throws Exception {
        mailbox.start(Map.of("pollInterval", "10m"));
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "First", "one", "idle-stop-1@customer.test"));
        mailbox.awaitMessages(1);
        awaitQuietImapLogin();   // back in IDLE, for up to ten minutes

        long t0 = System.nanoTime();
        mailbox.stopConnector();

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the source's wakeup ended the IDLE")
                .isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void restartImportsNothingTwiceAndPicksUpNewMail() throws Exception {
        mailbox.start(Map.of());
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "One", "first", "r1@customer.test"));
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Two", "second", "r2@customer.test"));
        mailbox.awaitMessages(2);

        mailbox.restart(Map.of());
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Three", "third", "r3@customer.test"));

        mailbox.awaitMessages(3);
        assertThat(mailbox.ctx().submissions()).as("after the restart, only the new mail was handed in").hasSize(1);
        assertThat(mailbox.ctx().messages()).extracting(Message::channelMessageId)
                .containsExactly("r1@customer.test", "r2@customer.test", "r3@customer.test");
    }

    @Test
    void aMailStoredButNotYetMarkedBeforeACrashIsMarkedAndNotImportedAgain() throws Exception {
        mailbox.start(Map.of());
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "One", "first", "c1@customer.test"));
        mailbox.awaitMessages(1);
        mailbox.stopConnector();
        clearFlag("INBOX", "$Omnibridge");   // as if the hub crashed between the commit and the flag

        mailbox.restart(Map.of());

        await(() -> flags("INBOX").get(0).contains("$Omnibridge"), "re-flagged");
        assertThat(mailbox.ctx().messages()).hasSize(1);
    }

    @Test
    void aFailedStoreLeavesTheMailUnmarkedAndItIsImportedOnTheNextTry() throws Exception {
        FakeConnectorContext failing = mailbox.newContext(Map.of());
        failing.failNextSubmit(new IllegalStateException("store down"));
        mailbox.start(failing);
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Retry", "again", "f1@customer.test"));

        mailbox.awaitMessages(1);
        assertThat(mailbox.ctx().problems()).anySatisfy(p -> assertThat(p).contains("store down"));
        assertThat(mailbox.ctx().messages()).hasSize(1);
    }

    @Test
    void whenUidValidityChangesMailIsRescannedAndDedupedByMessageId() throws Exception {
        mailbox.start(Map.of());
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "One", "first", "u1@customer.test"));
        mailbox.awaitMessages(1);
        mailbox.stopConnector();
        // A different UIDVALIDITY with a high UID: the stored position no longer means anything.
        mailbox.ctx().submit(dev.omnibridge.spi.Inbound.none().withOffsets(Map.of("imap:INBOX", "1:999")));

        mailbox.restart(Map.of());
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Two", "second", "u2@customer.test"));

        mailbox.awaitMessages(2);
        assertThat(mailbox.ctx().messages()).extracting(Message::channelMessageId)
                .containsExactly("u1@customer.test", "u2@customer.test");
        assertThat(mailbox.ctx().offsets().get("imap:INBOX")).doesNotStartWith("1:");
    }

    @Test
    void moveDoneActionMovesStoredMailToTheDoneFolder() throws Exception {
        mailbox.start(Map.of("doneAction", "move", "doneFolder", "Imported"));
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Move me", "text", "mv1@customer.test"));

        mailbox.awaitMessages(1);
        await(() -> count("Imported") == 1 && count("INBOX") == 0, "moved to Imported");
    }

    @Test
    void repliesThreadByReferencesOrTokenButNeverAcrossSenders() throws Exception {
        mailbox.start(Map.of());
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Order 1", "Where is it?", "t1@customer.test"));
        String token = mailbox.awaitMessages(1).get(0).threadKey();

        mailbox.deliver(Mails.reply(ANN, SUPPORT, "Re: Order 1", "Any news?", "t2@customer.test",
                "t1@customer.test"));
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Still Order 1 [#" + token + "]", "No headers",
                "t3@customer.test"));
        mailbox.deliver(Mails.reply(BOB, SUPPORT, "Re: Order 1 [#" + token + "]", "Bob here", "t4@customer.test",
                "t1@customer.test"));
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Another thing", "New topic", "t5@customer.test"));

        List<Message> all = mailbox.awaitMessages(5);
        assertThat(all.get(1).threadKey()).as("reply by In-Reply-To").isEqualTo(token);
        assertThat(all.get(1).replyTo()).isEqualTo("t1@customer.test");
        assertThat(all.get(2).threadKey()).as("token in subject").isEqualTo(token);
        assertThat(all.get(3).threadKey()).as("another sender").isNotEqualTo(token);
        assertThat(all.get(4).threadKey()).as("new subject, no link").isNotEqualTo(token);
    }

    @Test
    void aReplyToAStoppedInstanceIsRetryableNotRunning() throws Exception {
        mailbox.start(Map.of());
        EmailConnector stopped = mailbox.connector();
        mailbox.stopConnector();
        Message reply = Message.builder().id("hub-msg-stopped").direction(Direction.OUTBOUND)
                .channel(new ChannelRef("email", "mail")).channelMessageId("desk:desk:stopped").threadKey("ABCDEFGH").author(Author.agent("Alice"))
                .text("Refund approved.").build();

        assertThatThrownBy(() -> stopped.send(new OutboundMessage(reply, null, "key-stopped")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).as("sent again once the instance runs").isTrue();
                    assertThat(e).hasMessage("instance is not running");
                });
    }

    @Test
    void agentReplyReachesTheCustomerThreadedAndItsAnswerJoinsTheConversation() throws Exception {
        mailbox.start(Map.of());
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Refund", "I want a refund", "a1@customer.test"));
        Message first = mailbox.awaitMessages(1).get(0);
        Conversation conversation = mailbox.ctx().findConversation(first.threadKey()).orElseThrow();
        Message reply = Message.builder().id("hub-msg-1").direction(Direction.OUTBOUND).channel(first.channel())
                .channelMessageId("desk:desk:r1").threadKey(first.threadKey()).conversationId(conversation.id())
                .author(Author.agent("Alice")).text("Refund approved.\nRegards").build();

        String sentId = mailbox.connector().send(new OutboundMessage(reply, conversation, "key-1"));
        mailbox.ctx().recordSent(sentId, reply);

        MimeMessage got = awaitInbox(ANN, 1).get(0);
        assertThat(got.getMessageID()).isEqualTo("<" + sentId + ">");
        assertThat(got.getSubject()).isEqualTo("Re: Refund [#" + first.threadKey() + "]");
        assertThat(got.getHeader("In-Reply-To")[0]).isEqualTo("<a1@customer.test>");
        assertThat(got.getHeader("References")[0]).contains("<a1@customer.test>");
        assertThat(got.getFrom()[0].toString()).contains("Alice (Acme Support)").contains(SUPPORT);
        MimeMultipart body = (MimeMultipart) got.getContent();
        assertThat(body.getContentType()).startsWith("multipart/alternative");
        assertThat(body.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(body.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) body.getBodyPart(1).getContent()).contains("Refund approved.<br>");

        mailbox.deliver(Mails.reply(ANN, SUPPORT, "Re: Refund", "Thanks!", "a2@customer.test", sentId));
        assertThat(mailbox.awaitMessages(2).get(1).threadKey()).isEqualTo(first.threadKey());
    }

    @Test
    void anAnswerToAHandedOffReplyKeepsItsTokenAndIsNotAcknowledged() throws Exception {
        mailbox.start(Map.of("acknowledge", "true"));
        // The hub handed a chat reply to this mailbox under token CHATAB23; no mail conversation has it yet.
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Re: Your request [#CHATAB23]", "Thanks!",
                "h1@customer.test"));
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Re: Your request [#CHATAB23]", "One more",
                "h2@customer.test"));

        // A new request afterwards is acknowledged: once its acknowledgement is in, any for the two above would be.
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Something else", "New topic", "h3@customer.test"));

        List<Message> all = mailbox.awaitMessages(3);
        assertThat(all.subList(0, 2)).extracting(Message::threadKey).containsOnly("CHATAB23");
        List<MimeMessage> acks = awaitInbox(ANN, 1);
        assertThat(acks).as("only the new request is acknowledged").hasSize(1);
        assertThat(acks.get(0).getSubject()).contains("[#" + all.get(2).threadKey() + "]");
    }

    @Test
    void acknowledgementGoesOutOnceForANewConversationAndIsMarkedAutoSubmitted() throws Exception {
        mailbox.start(Map.of("acknowledge", "true"));
        mailbox.deliver(Mails.plain(ANN, "Ann Example", SUPPORT, "Help", "Please", "k1@customer.test"));
        String token = mailbox.awaitMessages(1).get(0).threadKey();
        mailbox.deliver(Mails.reply(ANN, SUPPORT, "Re: Help", "More", "k2@customer.test", "k1@customer.test"));
        mailbox.awaitMessages(2);

        MimeMessage ack = awaitInbox(ANN, 1).get(0);
        assertThat(ack.getSubject()).isEqualTo("We received your message [#" + token + "]");
        assertThat(ack.getHeader("Auto-Submitted")[0]).isEqualTo("auto-replied");
        assertThat(ack.getHeader("In-Reply-To")[0]).isEqualTo("<k1@customer.test>");
        assertThat(textOf(ack)).contains("Hello Ann Example,").contains("Your reference is " + token);
        // The mailbox imports and acknowledges in UID order on one thread: once a later mail's acknowledgement is in,
        // one for Ann's reply would be in too.
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Other", "Other question", "k3@customer.test"));
        assertThat(awaitInbox(BOB, 2)).extracting(m -> ((InternetAddress) m.getAllRecipients()[0]).getAddress())
                .as("one acknowledgement each for Ann's new conversation and Bob's, none for Ann's reply")
                .containsExactlyInAnyOrder(ANN, BOB);
    }

    @Test
    void acknowledgementFromNameDropsTheAgentPlaceholderAndItsBrackets() throws Exception {
        mailbox.start(Map.of("acknowledge", "true"));   // fromName "{agent} (Acme Support)", as in the guide
        mailbox.deliver(Mails.plain(ANN, "Ann Example", SUPPORT, "Help", "Please", "n1@customer.test"));

        MimeMessage ack = awaitInbox(ANN, 1).get(0);
        InternetAddress from = (InternetAddress) ack.getFrom()[0];
        assertThat(from.getPersonal()).isEqualTo("Acme Support");
        assertThat(from.getAddress()).isEqualTo(SUPPORT);
    }

    @Test
    void autoRepliesAndBouncesAreRecordedButOpenNoConversation() throws Exception {
        mailbox.start(Map.of());
        mailbox.deliver(Mails.withHeader(
                Mails.plain(ANN, "Ann", SUPPORT, "Out of office", "Away", "oof@customer.test"),
                "Auto-Submitted", "auto-replied"));
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Real", "Real question", "real@customer.test"));

        mailbox.awaitMessages(1);
        assertThat(mailbox.ctx().messages()).extracting(Message::channelMessageId)
                .containsExactly("real@customer.test");
        assertThat(mailbox.ctx().skipped()).singleElement().satisfies(s -> {
            assertThat(s.sourceId()).isEqualTo("oof@customer.test");
            assertThat(s.disposition()).isEqualTo(Skipped.Disposition.IGNORED);
            assertThat(s.original()).isNotNull();
        });
    }

    @Test
    void anOutOfOfficeReplyKnownOnlyByItsSubjectIsRecordedAndNotAcknowledged() throws Exception {
        mailbox.start(Map.of("acknowledge", "true"));
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Abwesenheitsnotiz: We received your message [#K7QX2M]",
                "Ich bin bis Montag nicht im Büro.", "oof-de@customer.test"));
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Real", "Real question", "real@customer.test"));

        mailbox.awaitMessages(1);
        awaitInbox(BOB, 1);
        // Ann's mail came first, and the mailbox imports and acknowledges in UID order on one thread: had it been
        // acknowledged, that acknowledgement would already be in.
        assertThat(mailbox.ctx().messages()).extracting(Message::channelMessageId)
                .containsExactly("real@customer.test");
        assertThat(mailbox.ctx().skipped()).singleElement().satisfies(s -> {
            assertThat(s.sourceId()).isEqualTo("oof-de@customer.test");
            assertThat(s.disposition()).isEqualTo(Skipped.Disposition.IGNORED);
            assertThat(s.reason()).isEqualTo("out-of-office subject");
        });
        assertThat(MAIL.getReceivedMessagesForDomain("customer.test")).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "List-Id|Printer users <printers.lists.example.org>",
            "List-Unsubscribe|<mailto:leave@lists.example.org>, <https://lists.example.org/leave>"})
    void mailingListMailIsRecordedAsIgnoredAndNeitherForwardedNorAcknowledged(String header, String value)
            throws Exception {
        mailbox.start(Map.of("acknowledge", "true"));
        mailbox.deliver(Mails.withHeader(Mails.plain(ANN, "Ann", SUPPORT, "[printers] Toner tips", "Shake it",
                "list@customer.test"), header, value));
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Real", "Real question", "real@customer.test"));

        mailbox.awaitMessages(1);
        List<MimeMessage> acks = awaitInbox(BOB, 1);
        // The list mail came first, and the mailbox acknowledges in UID order on one thread: had it been
        // acknowledged, that acknowledgement would already be in.
        assertThat(mailbox.ctx().messages()).extracting(Message::channelMessageId)
                .containsExactly("real@customer.test");
        assertThat(mailbox.ctx().skipped()).singleElement().satisfies(s -> {
            assertThat(s.sourceId()).isEqualTo("list@customer.test");
            assertThat(s.disposition()).isEqualTo(Skipped.Disposition.IGNORED);
            assertThat(s.reason()).startsWith("mailing list (" + header);
            assertThat(s.original()).isNotNull();
        });
        assertThat(MAIL.getReceivedMessagesForDomain("customer.test")).hasSize(1);
        assertThat(((InternetAddress) acks.get(0).getAllRecipients()[0]).getAddress()).isEqualTo(BOB);
    }

    @Test
    void withAcceptMailingListsListMailIsForwardedButNeverAcknowledged() throws Exception {
        mailbox.start(Map.of("acknowledge", "true", "acceptMailingLists", "true"));
        mailbox.deliver(Mails.withHeader(Mails.plain(ANN, "Ann", SUPPORT, "[printers] Toner tips", "Shake it",
                "list@customer.test"), "List-Id", "<printers.lists.example.org>"));
        mailbox.deliver(Mails.plain(BOB, "Bob", SUPPORT, "Real", "Real question", "real@customer.test"));

        List<Message> messages = mailbox.awaitMessages(2);
        awaitInbox(BOB, 1);   // acknowledged in UID order on one thread: one for the list mail would be in already
        assertThat(messages).extracting(Message::channelMessageId)
                .containsExactly("list@customer.test", "real@customer.test");
        assertThat(mailbox.ctx().skipped()).isEmpty();
        assertThat(MAIL.getReceivedMessagesForDomain("customer.test")).as("only Bob is acknowledged").hasSize(1)
                .allSatisfy(m -> assertThat(((InternetAddress) m.getAllRecipients()[0]).getAddress()).isEqualTo(BOB));
        // The hub's own acknowledgements skip it too: the message says why.
        assertThat(messages.get(0).metadata().get(Message.NO_AUTO_REPLY)).startsWith("mailing-list mail (")
                .contains("List-Id");
        assertThat(messages.get(1).metadata()).doesNotContainKey(Message.NO_AUTO_REPLY);
    }

    @Test
    void theHubsAcknowledgementGoesOutAsAnAutoSubmittedReplySignedByTheTeam() throws Exception {
        mailbox.start(Map.of());
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "Refund", "I want a refund", "a9@customer.test"));
        Message first = mailbox.awaitMessages(1).get(0);
        Conversation conversation = mailbox.ctx().findConversation(first.threadKey()).orElseThrow();
        Message ack = Message.builder().id("hub-ack-1").direction(Direction.OUTBOUND).channel(first.channel())
                .channelMessageId("auto-ack:m1").threadKey(first.threadKey()).conversationId(conversation.id())
                .author(new Author(dev.omnibridge.model.Role.BOT, "Omnibridge", null))
                .tags(java.util.Set.of(Message.AUTO_ACK_TAG)).text("Hi Ann, we have your mail.").build();

        mailbox.connector().send(new OutboundMessage(ack, conversation, "key-ack"));

        MimeMessage got = awaitInbox(ANN, 1).get(0);
        assertThat(got.getHeader("Auto-Submitted")[0]).isEqualTo("auto-replied");
        assertThat(got.getHeader("In-Reply-To")[0]).isEqualTo("<a9@customer.test>");
        assertThat(got.getFrom()[0].toString()).startsWith("Acme Support").doesNotContain("Omnibridge");
    }

    @Test
    void aMalformedMailIsDeadLetteredAndTheMailboxKeepsFlowing() throws Exception {
        mailbox.start(Map.of());
        deliverRaw("From: ann@customer.test\r\nTo: support@acme.test\r\nSubject: broken\r\n"
                + "Message-ID: <bad@customer.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"
                + "no boundary anywhere\r\n");
        mailbox.deliver(Mails.plain(ANN, "Ann", SUPPORT, "After", "still flowing", "after@customer.test"));

        mailbox.awaitMessages(1);
        assertThat(mailbox.ctx().skipped()).singleElement().satisfies(s -> {
            assertThat(s.disposition()).isEqualTo(Skipped.Disposition.DEAD_LETTER);
            assertThat(s.reason()).startsWith("unreadable mail");
        });
    }

    @Test
    void passwordsNeverAppearInProblemsOrErrors() throws Exception {
        mailbox.start(Map.of("imapPassword", "wrong-password-123"));

        await(() -> !mailbox.ctx().problems().isEmpty(), "a login problem is reported");
        assertThat(mailbox.ctx().problems()).allSatisfy(p -> assertThat(p).doesNotContain("wrong-password-123")
                .contains("imap://127.0.0.1"));
    }

    // --- helpers ---

    private void deliverRaw(String raw) throws Exception {
        mailbox.deliver(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))));
    }

    private List<MimeMessage> awaitInbox(String user, int n) {
        await(() -> MAIL.getReceivedMessagesForDomain(user.substring(user.indexOf('@') + 1)).length >= n,
                n + " mail(s) for " + user);
        return List.of(MAIL.getReceivedMessagesForDomain(user.substring(user.indexOf('@') + 1)));
    }

    /** Waits until the folder source has logged in and gone idle, so a later delivery is noticed by IDLE. */
    private void awaitQuietImapLogin() throws InterruptedException {
        Thread.sleep(1500);
    }

    private List<Flags> flags(String folder) {
        try (Store store = imapStore()) {
            Folder f = store.getFolder(folder);
            f.open(Folder.READ_ONLY);
            List<Flags> list = new java.util.ArrayList<>();
            for (jakarta.mail.Message m : f.getMessages()) {
                list.add(m.getFlags());
            }
            f.close(false);
            return list;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void clearFlag(String folder, String keyword) throws Exception {
        try (Store store = imapStore()) {
            Folder f = store.getFolder(folder);
            f.open(Folder.READ_WRITE);
            f.setFlags(f.getMessages(), new Flags(keyword), false);
            f.close(false);
        }
    }

    private int count(String folder) {
        try (Store store = imapStore()) {
            Folder f = store.getFolder(folder);
            if (!f.exists()) {
                return -1;
            }
            f.open(Folder.READ_ONLY);
            int n = f.getMessageCount();
            f.close(false);
            return n;
        } catch (Exception e) {
            return -1;
        }
    }

    private Store imapStore() throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", MAIL.getImap().getPort(), "support", "s3cret-pw");
        return store;
    }

    private static String textOf(MimeMessage mail) throws Exception {
        MimeMultipart body = (MimeMultipart) mail.getContent();
        return (String) body.getBodyPart(0).getContent();
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // keep polling
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out waiting for: " + what);
    }
}
