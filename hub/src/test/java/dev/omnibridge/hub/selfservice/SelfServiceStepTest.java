package dev.omnibridge.hub.selfservice;

import dev.omnibridge.hub.automation.AcknowledgementConfig;
import dev.omnibridge.hub.automation.Acknowledger;
import dev.omnibridge.hub.automation.CalendarLookup;
import dev.omnibridge.hub.automation.DeskNotes;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.knowledge.KnowledgeBase;
import dev.omnibridge.hub.knowledge.KnowledgeMatch;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;
import dev.omnibridge.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bot's decisions on a real H2 store with the real writer and outbox: what the customer's channel gets, what the
 * desks get (and in which order), the bot's state per conversation, its timeline entries; with a small knowledge
 * base of this test (the real one is tested by the knowledge helper's tests).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelfServiceStepTest {
    private static final Instant START = Instant.parse("2026-03-04T10:00:00Z");
    private static final String WEB = "web";
    private static final String ACK = "ackweb";
    private static final String SUGGEST = "sugweb";

    @TempDir
    static Path dir;
    private int run;

    private final MutableClock clock = new MutableClock(START);
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Database db;
    private Journal journal;
    private InboundWriter writer;
    private DeliveryStore deliveries;
    private JournalQueries queries;
    private SelfServiceStep step;

    /** Three entries: returns and opening hours are answered, passwords stay below any sensible threshold. */
    private static final KnowledgeBase BASE = new KnowledgeBase() {
        @Override
        public Optional<KnowledgeMatch> best(String question, String language) {
            String q = question.toLowerCase(java.util.Locale.ROOT);
            if (q.contains("return") || q.contains("rücksend")) {
                return Optional.of(new KnowledgeMatch("returns", "How do I return an item?",
                        "de".equals(language) ? "Rücksendungen sind 30 Tage lang kostenlos." 
                                : "Returns are free within 30 days.", language == null ? "en" : language,
                        "https://shop.example/returns", 0.9));
            }
            if (q.contains("hours") || q.contains("open")) {
                return Optional.of(new KnowledgeMatch("opening-hours", "When are you open?",
                        "We are open 9-17, Monday to Friday.", "en", null, 0.8));
            }
            if (q.contains("password")) {
                return Optional.of(new KnowledgeMatch("password", "Reset my password", "Use the link.", "en",
                        null, 0.3));
            }
            return Optional.empty();
        }

        @Override
        public List<KnowledgeMatch> top(String question, String language, int max) {
            return best(question, language).stream().toList();
        }
    };

    /**
     * One store for the class (opening one takes seconds): three channel instances, one per way the bot is set up;
     * each test has conversations of its own (thread and message ids carry the test's number).
     */
    @BeforeAll
    void open() throws Exception {
        db = Database.open(new HubConfig.Store(null, null, null), dir, 4);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent);
        queries = new JournalQueries(db);
        writer = new InboundWriter(channel -> List.of("desk"), scheduled::add, clock, recent);
        AcknowledgementConfig acks = AcknowledgementConfig.read(yaml("enabled: false\n"), Map.of(ACK,
                yaml("enabled: true\nquietPeriod: 12h\ntemplates:\n  en: \"We got it, {firstName:there}.\"\n")),
                new ArrayList<>());
        writer.automate(new Acknowledger(acks, CalendarLookup.none(), instance -> Optional.empty()));
        List<dev.omnibridge.config.ConfigProblem> problems = new ArrayList<>();
        SelfServiceConfig config = SelfServiceSection.read(yaml("""
                mode: answer
                threshold: 0.5
                channels:
                  sugweb: {mode: suggest, threshold: 0.6}
                """), List.of(new HubConfig.Instance(WEB, "webhook-channel", true, Map.of()),
                new HubConfig.Instance(ACK, "webhook-channel", true, Map.of()),
                new HubConfig.Instance(SUGGEST, "webhook-channel", true, Map.of())), problems);
        assertThat(problems).isEmpty();
        step = new SelfServiceStep(config, BASE, writer.outbox(), id -> acks.forInstance(id).enabled(),
                new SelfServiceMetrics(registry), clock);
        writer.converse(step);
    }

    @BeforeEach
    void next() {
        run++;
        scheduled.clear();
    }

    private static com.fasterxml.jackson.databind.JsonNode yaml(String text) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(text);
    }

    @AfterAll
    void close() {
        journal.close();
        db.close();
    }

    private Message customer(String id, String thread, String text) {
        return on(WEB, id, thread, text);
    }

    /** A customer message of this test (its ids made unique to it). */
    private Message on(String instance, String id, String thread, String text) {
        return Message.builder().channel(new ChannelRef("webhook-channel", instance)).channelMessageId(id + "-" + run)
                .threadKey(thread + "-" + run).author(Author.customer("Ann",
                        Address.email(thread + "-" + run + "@example.org"))).text(text).build();
    }

    private void ingest(Message m) throws Exception {
        journal.submit(writer.work(m.channel().instanceId(), Inbound.messages(List.of(m)))).get(10, TimeUnit.SECONDS);
    }

    private void ingest(String id, String thread, String text) throws Exception {
        ingest(customer(id, thread, text));
    }

    /** What the customer's channel got, in order. */
    private List<Message> toCustomer() throws SQLException {
        List<Message> out = new ArrayList<>();
        for (DeliveryTask t : scheduled) {
            if (t.kind() == DeliveryTask.TargetKind.CHANNEL) {
                out.add(deliveries.context(t).message());
            }
        }
        return out;
    }

    /** What the desk got, in order, as the desk sees it (the hub's own lines as internal notes). */
    private List<Message> toDesk() throws SQLException {
        List<Message> out = new ArrayList<>();
        for (DeliveryTask t : scheduled) {
            if (t.kind() == DeliveryTask.TargetKind.DESK) {
                out.add(deliveries.context(t).message());
            }
        }
        return out;
    }

    private String conversation(String thread) throws SQLException {
        return conversation(WEB, thread);
    }

    private String conversation(String instance, String thread) throws SQLException {
        return queries.conversationByThread(instance, thread + "-" + run).orElseThrow().id();
    }

    private List<String> events(String thread) throws SQLException {
        return events(WEB, thread);
    }

    private List<String> events(String instance, String thread) throws SQLException {
        return queries.automationEvents(conversation(instance, thread), 100).stream()
                .map(e -> e.kind() + " " + e.detail()).toList();
    }

    private String state(String thread) throws SQLException {
        return state(WEB, thread);
    }

    private String state(String instance, String thread) throws SQLException {
        try (var c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT state FROM self_service WHERE conversation_id = ?")) {
            ps.setString(1, conversation(instance, thread));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** A counter's value (the registry is the class's: compare with the value before). */
    private long rows() throws SQLException {
        try (var c = db.connection(); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM self_service) + (SELECT COUNT(*) FROM "
                     + "self_service_events) + (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM outbox)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    /** Links ticket T-1 to the conversation, as the desk's first delivery would. */
    private void ticketCreated() throws Exception {
        DeliveryTask first = scheduled.stream().filter(t -> t.kind() == DeliveryTask.TargetKind.DESK).findFirst()
                .orElseThrow();
        journal.submit(deliveries.done(first, "item-" + run, "T-" + run, clock.instant())).get(10, TimeUnit.SECONDS);
    }

    private void fromDesk(Inbound inbound) throws Exception {
        journal.submit(writer.work("desk", inbound)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aQuestionTheBaseAnswersIsKeptFromTheDesksAndAnsweredMarkedWithYesNoChoices() throws Exception {
        double answers = counter("omnibridge.selfservice.answers", "instance", WEB);
        ingest("m1", "t1", "How do I return my shoes?");

        assertThat(toDesk()).isEmpty();
        Message answer = toCustomer().get(0);
        assertThat(toCustomer()).hasSize(1);
        assertThat(answer.author().role()).isEqualTo(Role.BOT);
        assertThat(answer.author().displayName()).isEqualTo("Omnibridge");
        assertThat(answer.tags()).containsExactly(Message.AUTO_ANSWER_TAG);
        assertThat(answer.channelMessageId()).startsWith("auto-answer:");
        assertThat(answer.text()).isEqualTo("Automatic answer:\n\nReturns are free within 30 days.\n\n"
                + "More: https://shop.example/returns\n\nDid this answer your question?");
        assertThat(Choices.of(answer)).containsExactly(new Choice("yes", "Yes"), new Choice("no", "No"));
        assertThat(state("t1")).isEqualTo("BOT");
        assertThat(events("t1")).containsExactly("SELF_SERVICE_ANSWERED answered with entry returns (confidence 0.90)");
        assertThat(counter("omnibridge.selfservice.answers", "instance", WEB)).isEqualTo(answers + 1);
    }

    @Test
    void whereTheBotNoLongerAnswersWhatItHoldsGoesToTheDesksInOrderOnce() throws Exception {
        // A channel instance of its own ("old"), so the other tests' conversations stay as they are.
        String old = "old" + run;
        ingest(on(old, "m1", "t1", "How do I return my shoes?"));
        ingest(on(old, "m2", "t2", "What are your opening hours?"));
        ingest(on(old, "m3", "t3", "How do I return my shoes?"));
        ingest(on(old, "m4", "t3", "yes"));
        ingest(on(WEB, "m5", "t5", "How do I return my shoes?"));
        assertThat(toDesk()).isEmpty();
        double before = counter("omnibridge.selfservice.handoffs", "instance", old, "reason", "bot_switched_off");

        // Pages of one conversation: every page its own transaction.
        SwitchedOffRelease release = new SwitchedOffRelease(id -> !id.equals(old), writer.outbox(),
                new SelfServiceMetrics(registry), clock, 1);
        assertThat(release.run(journal)).isEqualTo(2);

        for (String thread : List.of("t1", "t2")) {
            String id = conversation(old, thread);
            List<Message> desk = toDesk().stream().filter(m -> m.conversationId().equals(id)).toList();
            assertThat(desk).extracting(Message::direction).containsExactly(Direction.INBOUND, Direction.INTERNAL);
            assertThat(desk.get(1).text()).startsWith(DeskNotes.BOT_LINE + old + ":");
            assertThat(state(old, thread)).isEqualTo("HANDED_OFF");
            assertThat(events(old, thread)).last().isEqualTo("SELF_SERVICE_HANDED_OFF bot_switched_off: the channel "
                    + "instance's self-service mode is no longer answer; 2 held message(s) sent to the desks");
        }
        assertThat(toDesk()).as("only those two conversations").hasSize(4);
        assertThat(state(old, "t3")).as("the customer said it helped: nothing waits").isEqualTo("CONTAINED");
        assertThat(state("t5")).as("the bot still answers there").isEqualTo("BOT");
        assertThat(counter("omnibridge.selfservice.handoffs", "instance", old, "reason", "bot_switched_off"))
                .isEqualTo(before + 2);

        assertThat(release.run(journal)).as("once").isZero();
        assertThat(toDesk()).hasSize(4);
    }

    @Test
    void yesThanksTheCustomerAndTheDesksNeverHearOfIt() throws Exception {
        ingest("m1", "t1", "How do I return my shoes?");
        ingest(customer("m2", "t1", "Yes").toBuilder().metadata(Map.of(Choices.CHOSEN, "yes")).build());

        assertThat(toDesk()).isEmpty();
        assertThat(toCustomer()).extracting(Message::text).last().isEqualTo("Glad I could help! Write again any time.");
        assertThat(state("t1")).isEqualTo("CONTAINED");
        assertThat(events("t1")).last().asString().startsWith("SELF_SERVICE_HELPED");
    }

    @Test
    void noHandsOffWithTheWholeExchangeInOrderAndTheBotsLinesMarked() throws Exception {
        double handOffs = counter("omnibridge.selfservice.handoffs", "instance", WEB, "reason", "not_helped");
        ingest("m1", "t1", "How do I return my shoes?");
        // A channel without buttons: the customer answers with the number of "No".
        ingest("m2", "t1", "2");

        List<Message> desk = toDesk();
        assertThat(desk).extracting(Message::direction).containsExactly(Direction.INBOUND, Direction.INTERNAL,
                Direction.INBOUND);
        assertThat(desk.get(0).text()).isEqualTo("How do I return my shoes?");
        assertThat(desk.get(1).text()).startsWith(DeskNotes.BOT_LINE + "web:\n\nAutomatic answer:")
                .contains("Returns are free");
        assertThat(desk.get(1).tags()).contains(Message.AUTO_ANSWER_TAG);
        assertThat(desk.get(1).metadata()).doesNotContainKey(Choices.OFFERED);
        assertThat(desk.get(2).text()).isEqualTo("2");
        // No acknowledgements on this channel: the bot says itself that a person takes over.
        assertThat(toCustomer()).extracting(Message::text).last().asString().startsWith("I'm passing your message");
        assertThat(state("t1")).isEqualTo("HANDED_OFF");
        assertThat(events("t1")).anyMatch(e -> e.startsWith("SELF_SERVICE_NOT_HELPED"))
                .anyMatch(e -> e.startsWith("SELF_SERVICE_HANDED_OFF not_helped: the customer said the answer did "
                        + "not help; 2 held message(s) sent to the desks"));
        assertThat(counter("omnibridge.selfservice.handoffs", "instance", WEB, "reason", "not_helped")).isEqualTo(handOffs + 1);
    }

    @Test
    void afterAHandOffTheBotIsSilentWhateverTheCustomerAsksUntilTheConversationIsResolved() throws Exception {
        ingest("m1", "t1", "How do I return my shoes?");
        ingest("m2", "t1", "I want to talk to a human");
        int sent = toCustomer().size();
        ticketCreated();

        ingest("m3", "t1", "And what are your opening hours?");

        assertThat(toCustomer()).hasSize(sent);
        assertThat(toDesk()).extracting(Message::text).last().isEqualTo("And what are your opening hours?");

        fromDesk(Inbound.none().withTicketUpdates(List.of(new TicketUpdate("T-" + run, ConversationStatus.RESOLVED))));
        assertThat(state("t1")).isNull();
        ingest("m4", "t1", "When are you open on Saturday?");

        assertThat(toCustomer()).hasSize(sent + 1);
        assertThat(toCustomer().get(sent).text()).contains("We are open 9-17");
    }

    @Test
    void aSecondQuestionTheBaseCannotAnswerHandsOff() throws Exception {
        ingest("m1", "t1", "How do I return my shoes?");
        ingest("m2", "t1", "My parcel arrived damaged, what now?");

        assertThat(toDesk()).extracting(Message::text).containsExactly("How do I return my shoes?",
                toDesk().get(1).text(), "My parcel arrived damaged, what now?");
        assertThat(toDesk().get(1).direction()).isEqualTo(Direction.INTERNAL);
        assertThat(events("t1")).last().asString().startsWith("SELF_SERVICE_HANDED_OFF no_answer");
    }

    @Test
    void aFirstQuestionTheBaseCannotAnswerGoesToTheDesksAndTheConversationStaysTheirs() throws Exception {
        // Below the threshold (0.3 < 0.5): no answer, the desks get it as usual.
        ingest("m1", "t1", "I forgot my password");
        ingest("m2", "t1", "Also, how do returns work?");

        assertThat(toCustomer()).isEmpty();
        assertThat(toDesk()).extracting(Message::text).containsExactly("I forgot my password",
                "Also, how do returns work?");
        assertThat(events("t1")).containsExactly("SELF_SERVICE_NO_MATCH best entry password below the threshold "
                + "(0.30 < 0.50): sent to the desks");
    }

    @Test
    void askingForAPersonInTheFirstMessageGoesStraightToTheDesks() throws Exception {
        ingest("m1", "t1", "Can I speak to an agent about returns?");

        assertThat(toDesk()).extracting(Message::text).containsExactly("Can I speak to an agent about returns?");
        assertThat(toCustomer()).singleElement().extracting(Message::channelMessageId).asString()
                .startsWith("auto-handoff:");
        assertThat(events("t1")).singleElement().asString().startsWith("SELF_SERVICE_HANDED_OFF asked");
    }

    @Test
    void whereTheChannelAcknowledgesTheAcknowledgementAloneTellsOfTheHandOffAndKeptMessagesGetNone()
            throws Exception {
        ingest(on(ACK, "m1", "t1", "How do I return my shoes?"));
        assertThat(toCustomer()).extracting(Message::tags).containsExactly(java.util.Set.of(Message.AUTO_ANSWER_TAG));

        ingest(on(ACK, "m2", "t1", "no"));

        List<Message> out = toCustomer();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).tags()).containsExactly(Message.AUTO_ACK_TAG);
        assertThat(out.get(1).metadata()).containsEntry(Acknowledger.ACKNOWLEDGES, toDesk().get(2).id());
    }

    @Test
    void anAgentsReplyWhileTheBotHoldsTheConversationTakesItOver() throws Exception {
        ingest("m1", "t1", "How do I return my shoes?");
        String conversation = conversation("t1");
        // An agent in the console answers the conversation the bot holds (the reply names it).
        fromDesk(Inbound.replies(List.of(new DeskReply("inbox-" + conversation, "r-" + run, Author.agent("Alice"),
                "Hi Ann, I'll help you.", null, List.of(), clock.instant(),
                Map.of(DeskReply.CONVERSATION_ID, conversation)))));

        assertThat(state("t1")).isEqualTo("HANDED_OFF");
        assertThat(toDesk()).extracting(Message::direction).containsExactly(Direction.INBOUND, Direction.INTERNAL);
        assertThat(events("t1")).last().asString().startsWith("SELF_SERVICE_HANDED_OFF agent_busy: an agent replied");
        int sent = toCustomer().size();

        ingest("m2", "t1", "When are you open?");
        assertThat(toCustomer()).hasSize(sent);
        assertThat(toDesk()).extracting(Message::text).last().isEqualTo("When are you open?");
    }

    @Test
    void theBotStopsAfterItsAnswerLimitAndStartsAfreshAfterAQuietDay() throws Exception {
        ingest("m1", "t1", "How do I return my shoes?");
        ingest("m2", "t1", "When are you open?");
        ingest("m3", "t1", "And returns of a gift?");

        assertThat(toCustomer()).extracting(m -> m.channelMessageId().split(":")[0])
                .containsExactly("auto-answer", "auto-answer", "auto-handoff");
        assertThat(events("t1")).last().asString().startsWith("SELF_SERVICE_HANDED_OFF max_answers");

        // Another conversation: answered, then contained; a day later its customer asks again.
        ingest("n1", "t2", "How do I return my shoes?");
        ingest("n2", "t2", "yes thanks");
        ingest("n3", "t2", "When are you open?");
        clock.advance(Duration.ofHours(25));
        ingest("n4", "t2", "How do I return my jacket?");

        String t2 = conversation("t2");
        assertThat(toCustomer()).filteredOn(m -> m.conversationId().equals(t2))
                .extracting(m -> m.channelMessageId().split(":")[0])
                .containsExactly("auto-answer", "auto-thanks", "auto-answer", "auto-answer");
        assertThat(toDesk()).filteredOn(m -> m.conversationId().equals(t2)).isEmpty();
    }

    @Test
    void theCustomersLanguageIsUsedAndAGermanNeinHandsOff() throws Exception {
        ingest(customer("m1", "t1", "Wie funktioniert die Rücksendung?").toBuilder().language("de").build());
        Message answer = toCustomer().get(0);
        assertThat(answer.text()).startsWith("Automatische Antwort:\n\nRücksendungen sind 30 Tage lang kostenlos.")
                .endsWith("Mehr dazu: https://shop.example/returns\n\nHat das Ihre Frage beantwortet?");
        assertThat(Choices.of(answer)).extracting(Choice::title).containsExactly("Ja", "Nein");

        ingest("m2", "t1", "Nein, leider nicht");

        assertThat(state("t1")).isEqualTo("HANDED_OFF");
        assertThat(toCustomer().get(1).text()).startsWith("Ich gebe Ihre Nachricht an das Team weiter");
    }

    @Test
    void anAnswerTheChannelRefusedForGoodHandsOffBeforeTheDesksHearOfTheFailure() throws Exception {
        ingest("m1", "t1", "How do I return my shoes?");
        DeliveryTask answer = scheduled.stream().filter(t -> t.kind() == DeliveryTask.TargetKind.CHANNEL)
                .findFirst().orElseThrow();

        // What the hub does with a dead-lettered channel delivery (Hub: dispatcher.onChannelDeadLetter).
        journal.submit(step.lineNotDelivered(answer)).get(10, TimeUnit.SECONDS);
        journal.submit(writer.deliveryFailedNotice(answer, "blocked by the customer")).get(10, TimeUnit.SECONDS);

        assertThat(state("t1")).isEqualTo("HANDED_OFF");
        assertThat(toDesk()).extracting(Message::direction).containsExactly(Direction.INBOUND, Direction.INTERNAL,
                Direction.INTERNAL);
        assertThat(toDesk().get(2).text()).startsWith("This reply was not delivered to the customer: blocked");
        assertThat(events("t1")).last().asString().startsWith("SELF_SERVICE_HANDED_OFF not_delivered");
    }

    @Test
    void aDuplicateWebhookIsNotAnsweredTwice() throws Exception {
        ingest("m1", "t1", "How do I return my shoes?");
        ingest("m1", "t1", "How do I return my shoes?");

        assertThat(toCustomer()).hasSize(1);
        assertThat(events("t1")).hasSize(1);
    }

    @Test
    void aMessageWrittenByABotNeverTriggersTheBot() throws Exception {
        ingest(customer("m1", "t1", "How do I return my shoes?").toBuilder()
                .author(new Author(Role.BOT, "Other bot", Address.email("t1@example.org"))).build());

        assertThat(toCustomer()).isEmpty();
        assertThat(toDesk()).hasSize(1);
    }

    @Test
    void theAnswerItsStateAndItsEventCommitWithTheMessageOrNotAtAll() throws Exception {
        long before = rows();
        // The unit that stores (and answers) the message fails after the bot decided: the transaction rolls back.
        Message question = customer("m1", "t1", "How do I return my shoes?");
        var failing = journal.submit((c, after) -> {
            writer.work(WEB, Inbound.messages(List.of(question))).apply(c, after);
            throw new SQLException("the store failed after the bot's decision");
        });
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

        assertThat(scheduled).isEmpty();
        assertThat(queries.conversationByThread(WEB, question.threadKey())).isEmpty();
        assertThat(rows()).as("bot rows, events, messages and outbox rows").isEqualTo(before);

        // The channel sends the webhook again: answered once, as if the first attempt never happened.
        ingest("m1", "t1", "How do I return my shoes?");
        assertThat(toCustomer()).hasSize(1);
        assertThat(state("t1")).isEqualTo("BOT");
    }

    @Test
    void suggestModeSendsTheAnswerToTheDesksAsANoteAndNothingToTheCustomer() throws Exception {
        double suggestions = counter("omnibridge.selfservice.suggestions", "instance", SUGGEST);
        ingest(on(SUGGEST, "m1", "t1", "How do I return my shoes?"));
        ingest(on(SUGGEST, "m2", "t1", "I forgot my password"));

        assertThat(toCustomer()).isEmpty();
        List<Message> desk = toDesk();
        assertThat(desk).extracting(Message::direction).containsExactly(Direction.INBOUND, Direction.INTERNAL,
                Direction.INBOUND);
        assertThat(desk.get(1).tags()).containsExactly(SelfServiceStep.SUGGESTION_TAG);
        assertThat(desk.get(1).text()).startsWith("Suggested answer from the knowledge base (entry returns, "
                + "confidence 0.90; not sent to the customer):\n\nReturns are free within 30 days.");
        assertThat(events(SUGGEST, "t1")).containsExactly("SELF_SERVICE_SUGGESTED suggested entry returns "
                + "(confidence 0.90) to the desks");
        assertThat(counter("omnibridge.selfservice.suggestions", "instance", SUGGEST)).isEqualTo(suggestions + 1);
    }
}
