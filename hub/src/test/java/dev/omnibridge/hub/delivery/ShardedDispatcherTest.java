package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.cluster.Bus;
import dev.omnibridge.hub.cluster.ClusterConfig;
import dev.omnibridge.hub.cluster.Fence;
import dev.omnibridge.hub.cluster.LeaseListener;
import dev.omnibridge.hub.cluster.LeaseLost;
import dev.omnibridge.hub.cluster.LeaseView;
import dev.omnibridge.hub.cluster.TestCluster;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.EmbeddedPostgresStore;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.OutboxShards;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25: two dispatchers ("nodes") on one PostgreSQL store share the conversations' deliveries through share
 * leases. The leases and the bus are test doubles (the store's lease rows, which the test hands from node to node,
 * checked and locked as the cluster's are; a bus that hands a notice to every node a little after it is published,
 * as a notice goes out on commit); the store, the
 * journal, the outbox, the writer and the dispatchers are the hub's own. Only node a has a writer; node b learns of
 * its rows through the bus (and the refill every second), as a node learns of another's.
 */
class ShardedDispatcherTest {
    private static final int SHARDS = 8;
    private static final String DESK = "desk";

    @TempDir
    Path dir;

    private LeaseTable table;
    private final FakeBus bus = new FakeBus();
    private final List<Delivered> delivered = new CopyOnWriteArrayList<>();
    private Node a;
    private Node b;
    private InboundWriter writer;

