package dev.omnibridge.hub.automation;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.hub.triage.LanguageDetector;
import dev.omnibridge.hub.triage.LinguaLanguageDetector;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every acknowledgement rule, on a real H2 store with the real writer: what goes into the outbox, for which target,
 * and what the conversation's timeline says when nothing goes out.
 */
class AcknowledgementTest {
    private static final Instant START = Instant.parse("2026-03-04T10:00:00Z");
    private static final String ACKS = """
            enabled: true
            quietPeriod: 12h
            expectedAnswer: 2h
            templates:
              en:
                inHours: "Hi {firstName:there}, we got your message ({reference}) on {channel}; answer by {expectedAnswer}."
                outOfHours: "Closed now, {firstName:there}."
              de: "Hallo {firstName:zusammen}, Referenz {reference}."
            """;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    private Database db;
    private Journal journal;
    private InboundWriter writer;
    private DeliveryStore deliveries;
    private JournalQueries queries;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(new HubConfig.Store(null, null, null), dir, 4);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent);
        queries = new JournalQueries(db);
        writer = new InboundWriter(channel -> List.of("desk"), scheduled::add, clock, recent);
        writer.automate(new Acknowledger(config(ACKS), CalendarLookup.none(),
                instance -> instance.equals("wa") ? Optional.of(Duration.ofHours(24)) : Optional.empty()));
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    static AcknowledgementConfig config(String block) throws Exception {
        var node = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(block);
        List<dev.omnibridge.config.ConfigProblem> problems = new ArrayList<>();
        AcknowledgementConfig config = AcknowledgementConfig.read(node, Map.of(), problems);
        assertThat(problems).isEmpty();
        return config;
    }

    private static Message sms(String id, String from, String name, String text) {
        return Message.builder().channel(new ChannelRef("twilio-sms", "sms")).channelMessageId(id).threadKey(from)
                .author(Author.customer(name, Address.phone(from))).text(text).build();
    }

    private void ingest(String instance, Inbound inbound) throws Exception {
        journal.submit(writer.work(instance, inbound)).get(10, TimeUnit.SECONDS);
    }

    private void ingest(Message m) throws Exception {
        ingest(m.channel().instanceId(), Inbound.messages(List.of(m)));
    }

    /** The acknowledgements queued for the customers' channels, in order. */
    private List<Message> acksSent() throws Exception {
        List<Message> acks = new ArrayList<>();
        for (DeliveryTask t : scheduled) {
            if (t.kind() == DeliveryTask.TargetKind.CHANNEL) {
                Message m = deliveries.context(t).message();
                if (m.tags().contains(Message.AUTO_ACK_TAG)) {
                    acks.add(m);
                }
            }
        }
        return acks;
    }

    private String conversationOf(String instance, String threadKey) throws Exception {
        return queries.conversationByThread(instance, threadKey).orElseThrow().id();
    }

    private List<String> reasons(String instance, String threadKey) throws Exception {
        return queries.automationEvents(conversationOf(instance, threadKey), 100).stream()
                .map(JournalQueries.AutomationEvent::detail).toList();
    }

    @Test
    void firstCustomerMessageGetsOneAcknowledgementOnItsChannelWithThePlaceholdersFilled() throws Exception {
        ingest(sms("SM1", "+15550001", "Ann Lee", "Where is my order?"));

        List<Message> acks = acksSent();
        assertThat(acks).hasSize(1);
        assertThat(scheduled).filteredOn(t -> t.kind() == DeliveryTask.TargetKind.CHANNEL)
                .as("the only message for the customer's channel").singleElement()
                .satisfies(t -> assertThat(t.target()).isEqualTo("sms"));
        Message ack = acks.get(0);
        String conversation = conversationOf("sms", "+15550001");
        assertThat(ack.direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(ack.author().role()).isEqualTo(Role.BOT);
        assertThat(ack.channel()).isEqualTo(new ChannelRef("twilio-sms", "sms"));
        assertThat(ack.conversationId()).isEqualTo(conversation);
        // Newer JDKs put a narrow no-break space before "PM"; the text is the same to a reader.
        assertThat(ack.text().replace('\u202f', ' ')).isEqualTo("Hi Ann, we got your message (" + ConversationReference.of(conversation)
                + ") on SMS; answer by Mar 4, 2026, 12:00 PM UTC.");
        assertThat(reasons("sms", "+15550001")).isEmpty();
    }

    @Test
    void desksGetTheAcknowledgementAsAnInternalNoteAfterTheCustomerMessage() throws Exception {
        ingest(sms("SM1", "+15550001", "Ann", "Hello"));

        List<DeliveryTask> toDesk = scheduled.stream().filter(t -> t.kind() == DeliveryTask.TargetKind.DESK).toList();
        assertThat(toDesk).hasSize(2);
        Message first = deliveries.context(toDesk.get(0)).message();
        Message note = deliveries.context(toDesk.get(1)).message();
        assertThat(first.direction()).isEqualTo(Direction.INBOUND);
        assertThat(toDesk.get(1).id()).isGreaterThan(toDesk.get(0).id());
        assertThat(note.direction()).isEqualTo(Direction.INTERNAL);
        assertThat(note.tags()).contains(Message.AUTO_ACK_TAG);
        assertThat(note.text()).startsWith("Automatic acknowledgement sent to the customer on sms:")
                .contains("Hi Ann");
    }

    @Test
    void anAcknowledgementTheChannelRefusedForGoodIsReportedToTheDesksAsSuch() throws Exception {
        ingest(sms("SM1", "+15550001", "Ann", "Hello"));
        DeliveryTask ackTask = scheduled.stream().filter(t -> t.kind() == DeliveryTask.TargetKind.CHANNEL)
                .findFirst().orElseThrow();

        List<String> desks = journal.submit(writer.deliveryFailedNotice(ackTask, "21610: unsubscribed recipient"))
                .get(10, TimeUnit.SECONDS);

        assertThat(desks).containsExactly("desk");
        DeliveryTask noteTask = scheduled.get(scheduled.size() - 1);
        assertThat(deliveries.context(noteTask).message().text())
                .startsWith("This automatic acknowledgement was not delivered to the customer: 21610");
    }

    @Test
    void secondMessageWithinTheQuietPeriodGetsNoneAndTheTimelineSaysWhy() throws Exception {
        ingest(sms("SM1", "+15550001", "Ann", "Hello"));
        clock.advance(Duration.ofHours(11));
        ingest(sms("SM2", "+15550001", "Ann", "Anyone there?"));

        assertThat(acksSent()).hasSize(1);
        assertThat(reasons("sms", "+15550001")).containsExactly(
                "already acknowledged at 2026-03-04T10:00:00Z (quiet period 12h)");
    }

    @Test
    void anAddressAcknowledgedInAnotherConversationWithinTheQuietPeriodGetsNone() throws Exception {
        // An auto-responder that answers every acknowledgement with a new thread: a new conversation each time.
        Message first = Message.builder().channel(new ChannelRef("email", "mail")).channelMessageId("<r1@bot>")
                .threadKey("t-r1").author(Author.customer("Robot", Address.email("robot@example.org")))
                .text("Thank you for your mail").build();
        ingest(first);
        clock.advance(Duration.ofMinutes(1));
        ingest(first.toBuilder().channelMessageId("<r2@bot>").threadKey("t-r2").build());
        clock.advance(Duration.ofHours(13));
        ingest(first.toBuilder().channelMessageId("<r3@bot>").threadKey("t-r3").build());

        assertThat(acksSent()).extracting(Message::threadKey).containsExactly("t-r1", "t-r3");
        assertThat(reasons("mail", "t-r2")).containsExactly("the customer's address was acknowledged at "
                + "2026-03-04T10:00:00Z in another conversation (quiet period 12h)");
    }

    @Test
    void aMessageAfterTheQuietPeriodIsAcknowledgedAgain() throws Exception {
        ingest(sms("SM1", "+15550001", "Ann", "Hello"));
        clock.advance(Duration.ofHours(13));
        ingest(sms("SM2", "+15550001", "Ann", "Back again"));

        assertThat(acksSent()).hasSize(2);
    }

    @Test
    void afterAnAgentAnsweredTheNextMessageGetsNone() throws Exception {
        ingest(sms("SM1", "+15550001", "Ann", "Hello"));
        String conversation = conversationOf("sms", "+15550001");
        clock.advance(Duration.ofHours(13)); // the acknowledgement's quiet period is over, the agent's is not
        ingest("desk", Inbound.replies(List.of(new DeskReply("T-1", "r-1", Author.agent("Alice"), "On its way",
                null, null, null, Map.of(DeskReply.CONVERSATION_ID, conversation)))));
        clock.advance(Duration.ofMinutes(10));
        ingest(sms("SM2", "+15550001", "Ann", "Thanks!"));

        assertThat(acksSent()).hasSize(1);
        assertThat(reasons("sms", "+15550001")).singleElement().asString().startsWith("an agent answered at");
    }

    @Test
    void theSameWebhookDeliveredTwiceIsAcknowledgedOnce() throws Exception {
        ingest(sms("SM1", "+15550001", "Ann", "Hello"));
        ingest(sms("SM1", "+15550001", "Ann", "Hello"));

        assertThat(acksSent()).hasSize(1);
        assertThat(reasons("sms", "+15550001")).isEmpty();
    }

    @Test
    void severalMessagesOfOneConversationInOneUnitGetOneAcknowledgement() throws Exception {
        ingest("sms", Inbound.messages(List.of(sms("SM1", "+15550001", "Ann", "Hello"),
                sms("SM2", "+15550001", "Ann", "My order 42"))));

        assertThat(acksSent()).hasSize(1);
        assertThat(reasons("sms", "+15550001")).singleElement().asString().contains("acknowledged a moment ago");
    }

    @Test
    void anOptedOutNumberGetsNoneAndTheTimelineSaysWhy() throws Exception {
        Address number = Address.phone("+15550002");
        // Twilio reports STOP as the message and the opt-out together, in one unit.
        ingest("sms", new Inbound(List.of(sms("SM9", "+15550002", "Bob", "STOP")), null, null, null, null, null,
                List.of(AddressStatus.optedOut(number, "STOP")), null));
        assertThat(acksSent()).isEmpty();
        clock.advance(Duration.ofDays(1));
        ingest(sms("SM10", "+15550002", "Bob", "What about my refund?"));

        assertThat(acksSent()).isEmpty();
        assertThat(reasons("sms", "+15550002")).hasSize(2)
                .allSatisfy(r -> assertThat(r).startsWith("the customer's address takes no messages"));
    }

    @Test
    void aWhatsAppMessageOlderThanTheWindowGetsNoneAndTheTimelineSaysWhy() throws Exception {
        Message late = Message.builder().channel(new ChannelRef("whatsapp", "wa")).channelMessageId("wamid.1")
                .threadKey("15550003").author(Author.customer("Cleo", Address.phone("+15550003"))).text("Hi")
                .channelTimestamp(START.minus(Duration.ofHours(25))).build();
        ingest(late);

        assertThat(acksSent()).isEmpty();
        assertThat(reasons("wa", "15550003")).singleElement().asString()
                .startsWith("the channel's reply window has closed (24 hours");
    }

    @Test
    void aWhatsAppMessageInsideTheWindowIsAcknowledged() throws Exception {
        ingest(Message.builder().channel(new ChannelRef("whatsapp", "wa")).channelMessageId("wamid.2")
                .threadKey("15550004").author(Author.customer("Dan", Address.phone("+15550004"))).text("Hi")
                .channelTimestamp(START.minusSeconds(5)).build());

        assertThat(acksSent()).singleElement().extracting(Message::text).asString().contains("on WhatsApp");
    }

    @Test
    void mailTheChannelMarkedNotToAnswerGetsNone() throws Exception {
        Message listMail = Message.builder().channel(new ChannelRef("email", "mail")).channelMessageId("<l1@list>")
                .threadKey("t-list").author(Author.customer("List", Address.email("list@example.org")))
                .text("Newsletter").metadata(Map.of(Message.NO_AUTO_REPLY, "mailing-list mail (List-Id)")).build();
        ingest(listMail);

        assertThat(acksSent()).isEmpty();
        assertThat(reasons("mail", "t-list")).singleElement().asString().contains("mailing-list mail (List-Id)");
    }

    @Test
    void aMessageWrittenByABotGetsNone() throws Exception {
        ingest(Message.builder().channel(new ChannelRef("webhook-channel", "web")).channelMessageId("b-1")
                .threadKey("t-bot").author(new Author(Role.BOT, "Other system", Address.email("bot@example.org")))
                .text("Automatic reply").build());

        assertThat(acksSent()).isEmpty();
        assertThat(reasons("web", "t-bot")).singleElement().asString().startsWith("written by bot");
    }

    @Test
    void theHubsOwnAcknowledgementReportedBackByTheChannelIsNeitherStoredNorAnswered() throws Exception {
        ingest(sms("SM1", "+15550001", "Ann", "Hello"));
        DeliveryTask ackTask = scheduled.stream().filter(t -> t.kind() == DeliveryTask.TargetKind.CHANNEL)
                .findFirst().orElseThrow();
        journal.submit(deliveries.done(ackTask, "SM-ACK-1", null, clock.instant())).get(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofDays(1));
        // A channel that shows the business's own sent messages (a group chat, a mailbox) hands the ack back.
        ingest(sms("SM-ACK-1", "+15550001", "Ann", "Hi Ann, we got your message"));

        assertThat(acksSent()).hasSize(1);
        assertThat(queries.messages(conversationOf("sms", "+15550001"), 100)).hasSize(2);
    }

    @Test
    void theTemplateFollowsTheMessagesLanguageAndFallsBackToTheDefault() throws Exception {
        ingest(sms("SM1", "+15550001", "", "Hallo").toBuilder().language("de-AT").build());
        ingest(sms("SM2", "+15550005", "Eve", "Bonjour").toBuilder().language("fr").build());

        List<Message> acks = acksSent();
        assertThat(acks.get(0).text()).startsWith("Hallo zusammen, Referenz ");
        assertThat(acks.get(0).language()).isEqualTo("de");
        assertThat(acks.get(1).text()).startsWith("Hi Eve, we got your message");
    }

    @Test
    void aGermanMessageTheChannelGaveNoLanguageIsAcknowledgedInTheLanguageTheDetectorFinds() throws Exception {
        LanguageDetector detector = LinguaLanguageDetector.forLanguages(List.of("en", "de", "fr", "nl"), 0.5);
        Message plain = sms("SM1", "+15550001", "Jonas", "Hallo, meine Bestellung 4471 ist immer noch nicht da");
        LanguageDetector.Detection detected = detector.detect(plain.text());
        assertThat(plain.language()).as("SMS carries no language").isNull();
        assertThat(detected.language()).isEqualTo("de");

        // What triage does on the caller's thread (Triage.detectLanguage): the detected language, when the channel
        // gave none, becomes the message's language before the writer stores it and the acknowledger reads it.
        ingest(plain.toBuilder().language(detected.language()).build());

        List<Message> acks = acksSent();
        assertThat(acks).singleElement().satisfies(ack -> {
            assertThat(ack.text()).startsWith("Hallo Jonas, Referenz ");
            assertThat(ack.language()).isEqualTo("de");
        });
    }

    @Test
    void aDisplayNameThatIsNotANameIsNotRepeatedToTheCustomer() throws Exception {
        ingest(sms("SM1", "+15550001", "http://spam.example/win", "Hello"));

        assertThat(acksSent()).singleElement().extracting(Message::text).asString().startsWith("Hi there,")
                .doesNotContain("spam");
    }

    @Test
    void eachDecisionIsCountedOnceCommittedForTheMetrics() throws Exception {
        List<String> counted = new CopyOnWriteArrayList<>();
        writer.automate(new Acknowledger(config(ACKS), CalendarLookup.none(), ChannelLimits.none(),
                (instance, sent) -> counted.add(instance + ":" + (sent ? "sent" : "not sent"))));
        ingest(sms("SM1", "+15550001", "Ann", "Hello"));
        ingest(sms("SM2", "+15550001", "Ann", "Hello again"));

        assertThat(counted).containsExactly("sms:sent", "sms:not sent");
    }

    @Test
    void aChannelWithAcknowledgementsDisabledGetsNoneAndNoTimelineEntry() throws Exception {
        writer.automate(new Acknowledger(AcknowledgementConfig.disabled(), CalendarLookup.none(),
                ChannelLimits.none()));
        ingest(sms("SM1", "+15550001", "Ann", "Hello"));

        assertThat(acksSent()).isEmpty();
        assertThat(reasons("sms", "+15550001")).isEmpty();
    }
}
