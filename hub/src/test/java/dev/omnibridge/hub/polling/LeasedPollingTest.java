package dev.omnibridge.hub.polling;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.hub.cluster.Fence;
import dev.omnibridge.hub.cluster.LeaseLost;
import dev.omnibridge.hub.cluster.TestCluster;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.OffsetStore;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.PollHandle;
import dev.omnibridge.spi.PollResult;
import dev.omnibridge.spi.PollSchedule;
import dev.omnibridge.spi.PolledSource;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25: a polled source runs only while this node holds its lease {@code poll:<instance>:<name>}, and what it
 * polled is stored (messages and offsets, in one transaction with the lease check, through the real journal and
 * writer on H2) only under a fence still current.
 */
class LeasedPollingTest {
    private static final Duration SOON = Duration.ofSeconds(10);
    private static final String LEASE = "poll:poller:items";
    private static final PollSchedule SCHEDULE = PollSchedule.builder().interval(Duration.ofMillis(20))
            .backoff(Duration.ofMillis(20), Duration.ofMillis(40)).offsetKeys("cursor").build();

    @TempDir
    Path dir;

    private Database db;
    private Journal journal;
    private InboundWriter writer;
    private final TestCluster cluster = new TestCluster("node-a");
    private final Pollers pollers = new Pollers();
    private final FakeConnectorContext context = new FakeConnectorContext("poller", ConfigDef.create(), Map.of());

    @BeforeEach
    void open() {
        db = Database.open(new HubConfig.Store(null, null, null), dir, 4);
        journal = new Journal(db);
        writer = new InboundWriter(ch -> List.of(), task -> { }, Clock.systemUTC());
        pollers.cluster(cluster);
    }

    @AfterEach
    void close() {
        pollers.stopAll("poller");
        journal.close();
        db.close();
    }

    private PollHandle start(PolledSource source) {
        return pollers.start("poller", "items", source, SCHEDULE, context, Clock.systemUTC(),
                (inbound, fence) -> journal.submit(writer.work("poller", inbound, cluster, fence)));
    }

    private static Message message(String id) {
        return Message.builder().direction(Direction.INBOUND).channel(new ChannelRef("test", "poller"))
                .channelMessageId(id).threadKey("t-1").author(Author.customer("Ann", Address.chatUser("1")))
                .text("hello").receivedAt(Instant.now()).build();
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.connection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private PollerHealth health() {
        return pollers.health("poller").get(0);
    }

    @Test
    void aSourceRunsOnlyWhileThisNodeHoldsItsLeaseAndTheHandleOutlivesLosingIt() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        PollHandle handle = start(request -> {
            polls.incrementAndGet();
            return PollResult.nothing();
        });
        assertThat(cluster.wants(LEASE)).isTrue();
        Thread.sleep(100);
        assertThat(polls.get()).as("no poll while another node holds the lease").isZero();
        assertThat(health().state()).isEqualTo("STANDBY");

        cluster.grant(LEASE);
        Poll.until("polls.get() >= 2", SOON, () -> polls.get() >= 2);
        assertThat(health().heldBy()).isEqualTo("node-a");
        assertThat(health().state()).isNotEqualTo("STANDBY");

        cluster.revoke(LEASE);
        Poll.until("health().state().equals(\"STANDBY\")", SOON, () -> health().state().equals("STANDBY"));
        int afterLoss = polls.get();
        Thread.sleep(100);
        assertThat(polls.get()).as("a revoked poller polls no more").isEqualTo(afterLoss);
        assertThat(cluster.wants(LEASE)).as("still wanted: it may come back").isTrue();

        cluster.grant(LEASE);
        Poll.until("polls.get() > afterLoss + 1", SOON, () -> polls.get() > afterLoss + 1);

        handle.stop();
        assertThat(cluster.wants(LEASE)).as("stop = stop wanting").isFalse();
        int afterStop = polls.get();
        Thread.sleep(100);
        assertThat(polls.get()).isEqualTo(afterStop);
        assertThat(pollers.health("poller")).isEmpty();
    }

    @Test
    void whileItsLeaseIsNotSurelyHeldTheSourceIsNotPolledAndItResumesWhenTheRenewalComesThrough() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        start(request -> {
            polls.incrementAndGet();
            return PollResult.nothing();
        });
        cluster.grant(LEASE);
        Poll.until("polls.get() >= 2", SOON, () -> polls.get() >= 2);
        cluster.unsure(LEASE);
        Thread.sleep(100);   // a poll already under way may finish
        int unsure = polls.get();
        Thread.sleep(300);
        assertThat(polls.get()).as("the vendor is not asked while unsure").isEqualTo(unsure);
        cluster.sure(LEASE);
        Poll.until("polls.get() > unsure + 1", SOON, () -> polls.get() > unsure + 1);
        assertThat(health().state()).isNotEqualTo("STANDBY");
    }

    @Test
    void aBatchPolledUnderAFenceThatMovedIsNotStoredNorAcknowledgedAndTheLoopStops() throws Exception {
        CountDownLatch polling = new CountDownLatch(1);
        CountDownLatch paused = new CountDownLatch(1);
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger acks = new AtomicInteger();
        start(request -> {
            if (polls.incrementAndGet() > 1) {
                return PollResult.nothing();
            }
            polling.countDown();
            paused.await();   // the node is paused here (GC, VM stall) while another node takes the source over
            return PollResult.builder().inbound(Inbound.messages(List.of(message("u-1")))).offset("cursor", "1")
                    .onStored(acks::incrementAndGet).build();
        });
        Fence fence = cluster.grant(LEASE);
        assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();
        cluster.moveAway(LEASE, "node-b");
        paused.countDown();

        Poll.until("health().state().equals(\"STANDBY\")", SOON, () -> health().state().equals("STANDBY"));
        assertThat(count("SELECT COUNT(*) FROM messages")).as("nothing stored under a stale fence").isZero();
        assertThat(new OffsetStore(db).get("poller", "cursor")).as("offset not advanced").isEmpty();
        assertThat(acks.get()).as("not acknowledged upstream").isZero();
        assertThat(polls.get()).as("the loop stopped instead of polling again").isEqualTo(1);
        assertThat(health().heldBy()).isEqualTo("node-b");
        assertThat(context.problems()).as("no alarm: losing a lease is not a problem").isEmpty();

        // The same batch under the current fence is stored, with its offset, in one transaction.
        Fence stale = fence;
        Fence now = cluster.grant(LEASE);
        Poll.until("polls.get() >= 2", SOON, () -> polls.get() >= 2);
        assertThat(now.token()).isGreaterThan(stale.token());
        Inbound batch = Inbound.builder().messages(List.of(message("u-1"))).offsets(Map.of("cursor", "1")).build();
        try {
            journal.submit(writer.work("poller", batch, cluster, stale)).get(10, TimeUnit.SECONDS);
            throw new AssertionError("stored under a stale fence");
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(LeaseLost.class);
        }
        journal.submit(writer.work("poller", batch, cluster, now)).get(10, TimeUnit.SECONDS);
        assertThat(count("SELECT COUNT(*) FROM messages")).isEqualTo(1);
        assertThat(new OffsetStore(db).get("poller", "cursor")).contains("1");
    }
}