    @BeforeEach
    void open() throws Exception {
        OutboxShards.use(SHARDS, bus);
        String url = EmbeddedPostgresStore.newDatabaseUrl("sharded");
        a = new Node("a", url, dir.resolve("a"));
        b = new Node("b", url, dir.resolve("b"));
        table = new LeaseTable(url);
        writer = new InboundWriter(ch -> List.of(DESK), t -> a.dispatcher.enqueue(t), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        try {
            a.close();
            b.close();
            bus.close();
            table.close();
        } finally {
            OutboxShards.use(ClusterConfig.DEFAULT_SHARDS, null);
        }
    }

    @Test
    void twoNodesSplitTheSharesAndDeliverEveryRowOnceInItsConversationsOrder() throws Exception {
        a.start();
        b.start();
        for (int n = 0; n < SHARDS; n++) {
            table.grant(n < SHARDS / 2 ? a : b, n);
        }

        int conversations = 20;
        int each = 15;
        storeRoundRobin(conversations, each);

        Poll.until("every message at the desk", () -> firstArrivals().size() == conversations * each,
                () -> firstArrivals().size());
        Poll.until("every outcome recorded", () -> pendingRows() == 0, this::pendingRows);
        assertThat(delivered).as("each message once, under one key").hasSize(conversations * each);
        assertInOrder();
        Map<String, Set<String>> nodesOf = new HashMap<>();
        delivered.forEach(d -> nodesOf.computeIfAbsent(d.conversation, k -> new HashSet<>()).add(d.node));
        assertThat(nodesOf.values()).as("each conversation delivered by one node").allSatisfy(s -> assertThat(s).hasSize(1));
        delivered.forEach(d -> assertThat(d.node).as("the node holding share " + OutboxShards.of(d.conversation))
                .isEqualTo(OutboxShards.of(d.conversation) < SHARDS / 2 ? "a" : "b"));
        assertThat(delivered.stream().map(d -> d.node).distinct()).as("both nodes delivered").hasSize(2);
        assertThat(count("SELECT COUNT(*) FROM delivery_results")).isEqualTo(conversations * each);
    }

    @Test
    void sharesMovingMidStreamKeepEachConversationInOrderAndLoseNothing() throws Exception {
        a.desk.pace = Duration.ofMillis(2);
        b.desk.pace = Duration.ofMillis(2);
        a.start();
        b.start();
        for (int n = 0; n < SHARDS; n++) {
            table.grant(a, n);
        }
        int conversations = 10;
        int each = 12;
        Thread sender = new Thread(() -> {
            try {
                storeRoundRobin(conversations, each);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sender.start();
        Poll.until("a third delivered", () -> firstArrivals().size() >= conversations * each / 3);
        for (int n = SHARDS / 2; n < SHARDS; n++) {
            table.grant(b, n); // a hears that it lost them, b that it has them
        }
        Poll.until("two thirds delivered", () -> firstArrivals().size() >= conversations * each * 2 / 3);
        for (int n = 0; n < SHARDS / 2; n++) {
            table.grant(b, n); // now b holds every share
        }
        sender.join(30_000);

        Poll.until("every message at the desk", () -> firstArrivals().size() == conversations * each,
                () -> firstArrivals().size());
        Poll.until("every outcome recorded", () -> pendingRows() == 0, this::pendingRows);
        assertInOrder();
        assertThat(count("SELECT COUNT(*) FROM delivery_results")).isEqualTo(conversations * each);
        assertThat(count("SELECT COUNT(*) FROM dead_letters")).isZero();
        assertOneKeyPerMessage();
        assertThat(delivered.stream().filter(d -> d.node.equals("b"))).as("b took over").isNotEmpty();
        assertThat(a.dispatcher.heldShares()).isEmpty();
    }

    @Test
    void anOutcomeMadeAfterTheShareMovedIsRolledBackAndTheNewHolderDeliversUnderTheSameKey() throws Exception {
        a.start();
        b.start();
        for (int n = 0; n < SHARDS; n++) {
            table.grant(a, n);
        }
        CountDownLatch gate = new CountDownLatch(1);
        a.desk.holdWhile = d -> d.message().text().equals("m1") ? gate : null;
        store("solo", "m1");
        Poll.until("a delivers m1", () -> a.desk.started.contains("m1"));
        store("solo", "m2", "m3");
        String conversation = a.desk.conversations.get(0);
        int shard = OutboxShards.of(conversation);

        // a is paused in the desk call; its lease runs out and b takes the share over, without a hearing of it.
        table.moveSilently(b, shard);
        Poll.until("b delivers the conversation", () -> firstArrivals().size() == 3, this::firstArrivals);
        gate.countDown();

        Poll.until("a's late outcome refused and its lane dropped", () -> !a.dispatcher.heldShares().contains(shard));
        Poll.until("every outcome recorded", () -> pendingRows() == 0, this::pendingRows);
        assertThat(count("SELECT COUNT(*) FROM delivery_results")).as("one recorded outcome each").isEqualTo(3);
        assertThat(texts("b")).containsExactly("m1", "m2", "m3");
        assertThat(texts("a")).as("a sent m1 before the move, and nothing after").containsExactly("m1");
        assertOneKeyPerMessage();
        assertInOrder();
    }

    @Test
    void aDeadLetterReplayedOnAnotherNodeReachesTheNodeHoldingItsShare() throws Exception {
        a.start();
        b.start();
        for (int n = 0; n < SHARDS; n++) {
            table.grant(b, n); // a only writes and takes the operator's replay
        }
        b.desk.refuse = text -> text.equals("bad");
        store("replayed", "bad", "after");
        Poll.until("the bad one dead-lettered", () -> count("SELECT COUNT(*) FROM dead_letters") == 1);
        Poll.until("the next one delivered", () -> texts("b").contains("after"));
        long id = count("SELECT MAX(id) FROM dead_letters");
        b.desk.refuse = text -> false;

        assertThat(a.dispatcher.replay(id)).isTrue();

        Poll.until("b delivers the replayed one", () -> texts("b").contains("bad"), () -> texts("b"));
        Poll.until("its outcome recorded", () -> pendingRows() == 0, this::pendingRows);
        assertThat(texts("a")).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM dead_letters")).isZero();
        assertThat(count("SELECT COUNT(*) FROM delivery_results")).isEqualTo(2);
    }

    @Test
    void rowsStoredBeforeTheShareColumnGoToTheirConversationsShareWhenTheNodesStart() throws Exception {
        storeRoundRobin(10, 3);
        try (Connection c = a.db.connection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE outbox SET shard = 0"); // as migration V18_1 leaves the rows it finds
        }
        a.start();
        b.start();
        for (int n = 0; n < SHARDS; n++) {
            table.grant(n < SHARDS / 2 ? a : b, n);
        }

        Poll.until("every message at the desk", () -> firstArrivals().size() == 30, () -> firstArrivals().size());
        delivered.forEach(d -> assertThat(d.node).as("the node holding share " + OutboxShards.of(d.conversation))
                .isEqualTo(OutboxShards.of(d.conversation) < SHARDS / 2 ? "a" : "b"));
        assertThat(delivered).hasSize(30);
        assertInOrder();
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Message i of every conversation at once, then message i + 1 once those are stored: a conversation's order is
     * the order its messages were acknowledged in, as a channel's sender waits for each acknowledgement.
     */
    private void storeRoundRobin(int conversations, int each) throws Exception {
        for (int i = 1; i <= each; i++) {
            List<java.util.concurrent.CompletableFuture<?>> stored = new ArrayList<>();
            for (int c = 0; c < conversations; c++) {
                stored.add(submit("conv-" + c, "m" + i));
            }
            for (var f : stored) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private void store(String thread, String... texts) throws Exception {
        for (String text : texts) {
            submit(thread, text).get(30, TimeUnit.SECONDS);
        }
    }

    private java.util.concurrent.CompletableFuture<?> submit(String thread, String text) {
        return a.journal.submit(writer.work("web",
                Inbound.messages(List.of(DeliveryRig.customerMessage(thread, text).build()))));
    }

    /** Per message (idempotency key), the first arrival at the desk, in arrival order. */
    private List<Delivered> firstArrivals() {
        Set<String> seen = new HashSet<>();
        List<Delivered> first = new ArrayList<>();
        for (Delivered d : delivered) {
            if (seen.add(d.key)) {
                first.add(d);
            }
        }
        return first;
    }

    private void assertInOrder() {
        Map<String, Integer> last = new HashMap<>();
        for (Delivered d : firstArrivals()) {
            int seq = Integer.parseInt(d.text.substring(1));
            Integer before = last.put(d.conversation, seq);
            assertThat(seq).as("message %s of conversation %s after %s", seq, d.conversation, before)
                    .isEqualTo(before == null ? 1 : before + 1);
        }
    }

    /** A message may reach the desk twice (a move while it was sent), but only ever under its one key. */
    private void assertOneKeyPerMessage() {
        Map<String, Set<String>> keys = new HashMap<>();
        delivered.forEach(d -> keys.computeIfAbsent(d.conversation + "/" + d.text, k -> new HashSet<>()).add(d.key));
        assertThat(keys.values()).allSatisfy(k -> assertThat(k).hasSize(1));
    }

    private List<String> texts(String node) {
        return delivered.stream().filter(d -> d.node.equals(node)).map(d -> d.text).toList();
    }

    private long pendingRows() {
        return count("SELECT COUNT(*) FROM outbox");
    }

    private long count(String sql) {
        try (Connection c = a.db.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Delivered(String node, String key, String conversation, String text) {
    }

    /** A hub node's delivery side: its own pool, journal, outbox reads and dispatcher, and its own desk instance. */
    private final class Node implements AutoCloseable {
        final String id;
        final Database db;
        final Journal journal;
        final DeliveryStore store;
        final RecordingDesk desk;
        final FakeCluster cluster;
        final Dispatcher dispatcher;

        Node(String id, String url, Path dir) {
            this.id = id;
            db = Database.open(new HubConfig.Store(url, "postgres", ""), dir, 4);
            journal = new Journal(db);
            store = new DeliveryStore(db, new RecentMessages(), journal);
            desk = new RecordingDesk(id);
            cluster = new FakeCluster(this);
            dispatcher = new Dispatcher(store, journal, desk, new Metrics(),
                    new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)), 2, 4, Clock.systemUTC(),
                    HubConfig.Delivery.DEFAULT_WINDOW, DeliveryOrder.priority(), cluster);
        }

        void start() throws Exception {
            dispatcher.recover();
        }

        @Override
        public void close() {
            dispatcher.close();
            journal.close();
            db.close();
        }
    }

    /** A desk instance of one node: records each delivery it completes (into the test's shared list). */
    private final class RecordingDesk implements DeliveryTargets {
        final String node;
        final List<String> started = new CopyOnWriteArrayList<>();
        final List<String> conversations = new CopyOnWriteArrayList<>();
        volatile java.util.function.Function<DeskDelivery, CountDownLatch> holdWhile = d -> null;
        volatile Predicate<String> refuse = text -> false;
        volatile Duration pace = Duration.ZERO;

        RecordingDesk(String node) {
            this.node = node;
        }

        @Override
        public DeskResult deliverToDesk(String instanceId, DeskDelivery d) {
            String text = d.message().text();
            started.add(text);
            conversations.add(d.conversation().id());
            CountDownLatch gate = holdWhile.apply(d);
            try {
                if (gate != null) {
                    gate.await(30, TimeUnit.SECONDS);
                }
                if (!pace.isZero()) {
                    Thread.sleep(pace.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (refuse.test(text)) {
                throw DeliveryException.permanent("refused");
            }
            delivered.add(new Delivered(node, d.idempotencyKey(), d.conversation().id(), text));
            return new DeskResult("T-" + d.conversation().id(), "i-" + d.idempotencyKey());
        }

        @Override
        public String sendToChannel(String instanceId, OutboundMessage message) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * The lease rows (table {@code cluster_leases}), moved by the test: who holds which share under which token. An
     * outcome's transaction checks and locks its row ({@code FOR SHARE}), so a move waits for it, as a take-over does.
     */
    private static final class LeaseTable implements AutoCloseable {
        private final Map<String, Fence> held = new HashMap<>();
        private final Map<String, Map<String, LeaseListener>> listeners = new ConcurrentHashMap<>();
        private final Connection db;
        private long tokens;

        LeaseTable(String url) throws java.sql.SQLException {
            db = java.sql.DriverManager.getConnection(url, "postgres", "");
            try (Statement s = db.createStatement()) {
                for (int n = 0; n < SHARDS; n++) {
                    s.executeUpdate("INSERT INTO cluster_leases (name, token) VALUES ('shard:" + n + "', 0)");
                }
            }
        }

        @Override
        public void close() {
            try {
                db.close();
            } catch (java.sql.SQLException e) {
                // the test is over
            }
        }

        static boolean holds(Connection c, Fence fence) throws java.sql.SQLException {
            try (var ps = c.prepareStatement("SELECT 1 FROM cluster_leases WHERE name = ? AND holder = ? AND token = ? "
                    + "FOR SHARE")) {
                ps.setString(1, fence.name());
                ps.setString(2, fence.holder());
                ps.setLong(3, fence.token());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }

        void want(String node, String name, LeaseListener listener) {
            listeners.computeIfAbsent(node, k -> new ConcurrentHashMap<>()).put(name, listener);
        }

        /** The share moves to {@code to}: its holder hears it lost it, then {@code to} that it has it. */
        void grant(Node to, int shard) {
            move(to, shard, true);
        }

        /** As when the holder was paused past its lease: the share moves, and the old holder hears nothing. */
        void moveSilently(Node to, int shard) {
            move(to, shard, false);
        }

        private void move(Node to, int shard, boolean tellHolder) {
            String name = "shard:" + shard;
            Fence old;
            Fence fence;
            synchronized (this) {
                old = held.get(name);
                fence = new Fence(name, to.id, ++tokens);
                try (var ps = db.prepareStatement("UPDATE cluster_leases SET holder = ?, token = ? WHERE name = ?")) {
                    ps.setString(1, to.id);
                    ps.setLong(2, fence.token());
                    ps.setString(3, name);
                    ps.executeUpdate(); // waits for transactions that verified the old holder's fence
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                held.put(name, fence);
            }
            if (old != null && tellHolder) {
                listeners.get(old.holder()).get(name).lost(old);
            }
            listeners.get(to.id).get(name).acquired(fence);
        }

        synchronized boolean valid(Fence fence) {
            return fence.none() || fence.equals(held.get(fence.name()));
        }

        synchronized List<LeaseView> all() {
            return held.values().stream().map(f -> new LeaseView(f.name(), f.holder(), f.token(), null, null))
                    .toList();
        }
    }

    /** One node's view of the test's cluster: its leases are the test's lease rows, shared by all nodes. */
    private final class FakeCluster extends TestCluster {
        private final Node node;

        FakeCluster(Node node) {
            super(node.id, bus.of(node.id));
            this.node = node;
        }

        @Override
        public Wanted want(String name, LeaseListener listener) {
            table.want(node.id, name, listener);
            return () -> { };
        }

        @Override
        public void verify(Connection c, Fence fence) throws java.sql.SQLException {
            if (!fence.none() && !LeaseTable.holds(c, fence)) {
                throw new LeaseLost(fence);
            }
        }

        @Override
        public boolean stillHeld(Fence fence) {
            return table.valid(fence);
        }

        @Override
        public List<LeaseView> all() {
            return table.all();
        }
    }

    /**
     * Notices reach every node's subscribers 100 ms after they are published (a real notice goes out when its
     * transaction commits; this one cannot see the commit).
     */
    private static final class FakeBus implements Bus {
        private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();

        Bus of(String node) {
            return this;
        }

        @Override
        public void publish(Connection c, String topic, String payload) {
            publish(topic, payload);
        }

        @Override
        public void publish(String topic, String payload) {
            later.schedule(() -> handlers.getOrDefault(topic, List.of()).forEach(h -> h.accept(payload)), 100,
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public void subscribe(String topic, Consumer<String> handler) {
            handlers.computeIfAbsent(topic, k -> new CopyOnWriteArrayList<>()).add(handler);
        }

        void close() {
            later.shutdownNow();
        }
    }
}
