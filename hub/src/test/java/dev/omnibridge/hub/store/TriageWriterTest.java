package dev.omnibridge.hub.store;

import dev.omnibridge.hub.sla.FirstResponseHook;
import dev.omnibridge.hub.triage.TriageRecord;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.hub.store.StoreTestSupport.count;
import static dev.omnibridge.hub.store.StoreTestSupport.customerMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Triage in the writer (real H2 store, a hand-written {@link RulesForTests} for the decisions): conversations stay
 * with their desks, re-routes move them, the unanswered count, the assignment the desk delivery reads.
 */
class TriageWriterTest {
    @TempDir
    Path dir;

    private Database db;
    private Journal journal;
    private DeliveryStore deliveries;
    private JournalQueries queries;
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    private InboundWriter writer;

    private void open(TriageStep rules, InboundWriter.Mode mode) {
        db = StoreTestSupport.openDatabase(dir);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent);
        queries = new JournalQueries(db);
        writer = new InboundWriter(rules, scheduled::add, Clock.systemUTC(), recent, mode, FirstResponseHook.NONE);
    }

    private void reopen(TriageStep rules) {
        journal.close();
        db.close();
        open(rules, InboundWriter.Mode.SINGLE_NODE);
    }

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
            db.close();
        }
    }

    private static Message msg(String id, String thread, String text) {
        return customerMessage("web", id, thread, "ann@example.com", text);
    }

    private String ingest(Message m) throws Exception {
        IngestReport report = journal.submit(writer.work("web", Inbound.messages(List.of(m))))
                .get(10, TimeUnit.SECONDS);
        assertThat(report.storedMessageIds()).hasSize(1);
        return report.storedMessageIds().get(0);
    }

    /** The desks a stored message was queued to, in outbox order. */
    private List<String> desksOf(String messageId) {
        return tasksOf(messageId).stream().map(DeliveryTask::target).toList();
    }

    private List<DeliveryTask> tasksOf(String messageId) {
        return scheduled.stream().filter(t -> t.messageId().equals(messageId)
                        && t.kind() == DeliveryTask.TargetKind.DESK)
                .sorted(Comparator.comparingLong(DeliveryTask::id)).toList();
    }

    private Message stored(String id) throws Exception {
        return queries.message(id).orElseThrow().message();
    }

    private void deskReply(String desk, String ticketRef, String replyId) throws Exception {
        journal.submit(writer.work(desk, Inbound.replies(List.of(new DeskReply(ticketRef, replyId,
                Author.agent("Alice"), "We are on it", null, null, null, null))))).get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(InboundWriter.Mode.class)
    void aStickyConversationStaysWithItsFirstDeskWhenALaterMessageWouldRouteElsewhere(InboundWriter.Mode mode)
            throws Exception {
        open(new RulesForTests(false, true), mode);

        String first = ingest(msg("m-1", "t-1", "Hallo, mein Drucker druckt nicht"));
        String second = ingest(msg("m-2", "t-1", "Any news? Still broken"));
        String third = ingest(msg("m-3", "t-1", "Hello?"));
        String otherConversation = ingest(msg("m-4", "t-2", "Hello, my printer is broken"));

        assertThat(desksOf(first)).containsExactly("desk-de");
        assertThat(desksOf(second)).as("English now, but its conversation went to the German desk")
                .containsExactly("desk-de");
        assertThat(desksOf(third)).containsExactly("desk-de");
        assertThat(desksOf(otherConversation)).containsExactly("desk-en");
        assertThat(stored(first).language()).isEqualTo("de");
        assertThat(stored(first).metadata()).containsEntry(TriageRecord.ROUTE, "german")
                .containsEntry(TriageRecord.LANGUAGE, "de 0.93");
        assertThat(stored(second).language()).isNull();
        assertThat(stored(second).metadata()).as("the route that holds the conversation")
                .containsEntry(TriageRecord.ROUTE, "german");
        assertThat(stored(otherConversation).metadata()).containsEntry(TriageRecord.ROUTE, "everything-else");
        assertThat(count(db, "SELECT COUNT(*) FROM conversation_routes")).as("one desk per conversation, once")
                .isEqualTo(2);
    }

    @Test
    void messagesOfAKnownStickyConversationGoInOneBatchWithoutReadingOrWritingItsRecord() throws Exception {
        open(new RulesForTests(false, true), InboundWriter.Mode.SINGLE_NODE);
        ingest(msg("m-1", "t-1", "Hallo, mein Drucker druckt nicht"));
        try (java.sql.Connection c = db.connection(); var s = c.createStatement()) {
            s.execute("SET QUERY_STATISTICS TRUE");
        }

        CountDownLatch release = StoreTestSupport.holdWriter(journal);
        List<CompletableFuture<IngestReport>> group = new ArrayList<>();
        for (int i = 2; i <= 5; i++) {
            group.add(journal.submit(writer.work("web", Inbound.messages(List.of(msg("m-" + i, "t-1",
                    "Any news? (" + i + ")"))))));
        }
        release.countDown();
        List<String> ids = new ArrayList<>();
        for (CompletableFuture<IngestReport> f : group) {
            ids.add(f.get(10, TimeUnit.SECONDS).storedMessageIds().get(0));
        }

        assertThat(ids).allSatisfy(id -> assertThat(desksOf(id)).containsExactly("desk-de"));
        assertThat(executions("INSERT INTO messages")).as("one multi-row insert").isOne();
        assertThat(executions("SELECT desk, assignment, route FROM conversation_routes")).isZero();
        assertThat(executions("INSERT INTO conversation_routes")).isZero();
        assertThat(executions("DELETE FROM conversation_routes")).isZero();
        assertThat(executions("SELECT conversation_id, unanswered")).as("no rule needs the count").isZero();
    }

    /** How often statements starting with {@code prefix} ran since the statistics were switched on. */
    private long executions(String prefix) throws java.sql.SQLException {
        try (java.sql.Connection c = db.connection(); var ps = c.prepareStatement("SELECT "
                + "COALESCE(SUM(EXECUTION_COUNT), 0) FROM INFORMATION_SCHEMA.QUERY_STATISTICS WHERE SQL_STATEMENT "
                + "LIKE ?")) {
            ps.setString(1, prefix + "%");
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aRerouteMovesTheConversationToTheNewDeskWhichOpensItsOwnTicketInOrder() throws Exception {
        open(new RulesForTests(false, true), InboundWriter.Mode.SINGLE_NODE);
        String first = ingest(msg("m-1", "t-1", "Hallo, mein Drucker druckt nicht"));
        DeliveryTask toGerman = tasksOf(first).get(0);
        journal.submit(deliveries.done(toGerman, "item-1", "T-1", Instant.now())).get(10, TimeUnit.SECONDS);

        String moved = ingest(msg("m-2", "t-1", "#move please, I need this in English"));
        String after = ingest(msg("m-3", "t-1", "Hallo nochmal"));

        assertThat(desksOf(moved)).containsExactly("desk-en");
        assertThat(desksOf(after)).as("the record was replaced: German text stays with the new desk")
                .containsExactly("desk-en");
        assertThat(stored(moved).metadata()).containsEntry(TriageRecord.ROUTE, "everything-else");
        DeliveryStore.Context atNewDesk = deliveries.context(tasksOf(moved).get(0));
        assertThat(atNewDesk.ticketRef()).as("the new desk opens a ticket of its own").isNull();
        assertThat(atNewDesk.conversation().deskTickets()).as("the old desk keeps its ticket")
                .containsEntry("desk-de", "T-1");
        assertThat(tasksOf(after).get(0).id()).isGreaterThan(tasksOf(moved).get(0).id());
        assertThat(deliveries.context(toGerman).assignment()).as("what was routed to the old desk keeps its group")
                .isEqualTo(RulesForTests.GROUP);
        assertThat(atNewDesk.assignment()).isEmpty();
    }

    @Test
    void plainRoutesRecordNothingAndEachMessageGoesWhereTheRoutesSayNow() throws Exception {
        open(new RulesForTests(false, false), InboundWriter.Mode.SINGLE_NODE);

        String first = ingest(msg("m-1", "t-1", "Hallo, mein Drucker druckt nicht"));
        String second = ingest(msg("m-2", "t-1", "Any news?"));

        assertThat(desksOf(first)).containsExactly("desk-de");
        assertThat(desksOf(second)).containsExactly("desk-en");
        assertThat(count(db, "SELECT COUNT(*) FROM conversation_routes")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM conversation_triage")).isZero();
    }

    @Test
    void aConversationFromBeforeTheRoutesHadConditionsIsRecordedWithItsNextMessage() throws Exception {
        open(new RulesForTests(false, false), InboundWriter.Mode.SINGLE_NODE);
        ingest(msg("m-1", "t-1", "Hello, my printer is broken"));
        assertThat(count(db, "SELECT COUNT(*) FROM conversation_routes")).isZero();

        reopen(new RulesForTests(false, true));
        String german = ingest(msg("m-2", "t-1", "Hallo, mein Drucker druckt nicht"));
        String english = ingest(msg("m-3", "t-1", "Any news?"));

        assertThat(desksOf(german)).containsExactly("desk-de");
        assertThat(desksOf(english)).as("held by the record its German message made").containsExactly("desk-de");
        assertThat(StoreTestSupport.string(db, "SELECT route FROM conversation_routes WHERE active = TRUE")).isEqualTo("german");
    }

    @Test
    void theAssignmentOfTheRecordedRouteReachesTheDeskDeliveryOfEveryMessage() throws Exception {
        open(new RulesForTests(false, true), InboundWriter.Mode.SINGLE_NODE);
        String first = ingest(msg("m-1", "t-1", "Hallo, mein Drucker druckt nicht"));
        String second = ingest(msg("m-2", "t-1", "Any news?"));
        String english = ingest(msg("m-3", "t-2", "Hello"));

        DeliveryStore.Context head = deliveries.context(tasksOf(first).get(0));
        assertThat(head.assignment()).isEqualTo(RulesForTests.GROUP);
        assertThat(deliveries.context(tasksOf(second).get(0)).assignment()).isEqualTo(RulesForTests.GROUP);
        assertThat(deliveries.followUp(tasksOf(second).get(0), head).assignment()).isEqualTo(RulesForTests.GROUP);
        assertThat(deliveries.context(tasksOf(english).get(0)).assignment()).as("the desk's default").isEmpty();
    }

    @Test
    void aRecordedDeskThatIsNoLongerConfiguredGivesWayToTheCurrentDecision() throws Exception {
        RulesForTests rules = new RulesForTests(false, true);
        open(rules, InboundWriter.Mode.SINGLE_NODE);
        String first = ingest(msg("m-1", "t-1", "Hallo, mein Drucker druckt nicht"));
        rules.desks.remove("desk-de");

        String second = ingest(msg("m-2", "t-1", "Any news?"));
        String third = ingest(msg("m-3", "t-1", "Hello?"));

        assertThat(desksOf(first)).containsExactly("desk-de");
        assertThat(desksOf(second)).containsExactly("desk-en");
        assertThat(desksOf(third)).containsExactly("desk-en");
        assertThat(StoreTestSupport.string(db, "SELECT desk FROM conversation_routes WHERE active = TRUE")).isEqualTo("desk-en");
    }

    @Test
    void theUnansweredCountGoesOneTwoThreeIsResetByADeskReplyAndSurvivesARestart() throws Exception {
        RulesForTests rules = new RulesForTests(true, true);
        open(rules, InboundWriter.Mode.SINGLE_NODE);

        String first = ingest(msg("m-1", "t-1", "Hello, my printer is broken"));
        String second = ingest(msg("m-2", "t-1", "Hello?"));
        String third = ingest(msg("m-3", "t-1", "Anybody there?"));
        assertThat(stored(first).tags()).contains("unanswered:1").doesNotContain("chasing");
        assertThat(stored(second).tags()).contains("unanswered:2");
        assertThat(stored(third).tags()).contains("unanswered:3", "chasing");
        assertThat(stored(third).priority()).isEqualTo(Priority.HIGH);
        assertThat(desksOf(third)).containsExactly("desk-en");

        journal.submit(deliveries.done(tasksOf(first).get(0), "item-1", "T-1", Instant.now()))
                .get(10, TimeUnit.SECONDS);
        deskReply("desk-en", "T-1", "reply-1");
        String afterAnswer = ingest(msg("m-4", "t-1", "Thanks, but it still does not print"));
        assertThat(stored(afterAnswer).tags()).contains("unanswered:1").doesNotContain("chasing");
        assertThat(stored(afterAnswer).priority()).isEqualTo(Priority.NORMAL);

        reopen(rules);
        String afterRestart = ingest(msg("m-5", "t-1", "Hello?"));
        assertThat(stored(afterRestart).tags()).contains("unanswered:2");
    }

    @Test
    void messagesOfOneGroupAreCountedInOrderAndADuplicateWebhookIsStoredAndDeliveredOnce() throws Exception {
        open(new RulesForTests(true, true), InboundWriter.Mode.SINGLE_NODE);
        ingest(msg("m-1", "t-1", "Hello, my printer is broken"));

        CountDownLatch release = StoreTestSupport.holdWriter(journal);
        List<CompletableFuture<IngestReport>> group = new ArrayList<>();
        for (Message m : List.of(msg("m-2", "t-1", "Hello?"), msg("m-2", "t-1", "Hello?"),
                msg("m-3", "t-1", "Anybody there?"))) {
            group.add(journal.submit(writer.work("web", Inbound.messages(List.of(m)))));
        }
        release.countDown();
        List<IngestReport> reports = new ArrayList<>();
        for (CompletableFuture<IngestReport> f : group) {
            reports.add(f.get(10, TimeUnit.SECONDS));
        }
        // The duplicate arriving after the first one was stored: the same again, still once.
        IngestReport late = journal.submit(writer.work("web", Inbound.messages(List.of(msg("m-3", "t-1",
                "Anybody there?"))))).get(10, TimeUnit.SECONDS);

        assertThat(reports.get(1).duplicates()).isOne();
        assertThat(late.duplicates()).isOne();
        assertThat(stored(reports.get(0).storedMessageIds().get(0)).tags()).contains("unanswered:2");
        assertThat(stored(reports.get(2).storedMessageIds().get(0)).tags()).contains("unanswered:3", "chasing");
        assertThat(count(db, "SELECT COUNT(*) FROM messages")).isEqualTo(3);
        assertThat(count(db, "SELECT COUNT(*) FROM outbox")).isEqualTo(3);
        assertThat(StoreTestSupport.string(db, "SELECT CAST(unanswered AS VARCHAR) FROM conversation_triage"))
                .isEqualTo("3");
    }

    @Test
    void theRouteRecordIsWrittenWithTheMessageOrNotAtAll() throws Exception {
        // A desk name longer than the store keeps: the unit fails when its rows are written.
        open(new RulesForTests(false, true, "d".repeat(120)), InboundWriter.Mode.SINGLE_NODE);

        assertThatThrownBy(() -> ingest(msg("m-1", "t-1", "Hallo, mein Drucker druckt nicht")))
                .isInstanceOf(ExecutionException.class);

        assertThat(count(db, "SELECT COUNT(*) FROM conversation_routes")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM messages")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM conversations")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM outbox")).isZero();
        String english = ingest(msg("m-2", "t-2", "Hello"));
        assertThat(desksOf(english)).containsExactly("desk-en");
    }

    @Test
    void theHubsNotesInARoutedConversationGoToItsRecordedDesksNotThePlainRoutes() throws Exception {
        open(new RulesForTests(false, true), InboundWriter.Mode.SINGLE_NODE);
        String first = ingest(msg("m-1", "t-1", "Hallo, mein Drucker druckt nicht"));
        String conversation = stored(first).conversationId();

        List<String> toDesks = journal.submit((c, after) -> writer.storeInternalNote(c, after, new InternalNote(
                conversation, "web", "note:1", "First response overdue", java.util.Set.of("sla-breached"), null,
                Map.of()), Instant.now())).get(10, TimeUnit.SECONDS);

        assertThat(toDesks).as("not the plain routes' archive").containsExactly("desk-de");
    }

    @Test
    void anAcknowledgementsNoteGoesToTheDesksOfTheMessageItAnswers() throws Exception {
        open(new RulesForTests(false, true), InboundWriter.Mode.SINGLE_NODE);
        var block = new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"enabled\":true}");
        writer.automate(new dev.omnibridge.hub.automation.Acknowledger(
                dev.omnibridge.hub.automation.AcknowledgementConfig.read(block, Map.of(), new ArrayList<>()),
                dev.omnibridge.hub.automation.CalendarLookup.none(),
                dev.omnibridge.hub.automation.ChannelLimits.none()));

        String first = ingest(msg("m-1", "t-1", "Hallo, mein Drucker druckt nicht"));

        List<DeliveryTask> ackToDesks = scheduled.stream().filter(t -> !t.messageId().equals(first)
                && t.kind() == DeliveryTask.TargetKind.DESK).toList();
        assertThat(ackToDesks).extracting(DeliveryTask::target).containsExactly("desk-de");
        assertThat(scheduled).filteredOn(t -> t.kind() == DeliveryTask.TargetKind.CHANNEL).hasSize(1);
    }
}
