package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.store.IngestReport;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Urgent first (issue 19): when deliveries wait at a slow desk, lanes of URGENT and HIGH conversations run before
 * NORMAL and LOW ones, order within a conversation stays, waiting ages a lane so that nothing starves, and an urgent
 * row committed behind a backlog that is still in the store does not wait for the pages. The desk is slow because
 * the dispatcher has two workers and every delivery takes a few milliseconds: the lanes queue for a worker, as they
 * do at a desk paced by its rate limit. Real H2 store, the hub's writer and dispatcher.
 */
class UrgentFirstDeliveryTest {
    @TempDir
    Path dir;

    private DeliveryRig rig;

    @BeforeEach
    void open() {
        rig = new DeliveryRig(dir, "desk");
    }

    @AfterEach
    void close() {
        rig.close();
    }

    private Dispatcher dispatcher(DispatcherTest.FakeTargets desk, int window, DeliveryOrder order) {
        Dispatcher d = new Dispatcher(rig.store, rig.journal, desk, new Metrics(),
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)), 10, 2, Clock.systemUTC(), window, order);
        return rig.serve(d);
    }

    /** A desk that takes a few milliseconds per delivery: with two workers, lanes wait for their turn. */
    private static DispatcherTest.FakeTargets slowDesk(long millis) {
        DispatcherTest.FakeTargets desk = new DispatcherTest.FakeTargets();
        desk.workMillis = millis;
        return desk;
    }

    private CompletableFuture<IngestReport> submit(String thread, String text, Priority priority) {
        return rig.submit(DeliveryRig.customerMessage(thread, text).priority(priority).build());
    }

    private void ingest(String thread, String text, Priority priority) throws Exception {
        submit(thread, text, priority).get(10, TimeUnit.SECONDS);
    }

    /** Stores NORMAL messages (thread, text) with no dispatcher running: the backlog an outage leaves. */
    private void backlog(List<String[]> threadAndText) throws Exception {
        rig.holdDeliveries();
        storeAll(threadAndText);
    }

    /** Stores NORMAL messages (thread, text), all submitted at once. */
    private void storeAll(List<String[]> threadAndText) throws Exception {
        List<CompletableFuture<IngestReport>> stored = new ArrayList<>();
        for (String[] m : threadAndText) {
            stored.add(submit(m[0], m[1], Priority.NORMAL));
        }
        CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    /** One message in each of {@code n} new conversations. */
    private static List<String[]> conversations(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> new String[] {prefix + i, "normal-" + i}).toList();
    }

    private static List<String> texts(DispatcherTest.FakeTargets desk) {
        return desk.deskDelivered.stream().map(d -> d.message().text()).toList();
    }

    private void awaitDelivered(DispatcherTest.FakeTargets desk, int n) {
        Poll.until(n + " delivered", () -> desk.deskDelivered.size() >= n, () -> desk.deskDelivered.size());
    }

    private String column(String sql, Object param) throws SQLException {
        try (Connection c = rig.db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "<no row>";
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void urgentMessagesOvertakeAQueuedNormalBacklogAtASlowDesk() throws Exception {
        backlog(conversations("n", 300));
        DispatcherTest.FakeTargets desk = slowDesk(8);
        dispatcher(desk, HubConfig.Delivery.DEFAULT_WINDOW, DeliveryOrder.priority()).recover();
        awaitDelivered(desk, 10);

        for (int i = 0; i < 5; i++) {
            ingest("u" + i, "urgent-" + i, Priority.URGENT);
        }
        awaitDelivered(desk, 305);

        List<String> order = texts(desk);
        // When they were committed, about 290 NORMAL deliveries were waiting; each urgent one went within a few
        // deliveries (the two in flight, and the ones started while it was being committed).
        for (int i = 0; i < 5; i++) {
            assertThat(order.indexOf("urgent-" + i)).as("urgent-%d's place among 305 deliveries", i)
                    .isLessThan(100);
        }
        assertThat(order).doesNotHaveDuplicates();
    }

    @Test
    void fifoOrderDeliversUrgentMessagesBehindTheBacklogAsBefore() throws Exception {
        backlog(conversations("n", 300));
        DispatcherTest.FakeTargets desk = slowDesk(8);
        dispatcher(desk, HubConfig.Delivery.DEFAULT_WINDOW, DeliveryOrder.fifo()).recover();
        awaitDelivered(desk, 10);

        ingest("u0", "urgent-0", Priority.URGENT);
        awaitDelivered(desk, 301);

        assertThat(texts(desk).indexOf("urgent-0")).as("the urgent message's place: after the waiting backlog")
                .isGreaterThan(250);
    }

    @Test
    void aConversationThatTurnsUrgentMidWayKeepsItsOrderAndGoesBeforeTheBacklog() throws Exception {
        // The conversation's first messages sit behind 300 others, beyond the window: still in the store.
        List<String[]> rows = new ArrayList<>(conversations("n", 300));
        for (int i = 0; i < 4; i++) {
            rows.add(new String[] {"turns", "before-" + i});
        }
        backlog(rows);
        DispatcherTest.FakeTargets desk = slowDesk(8);
        dispatcher(desk, 20, DeliveryOrder.priority()).recover();
        awaitDelivered(desk, 10);

        ingest("turns", "urgent", Priority.URGENT);
        ingest("turns", "after", Priority.NORMAL);
        awaitDelivered(desk, 306);

        List<String> order = texts(desk);
        assertThat(desk.deskTextsByThread().get("turns")).as("the conversation's order")
                .containsExactly("before-0", "before-1", "before-2", "before-3", "urgent", "after");
        assertThat(order.indexOf("urgent")).as("the urgent message's place among 306 deliveries").isLessThan(100);
        assertThat(order).doesNotHaveDuplicates().hasSize(306);
    }

    @Test
    void anUrgentMessageCommittedBehindABacklogInTheStoreIsDeliveredBeforeTheBacklogDrains() throws Exception {
        backlog(conversations("n", 400));
        DispatcherTest.FakeTargets desk = slowDesk(8);
        dispatcher(desk, 20, DeliveryOrder.priority()).recover();
        awaitDelivered(desk, 10);

        ingest("u", "urgent", Priority.URGENT);
        ingest("h", "high", Priority.HIGH);
        awaitDelivered(desk, 402);

        List<String> order = texts(desk);
        // 400 rows wait, only 20 (plus 2 read ahead) are in memory: the urgent ones do not wait for the pages.
        assertThat(order.indexOf("urgent")).as("the urgent message's place among 402").isLessThan(60);
        assertThat(order.indexOf("high")).as("the high one's place among 402").isLessThan(60);
        assertThat(order).doesNotHaveDuplicates();
    }

    @Test
    void anUrgentMessageBehindABacklogThatCameWhileRunningGoesFirstAndKeepsItsConversationsOrder() throws Exception {
        DispatcherTest.FakeTargets desk = slowDesk(8);
        dispatcher(desk, 20, DeliveryOrder.priority());
        ingest("first", "first", Priority.NORMAL);
        awaitDelivered(desk, 1); // the target is caught up: what comes next fills the window and falls behind
        List<String[]> rows = new ArrayList<>(conversations("n", 400));
        for (int i = 0; i < 3; i++) {
            rows.add(new String[] {"turns", "before-" + i});
        }
        storeAll(rows);

        ingest("u", "urgent", Priority.URGENT); // a new conversation: nothing of it waits
        ingest("turns", "urgent-turn", Priority.URGENT); // its earlier messages wait in the store
        awaitDelivered(desk, 406);

        List<String> order = texts(desk);
        assertThat(order.indexOf("urgent")).as("the new urgent conversation's place among 406").isLessThan(60);
        assertThat(desk.deskTextsByThread().get("turns")).as("the conversation's order")
                .containsExactly("before-0", "before-1", "before-2", "urgent-turn");
        assertThat(order.indexOf("urgent-turn")).as("the urgent follow-up's place among 406").isLessThan(100);
        assertThat(order).doesNotHaveDuplicates().hasSize(406);
    }

    @Test
    void urgentMessagesLeftInTheStoreByAnEarlierRunGoFirstAfterARestart() throws Exception {
        List<String[]> rows = new ArrayList<>(conversations("n", 300));
        backlog(rows);
        submit("u", "urgent", Priority.URGENT).get(10, TimeUnit.SECONDS);
        DispatcherTest.FakeTargets desk = slowDesk(2);
        dispatcher(desk, 20, DeliveryOrder.priority()).recover();
        awaitDelivered(desk, 301);

        assertThat(texts(desk).indexOf("urgent")).as("the stored urgent message's place among 301").isLessThan(25);
    }

    @Test
    void aLowMessageIsDeliveredWhileUrgentOnesKeepArriving() throws Exception {
        // Short slacks, so that aging shows within a test: a LOW lane waits at most ~300 ms for newer urgent ones.
        DeliveryOrder order = DeliveryOrder.priority(Map.of(Priority.URGENT, Duration.ZERO,
                Priority.HIGH, Duration.ofMillis(100), Priority.NORMAL, Duration.ofMillis(200),
                Priority.LOW, Duration.ofMillis(300)));
        DispatcherTest.FakeTargets desk = slowDesk(10);
        AtomicBoolean urgentArriving = new AtomicBoolean(true);
        AtomicBoolean lowWhileUrgentArrived = new AtomicBoolean();
        DispatcherTest.DeskBehaviour deliver = DispatcherTest.FakeTargets::ticket;
        desk.desk = d -> {
            if (d.message().text().equals("low")) {
                lowWhileUrgentArrived.set(urgentArriving.get());
            }
            return deliver.deliver(d);
        };
        dispatcher(desk, HubConfig.Delivery.DEFAULT_WINDOW, order);
        // Two workers at 10 ms a delivery take 200 a second; urgent ones come at about 400 a second.
        for (int i = 0; i < 40; i++) {
            submit("u" + i, "urgent-" + i, Priority.URGENT);
        }
        ingest("low", "low", Priority.LOW);
        List<CompletableFuture<IngestReport>> stream = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int n = 40;
        while (System.nanoTime() < until && !texts(desk).contains("low")) {
            stream.add(submit("u" + n, "urgent-" + n, Priority.URGENT));
            n++;
            Thread.sleep(2);
        }
        urgentArriving.set(false);
        CompletableFuture.allOf(stream.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        awaitDelivered(desk, n + 1);

        assertThat(lowWhileUrgentArrived).as("the LOW message went while urgent ones kept arriving").isTrue();
        List<String> delivered = texts(desk);
        assertThat(delivered.indexOf("low")).as("the LOW message's place: not after every urgent one")
                .isLessThan(delivered.size() - 20);
    }

    @Test
    void aDeadLetterKeepsItsPriorityAndItsReplayGoesFirst() throws Exception {
        DispatcherTest.FakeTargets desk = slowDesk(3);
        AtomicBoolean refuse = new AtomicBoolean(true);
        desk.desk = d -> {
            if (refuse.get() && d.message().text().equals("urgent")) {
                throw DeliveryException.permanent("HTTP 422: invalid");
            }
            return DispatcherTest.FakeTargets.ticket(d);
        };
        Dispatcher dispatcher = dispatcher(desk, HubConfig.Delivery.DEFAULT_WINDOW, DeliveryOrder.priority());
        ingest("u", "urgent", Priority.URGENT);
        Poll.until("the urgent message dead-lettered", () -> {
            try {
                return !rig.store.deadLetters(10).isEmpty();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        long id = rig.store.deadLetters(10).get(0).id();
        assertThat(column("SELECT priority FROM dead_letters WHERE id = ?", id)).isEqualTo("URGENT");

        refuse.set(false);
        storeAll(conversations("n", 200));
        awaitDelivered(desk, 10);
        assertThat(dispatcher.replay(id)).isTrue();
        awaitDelivered(desk, 201);

        assertThat(texts(desk).indexOf("urgent")).as("the replayed urgent message's place among 201")
                .isLessThan(60);
    }
}
