package dev.omnibridge.hub.store;

import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.hub.store.StoreTestSupport.count;
import static dev.omnibridge.hub.store.StoreTestSupport.customerMessage;
import static dev.omnibridge.hub.store.StoreTestSupport.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A delivery's way through the three tables of migration V5: pending in {@code outbox}, then finished in
 * {@code delivery_results} or given up in {@code dead_letters}, always under the same id; outcomes made together
 * written together; a V4 store's rows carried over.
 */
class OutboxLifecycleTest {
    @TempDir
    Path dir;

    private Database db;
    private Journal journal;
    private DeliveryStore store;
    private JournalQueries queries;
    private InboundWriter writer;
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();

    private void open() {
        db = StoreTestSupport.openDatabase(dir);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        store = new DeliveryStore(db, recent, journal);
        queries = new JournalQueries(db);
        writer = new InboundWriter(ch -> ch.equals("web") ? List.of("desk") : List.of(), scheduled::add,
                Clock.systemUTC(), recent);
    }

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
            db.close();
        }
    }

    private DeliveryTask ingest(String id, String thread) throws Exception {
        scheduled.clear();
        journal.submit(writer.work("web", Inbound.messages(List.of(customerMessage("web", id, thread,
                "ann@example.com", "text of " + id))))).get(10, TimeUnit.SECONDS);
        return scheduled.get(0);
    }

    private <T> T commit(TxWork<T> work) throws Exception {
        return journal.submit(work).get(10, TimeUnit.SECONDS);
    }

    private String status(DeliveryTask task) throws Exception {
        return queries.message(task.messageId()).orElseThrow().deliveries().stream()
                .filter(d -> d.id() == task.id()).findFirst().orElseThrow().status();
    }

    @Test
    void aDoneDeliveryLeavesTheOutboxAndIsKeptAsAResultUnderItsId() throws Exception {
        open();
        DeliveryTask task = ingest("m-1", "t-1");
        assertThat(count(db, "SELECT COUNT(*) FROM outbox WHERE id = ?", task.id())).isOne();
        assertThat(status(task)).isEqualTo("PENDING");

        commit(store.done(task, "item-1", "T-1", Instant.now()));

        assertThat(count(db, "SELECT COUNT(*) FROM outbox")).isZero();
        assertThat(string(db, "SELECT status FROM delivery_results WHERE id = ?", task.id())).isEqualTo("DONE");
        assertThat(string(db, "SELECT result_ref FROM delivery_results WHERE id = ?", task.id())).isEqualTo("item-1");
        JournalQueries.DeliveryView view = queries.message(task.messageId()).orElseThrow().deliveries().get(0);
        assertThat(view.id()).isEqualTo(task.id());
        assertThat(view.status()).isEqualTo("DONE");
        assertThat(view.attempts()).isEqualTo(1);
        assertThat(view.resultRef()).isEqualTo("item-1");
        assertThat(queries.conversation(task.conversationId()).orElseThrow().deskTickets())
                .containsEntry("desk", "T-1");
    }

    @Test
    void theDesksReportOfTheHubsOwnPostIsRecognisedFromTheResults() throws Exception {
        open();
        DeliveryTask task = ingest("m-1", "t-1");
        commit(store.done(task, "item-1", "T-1", Instant.now()));

        IngestReport echo = commit(writer.work("desk", Inbound.replies(List.of(
                new DeskReply("T-1", "item-1", Author.agent("Alice"), "text of m-1", null, null, null, null)))));
        IngestReport answer = commit(writer.work("desk", Inbound.replies(List.of(
                new DeskReply("T-1", "item-2", Author.agent("Alice"), "Hello Ann", null, null, null, null)))));

        assertThat(echo.storedMessageIds()).isEmpty();
        assertThat(echo.skipped()).isOne();
        assertThat(answer.storedMessageIds()).hasSize(1);
        try (Connection c = db.connection()) {
            assertThat(Outbox.sentByHub(c, "desk", List.of("item-1", "item-2", "item-3"),
                    DeliveryTask.TargetKind.DESK)).containsExactly("item-1");
            assertThat(Outbox.sentByHub(c, "desk", List.of("item-1"), DeliveryTask.TargetKind.CHANNEL)).isEmpty();
        }
    }

    @Test
    void aDeadLetterKeepsItsIdAndIsReplayedIntoTheOutboxUnderIt() throws Exception {
        open();
        DeliveryTask task = ingest("m-1", "t-1");
        DeliveryTask failed = task.withAttempt(3, null);
        commit(store.dead(failed, "desk said no", Instant.now()));

        assertThat(count(db, "SELECT COUNT(*) FROM outbox")).isZero();
        assertThat(store.deadLetters(10)).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(task.id());
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.reason()).isEqualTo("desk said no");
        });
        assertThat(status(task)).isEqualTo("DEAD");
        assertThat(commit(store.countByState())).containsEntry("DEAD", 1L).containsEntry("PENDING", 0L);

        DeliveryTask replayed = commit(store.replay(task.id(), Instant.now())).orElseThrow();

        assertThat(replayed.id()).isEqualTo(task.id());
        assertThat(replayed.attempts()).isZero();
        assertThat(store.deadLetters(10)).isEmpty();
        assertThat(store.pendingPage("desk", 0, 10)).extracting(DeliveryTask::id).containsExactly(task.id());
        assertThat(commit(store.replay(task.id(), Instant.now()))).as("no dead letter left to replay").isEmpty();
        commit(store.done(replayed, "item-9", null, Instant.now()));
        assertThat(status(task)).isEqualTo("DONE");
        assertThat(count(db, "SELECT COUNT(*) FROM dead_letters")).isZero();
    }

    @Test
    void aRetryKeepsTheRowInTheOutboxWithItsNewSchedule() throws Exception {
        open();
        DeliveryTask task = ingest("m-1", "t-1");
        Instant later = Instant.now().plus(Duration.ofMinutes(5));

        commit(store.retryLater(task.withAttempt(1, later), later, "timeout", Instant.now()));

        assertThat(store.pendingPage("desk", 0, 10)).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo(task.id());
            assertThat(t.attempts()).isOne();
            assertThat(t.notBefore()).isAfter(Instant.now());
        });
        assertThat(commit(store.countByState())).containsEntry("RETRYING", 1L).containsEntry("PENDING", 0L);
        JournalQueries.DeliveryView view = queries.message(task.messageId()).orElseThrow().deliveries().get(0);
        assertThat(view.status()).isEqualTo("PENDING");
        assertThat(view.lastError()).isEqualTo("timeout");
    }

    @Test
    void idsGrowInCommitOrderAcrossTheThreeTables() throws Exception {
        open();
        DeliveryTask first = ingest("m-1", "t-1");
        commit(store.done(first, "item-1", null, Instant.now()));
        DeliveryTask second = ingest("m-2", "t-2");
        commit(store.dead(second, "no", Instant.now()));
        close();
        journal = null;
        open(); // a new writer: it must number above the finished and dead rows, with an empty outbox

        DeliveryTask third = ingest("m-3", "t-3");

        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(third.id()).isGreaterThan(second.id());
    }

    @Test
    void outcomesMadeTogetherAreWrittenByOneStatementPairAndEachCallerLearnsOfTheCommit() throws Exception {
        open();
        List<DeliveryTask> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tasks.add(ingest("m-" + i, "t-" + i));
        }
        statistics(true);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> blocker = journal.submit((c, after) -> {
            await(release);
            return null;
        });
        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            DeliveryTask t = tasks.get(i);
            TxWork<Void> work = i % 5 == 4 ? store.dead(t, "bad", Instant.now())
                    : store.done(t, "item-" + i, null, Instant.now());
            outcomes.add(journal.submit(work));
        }
        assertThat(outcomes).noneMatch(CompletableFuture::isDone);

        release.countDown();
        blocker.get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(count(db, "SELECT COUNT(*) FROM outbox")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM delivery_results")).isEqualTo(16);
        assertThat(count(db, "SELECT COUNT(*) FROM dead_letters")).isEqualTo(4);
        assertThat(executions("DELETE FROM outbox")).as("DELETE statements for 20 outcomes").isOne();
        assertThat(executions("INSERT INTO delivery_results")).as("result INSERTs for 16 outcomes").isOne();
        assertThat(executions("INSERT INTO dead_letters")).as("dead-letter INSERTs for 4 outcomes").isOne();
    }

    @Test
    void anOutcomeThatCannotBeWrittenFailsAloneWhenOthersWereQueuedWithIt() throws Exception {
        open();
        DeliveryTask good = ingest("m-1", "t-1");
        DeliveryTask other = ingest("m-2", "t-2");
        DeliveryTask bad = ingest("m-3", "t-3");
        // A result under the bad one's id already exists: its INSERT fails, and with it the batch it was part of.
        try (Connection c = db.connection()) {
            Sql.update(c, "INSERT INTO delivery_results (id, message_id, target_instance, kind, status, attempts, "
                    + "result_ref, finished_at) VALUES (?, 'x', 'desk', 'DESK', 'DONE', 1, NULL, ?)", bad.id(),
                    Instant.now());
        }
        CountDownLatch release = new CountDownLatch(1);
        journal.submit((c, after) -> {
            await(release);
            return null;
        });
        CompletableFuture<Void> first = journal.submit(store.done(good, "item-1", null, Instant.now()));
        CompletableFuture<Void> failing = journal.submit(store.done(bad, "item-3", null, Instant.now()));
        CompletableFuture<Void> last = journal.submit(store.done(other, "item-2", null, Instant.now()));

        release.countDown();

        first.get(10, TimeUnit.SECONDS);
        last.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(string(db, "SELECT result_ref FROM delivery_results WHERE id = ?", good.id())).isEqualTo("item-1");
        assertThat(string(db, "SELECT result_ref FROM delivery_results WHERE id = ?", other.id())).isEqualTo("item-2");
        assertThat(store.pendingPage("desk", 0, 10)).extracting(DeliveryTask::id).containsExactly(bad.id());
    }

    @Test
    void makingWaitingRowsDueWalksALongOutboxInSteps() throws Exception {
        open();
        DeliveryTask seed = ingest("m-1", "t-1");
        int rows = DeliveryStore.DUE_NOW_CHUNK * 2 + 500;
        try (Connection c = db.connection()) {
            Sql.update(c, "INSERT INTO outbox (" + Outbox.PENDING_COLUMNS + ") SELECT ? + X, message_id, "
                    + "conversation_id, target_instance, kind, 1, DATEADD('HOUR', 1, next_attempt_at), 'down', "
                    + "created_at, updated_at, priority, shard FROM SYSTEM_RANGE(1, " + rows + "), outbox WHERE id = ?",
                    1_000_000L, seed.id());
        }
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as stored, not rounded

        int firstStep = commit(store.dueNow("desk", now));

        // The first step's rows are the first DUE_NOW_CHUNK of the target's, the seed (due already) among them.
        assertThat(firstStep).as("rows made due by the first unit").isEqualTo(DeliveryStore.DUE_NOW_CHUNK - 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count(db, "SELECT COUNT(*) FROM outbox WHERE next_attempt_at > ?", now) > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(count(db, "SELECT COUNT(*) FROM outbox WHERE next_attempt_at > ?", now)).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM outbox")).isEqualTo(rows + 1);
    }

    @Test
    void aVersion4StoreIsMigratedWithEveryDeliveryVisibleAndDeliverable() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("omnibridge").toAbsolutePath();
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").target("4").load()
                .migrate();
        Instant t0 = Instant.parse("2026-01-05T10:00:00Z");
        Message m = Message.builder().id("msg-1").direction(Direction.INBOUND)
                .channel(new ChannelRef("webhook-channel", "web")).channelMessageId("c-1").threadKey("t-1")
                .conversationId("conv-1").author(Author.customer("Ann", null)).text("hello").receivedAt(t0).build();
        Message sent = m.toBuilder().id("msg-2").direction(Direction.OUTBOUND).channelMessageId("desk:desk:r-1")
                .author(Author.agent("Alice")).text("answer").build();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            StoreTestSupport.writeOldConversation(c, m, t0);
            Sql.update(c, "INSERT INTO messages (id, source_instance, source_id, conversation_id, direction, body, "
                    + "received_at) VALUES ('msg-2', 'desk', 'r-1', 'conv-1', 'OUTBOUND', ?, ?)",
                    CanonicalJson.writeString(sent), t0);
            String row = "INSERT INTO deliveries (id, message_id, conversation_id, target_instance, kind, status, "
                    + "attempts, next_attempt_at, last_error, result_ref, created_at, updated_at) VALUES "
                    + "(?, ?, 'conv-1', ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            Sql.update(c, row, 10, "msg-1", "desk", "DESK", "DONE", 1, t0, null, "item-1", t0, t0.plusSeconds(1));
            Sql.update(c, row, 11, "msg-1", "desk2", "DESK", "PENDING", 0, t0, null, null, t0, t0);
            Sql.update(c, row, 12, "msg-1", "desk3", "DESK", "PENDING", 2, t0.plusSeconds(60), "503", null, t0,
                    t0.plusSeconds(30));
            Sql.update(c, row, 13, "msg-1", "desk4", "DESK", "DEAD", 8, t0, "gave up", null, t0,
                    t0.plusSeconds(90));
            Sql.update(c, row, 14, "msg-2", "web", "CHANNEL", "DONE", 1, t0, null, "ch-1", t0, t0.plusSeconds(2));
            Sql.update(c, row, 15, "msg-2", "web2", "CHANNEL", "SENT_BY_DESK", 0, t0, null, null, t0, t0);
        }

        open();

        assertThat(queries.message("msg-1").orElseThrow().deliveries()).extracting(
                JournalQueries.DeliveryView::id, JournalQueries.DeliveryView::status,
                JournalQueries.DeliveryView::attempts, JournalQueries.DeliveryView::lastError,
                JournalQueries.DeliveryView::resultRef, JournalQueries.DeliveryView::updatedAt).containsExactly(
                org.assertj.core.groups.Tuple.tuple(10L, "DONE", 1, null, "item-1", t0.plusSeconds(1)),
                org.assertj.core.groups.Tuple.tuple(11L, "PENDING", 0, null, null, t0),
                org.assertj.core.groups.Tuple.tuple(12L, "PENDING", 2, "503", null, t0.plusSeconds(30)),
                org.assertj.core.groups.Tuple.tuple(13L, "DEAD", 8, "gave up", null, t0.plusSeconds(90)));
        assertThat(queries.message("msg-2").orElseThrow().deliveries()).extracting(
                JournalQueries.DeliveryView::id, JournalQueries.DeliveryView::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(14L, "DONE"), org.assertj.core.groups.Tuple.tuple(15L,
                        "SENT_BY_DESK"));
        assertThat(queries.channelMessage("web", "ch-1")).map(Message::id).contains("msg-2");
        assertThat(store.pendingTargets()).containsExactlyInAnyOrder("desk2", "desk3");
        DeliveryTask waiting = store.pendingPage("desk3", 0, 10).get(0);
        assertThat(waiting.id()).isEqualTo(12);
        assertThat(waiting.attempts()).isEqualTo(2);
        assertThat(waiting.notBefore()).isEqualTo(t0.plusSeconds(60));
        assertThat(commit(store.countByState())).isEqualTo(Map.of("PENDING", 1L, "RETRYING", 1L, "DEAD", 1L));

        // Still deliverable: the pending row finishes, the dead letter replays under its id.
        DeliveryTask pending = store.pendingPage("desk2", 0, 10).get(0);
        assertThat(store.context(pending).message().text()).isEqualTo("hello");
        commit(store.done(pending, "item-2", null, Instant.now()));
        assertThat(commit(store.replay(13, Instant.now()))).map(DeliveryTask::id).contains(13L);
        assertThat(store.pendingTargets()).containsExactlyInAnyOrder("desk3", "desk4");
        // New rows are numbered above every migrated id.
        assertThat(ingest("m-new", "t-new").id()).isGreaterThan(15);
    }

    private void statistics(boolean on) throws Exception {
        try (Connection c = db.connection()) {
            Sql.update(c, "SET QUERY_STATISTICS " + (on ? "TRUE" : "FALSE"));
        }
    }

    /** How often statements starting with {@code prefix} ran since statistics were switched on (H2 only). */
    private long executions(String prefix) {
        return count(db, "SELECT COALESCE(SUM(EXECUTION_COUNT), 0) FROM INFORMATION_SCHEMA.QUERY_STATISTICS "
                + "WHERE SQL_STATEMENT LIKE ?", prefix + "%");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
