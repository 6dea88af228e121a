package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.hub.store.StoreTestSupport.count;
import static dev.omnibridge.hub.store.StoreTestSupport.customerMessage;
import static dev.omnibridge.hub.store.StoreTestSupport.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal writer's fast path: a group's plain customer messages stored together, and what moved off it. */
class GroupIngestTest {
    private static final String ANN = "ann@example.com";

    @TempDir
    Path dir;

    private Database db;
    private Journal journal;
    private DeliveryStore deliveries;
    private final Map<String, List<String>> routes = new ConcurrentHashMap<>(Map.of("web", List.of("desk"),
            "other", List.of("desk")));
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private InboundWriter writer;

    @BeforeEach
    void open() {
        db = StoreTestSupport.openDatabase(dir);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent);
        writer = writer(InboundWriter.Mode.SINGLE_NODE, recent);
    }

    private InboundWriter writer(InboundWriter.Mode mode, RecentMessages recent) {
        return new InboundWriter(ch -> routes.getOrDefault(ch, List.of()), scheduled::add, clock, recent, mode);
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    private IngestReport ingest(String instance, Inbound inbound) throws Exception {
        return journal.submit(writer.work(instance, inbound)).get(10, TimeUnit.SECONDS);
    }

    private IngestReport ingest(Message m) throws Exception {
        return ingest(m.channel().instanceId(), Inbound.messages(List.of(m)));
    }

    private static Message msg(String instance, String id, String thread) {
        return customerMessage(instance, id, thread, ANN, "text of " + id);
    }


    /** Submits each inbound as its own unit into one group; returns their futures. */
    private List<CompletableFuture<IngestReport>> oneGroup(String instance, List<Inbound> units) throws Exception {
        CountDownLatch release = StoreTestSupport.holdWriter(journal);
        List<CompletableFuture<IngestReport>> futures = new ArrayList<>();
        for (Inbound u : units) {
            futures.add(journal.submit(writer.work(instance, u)));
        }
        release.countDown();
        return futures;
    }

    private static IngestReport done(CompletableFuture<IngestReport> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** How often statements starting with {@code prefix} ran since the database's statistics were switched on. */
    private long executions(String prefix) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT SUM(EXECUTION_COUNT) "
                + "FROM INFORMATION_SCHEMA.QUERY_STATISTICS WHERE SQL_STATEMENT LIKE ?")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void countStatements() throws SQLException {
        try (Connection c = db.connection(); var s = c.createStatement()) {
            s.execute("SET QUERY_STATISTICS TRUE");
        }
    }

    private String status(String thread) {
        return string(db, "SELECT status FROM conversations WHERE thread_key = ?", thread);
    }

    private Instant lastMessageAt(String thread) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = Sql.prepare(c, "SELECT last_message_at FROM "
                + "conversations WHERE thread_key = ?", thread); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private String mark(String email) {
        return string(db, "SELECT unreachable_reason FROM contact_addresses WHERE address = ?", email);
    }

    @Test
    void aGroupsPlainMessagesAreStoredWithOneInsertAndDuplicatesInsideTheGroupCountOnceInOrder() throws Exception {
        ingest(msg("web", "m-0a", "t1"));
        ingest(msg("web", "m-0b", "t2"));
        scheduled.clear();
        countStatements();
        long insertsBefore = executions("INSERT INTO messages");
        long dedupeBefore = executions("SELECT t.source_instance, t.source_id FROM (VALUES");

        List<CompletableFuture<IngestReport>> units = oneGroup("web", List.of(
                Inbound.messages(List.of(msg("web", "m-1", "t1"))),
                Inbound.messages(List.of(msg("web", "m-2", "t2"), msg("web", "m-2", "t2"))),
                Inbound.messages(List.of(msg("web", "m-1", "t1"))),
                Inbound.messages(List.of(msg("web", "m-3", "t1"))),
                Inbound.messages(List.of(msg("web", "m-0a", "t1"))),
                Inbound.messages(List.of(msg("web", "m-4", "t2")))));

        assertThat(done(units.get(0)).storedMessageIds()).hasSize(1);
        assertThat(done(units.get(1)).storedMessageIds()).hasSize(1);
        assertThat(done(units.get(1)).duplicates()).isEqualTo(1);
        assertThat(done(units.get(2)).storedMessageIds()).isEmpty();
        assertThat(done(units.get(2)).duplicates()).isEqualTo(1);
        assertThat(done(units.get(3)).storedMessageIds()).hasSize(1);
        assertThat(done(units.get(4)).storedMessageIds()).isEmpty();
        assertThat(done(units.get(4)).duplicates()).isEqualTo(1);
        assertThat(done(units.get(5)).storedMessageIds()).hasSize(1);

        List<String> stored = new ArrayList<>();
        for (int i : new int[] {0, 1, 3, 5}) {
            stored.add(done(units.get(i)).storedMessageIds().get(0));
        }
        assertThat(count(db, "SELECT COUNT(*) FROM messages")).isEqualTo(6);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM messages ORDER BY seq"); ResultSet rs = ps.executeQuery()) {
            List<String> order = new ArrayList<>();
            while (rs.next()) {
                order.add(rs.getString(1));
            }
            assertThat(order.subList(2, 6)).as("stored in the units' order").isEqualTo(stored);
        }
        assertThat(scheduled).extracting(DeliveryTask::messageId).containsExactlyElementsOf(stored);
        assertThat(scheduled).extracting(DeliveryTask::id).isSorted();
        assertThat(executions("INSERT INTO messages") - insertsBefore).as("multi-row inserts").isEqualTo(1);
        assertThat(executions("SELECT t.source_instance, t.source_id FROM (VALUES") - dedupeBefore)
                .as("dedupe queries").isEqualTo(1);
        assertThat(executions("UPDATE conversations")).as("conversation updates per message").isZero();
        assertThat(executions("UPDATE contact_addresses")).as("reachability updates per message").isZero();
    }

    @Test
    void theGroupsDedupeQueryLooksEachPairUpInTheSourceIndexInsteadOfReadingTheInstancesMessages() throws Exception {
        List<Inbound> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(Inbound.messages(List.of(msg("web", "s-" + i, "t1"))));
        }
        ingest(msg("web", "s-first", "t1"));
        for (CompletableFuture<IngestReport> f : oneGroup("web", many)) {
            done(f);
        }

        String text;
        try (Connection c = db.connection(); PreparedStatement ps = Sql.prepare(c, "EXPLAIN ANALYZE "
                + Sql.existingSql("messages", PlainMessageBatch.DEDUPE_KEYS, 4), "web", "s-1", "web", "s-2", "web",
                "new", "web", "new"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            text = rs.getString(1);
        }
        assertThat(text).contains("UQ_MESSAGE_SOURCE");
        List<Integer> scans = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(text).results()
                .map(r -> Integer.parseInt(r.group(1))).toList();
        assertThat(scans).isNotEmpty().allSatisfy(n -> assertThat(n).as(text).isLessThanOrEqualTo(10));
    }

    @Test
    void aBadUnitInsideABatchedGroupFailsAloneAndTheOthersAreStoredOnce() throws Exception {
        ingest(msg("web", "m-0", "t1"));
        ingest(msg("other", "o-0", "t9"));
        scheduled.clear();
        // A desk name longer than the outbox keeps: the database refuses this unit's outbox row.
        routes.put("other", List.of("d".repeat(150)));

        CountDownLatch release = StoreTestSupport.holdWriter(journal);
        CompletableFuture<IngestReport> a = journal.submit(writer.work("web",
                Inbound.messages(List.of(msg("web", "m-1", "t1")))));
        CompletableFuture<IngestReport> bad = journal.submit(writer.work("other",
                Inbound.messages(List.of(msg("other", "o-1", "t9")))));
        CompletableFuture<IngestReport> b = journal.submit(writer.work("web",
                Inbound.messages(List.of(msg("web", "m-2", "t1"), msg("web", "m-1", "t1")))));
        release.countDown();

        assertThat(done(a).storedMessageIds()).hasSize(1);
        assertThat(done(b).storedMessageIds()).hasSize(1);
        assertThat(done(b).duplicates()).isEqualTo(1);
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(SQLException.class);
        assertThat(count(db, "SELECT COUNT(*) FROM messages WHERE source_id = 'o-1'")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM messages WHERE source_instance = 'web'")).isEqualTo(3);
        assertThat(scheduled).extracting(DeliveryTask::messageId)
                .containsExactly(done(a).storedMessageIds().get(0), done(b).storedMessageIds().get(0));
    }

    /** Stores m-1 in t1 and lets the desk open ticket T-1 for it. */
    private void onTicket() throws Exception {
        IngestReport first = ingest(msg("web", "m-1", "t1"));
        DeliveryTask task = scheduled.stream().filter(t -> t.messageId().equals(first.storedMessageIds().get(0)))
                .findFirst().orElseThrow();
        journal.submit(deliveries.done(task, "item-1", "T-1", clock.instant())).get(10, TimeUnit.SECONDS);
    }

    private Inbound resolve() {
        return Inbound.none().withTicketUpdates(List.of(new TicketUpdate("T-1", ConversationStatus.RESOLVED)));
    }

    @Test
    void aMessageReopensAResolvedConversationInItsOwnTransactionAndItsTimeIsWrittenByTheFlush() throws Exception {
        onTicket();
        Instant created = lastMessageAt("t1");
        ingest("desk", resolve());
        assertThat(status("t1")).isEqualTo("RESOLVED");

        clock.advance(Duration.ofMinutes(1));
        ingest(msg("web", "m-2", "t1"));
        assertThat(status("t1")).isEqualTo("OPEN");
        assertThat(lastMessageAt("t1")).isEqualTo(clock.instant());

        clock.advance(Duration.ofMinutes(1));
        ingest(msg("web", "m-3", "t1"));
        assertThat(lastMessageAt("t1")).as("not written per message").isEqualTo(created.plus(Duration.ofMinutes(1)));

        assertThat(journal.submit(writer.activityFlush()).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(lastMessageAt("t1")).isEqualTo(clock.instant());
        assertThat(journal.submit(writer.activityFlush()).get(10, TimeUnit.SECONDS)).as("nothing new").isZero();
    }

    @Test
    void aResolveCommittedInTheGroupOfAMessageIsNotForgottenByTheNextMessage() throws Exception {
        onTicket();
        ingest("desk", resolve());

        // The message reopens; the resolve after it in the same group closes again: the writer must not take the
        // conversation for OPEN after that commit.
        List<CompletableFuture<IngestReport>> group = new ArrayList<>();
        CountDownLatch release = StoreTestSupport.holdWriter(journal);
        group.add(journal.submit(writer.work("web", Inbound.messages(List.of(msg("web", "m-2", "t1"))))));
        group.add(journal.submit(writer.work("desk", resolve())));
        release.countDown();
        for (CompletableFuture<IngestReport> f : group) {
            done(f);
        }
        assertThat(status("t1")).isEqualTo("RESOLVED");

        ingest(msg("web", "m-3", "t1"));
        assertThat(status("t1")).isEqualTo("OPEN");
    }

    @Test
    void aFailedSendMarkRecordedInTheGroupOfTheCustomersMessageEndsWithTheirNextMessage() throws Exception {
        ingest(msg("web", "m-1", "t1"));
        Inbound markAnn = Inbound.none().withAddressStatuses(List.of(AddressStatus.unreachable(Address.email(ANN),
                "chat not found")));
        ingest("web", markAnn);
        assertThat(mark(ANN)).isEqualTo("chat not found");

        // The message clears the mark; the mark recorded after it in the same group stands.
        List<CompletableFuture<IngestReport>> group = new ArrayList<>();
        CountDownLatch release = StoreTestSupport.holdWriter(journal);
        group.add(journal.submit(writer.work("web", Inbound.messages(List.of(msg("web", "m-2", "t1"))))));
        group.add(journal.submit(writer.work("web", markAnn)));
        release.countDown();
        for (CompletableFuture<IngestReport> f : group) {
            done(f);
        }
        assertThat(mark(ANN)).isEqualTo("chat not found");

        ingest(msg("web", "m-3", "t1"));
        assertThat(mark(ANN)).isNull();
    }

    @Test
    void aFlushWritesABoundedShareOfTheConversationsAndTheNextOneTheRest() throws Exception {
        int conversations = ConversationActivity.MAX_PER_FLUSH + 10;
        for (int i = 0; i < conversations; i++) {
            ingest(msg("web", "first-" + i, "t-" + i));
        }
        clock.advance(Duration.ofMinutes(1));
        List<Inbound> next = new ArrayList<>();
        for (int i = 0; i < conversations; i++) {
            next.add(Inbound.messages(List.of(msg("web", "next-" + i, "t-" + i))));
        }
        for (CompletableFuture<IngestReport> f : oneGroup("web", next)) {
            assertThat(done(f).storedMessageIds()).hasSize(1);
        }

        assertThat(journal.submit(writer.activityFlush()).get(10, TimeUnit.SECONDS))
                .isEqualTo(ConversationActivity.MAX_PER_FLUSH);
        assertThat(journal.submit(writer.activityFlush()).get(10, TimeUnit.SECONDS)).isEqualTo(10);
        assertThat(count(db, "SELECT COUNT(*) FROM conversations WHERE last_message_at = ?", clock.instant()))
                .isEqualTo(conversations);
    }

    @Test
    void withASharedStoreEveryMessageRunsTheExactStatementsSoOtherWritersChangesAreSeen() throws Exception {
        writer = writer(InboundWriter.Mode.SHARED_STORE, new RecentMessages());
        ingest(msg("web", "m-1", "t1"));
        ingest(msg("web", "m-2", "t1"));
        // Another node resolves the conversation and records a failed send to the customer.
        try (Connection c = db.connection(); var s = c.createStatement()) {
            s.executeUpdate("UPDATE conversations SET status = 'RESOLVED'");
            s.executeUpdate("UPDATE contact_addresses SET unreachable_reason = 'gone', "
                    + "unreachable_until_opt_in = FALSE");
        }

        clock.advance(Duration.ofMinutes(1));
        ingest(msg("web", "m-3", "t1"));

        assertThat(status("t1")).isEqualTo("OPEN");
        assertThat(lastMessageAt("t1")).as("written with the message").isEqualTo(clock.instant());
        assertThat(mark(ANN)).isNull();
    }
}
