package dev.omnibridge.hub.cluster;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 25: a journal timer runs on the node holding its lease {@code timer:<name>}, fenced, and nowhere else. */
class LeasedTimersTest {
    private static final Duration SOON = Duration.ofSeconds(10);
    private static final String LEASE = "timer:test";

    @TempDir
    Path dir;

    private Database db;
    private Journal journal;

    @BeforeEach
    void open() {
        db = Database.open(new HubConfig.Store(null, null, null), dir, 4);
        journal = new Journal(db);
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    @Test
    void aHubOnItsOwnRunsItsTimersAtOnce() throws Exception {
        journal.leases(Cluster.single("solo").leases());
        AtomicInteger runs = new AtomicInteger();
        journal.every(Duration.ofMillis(10), LEASE, (c, after) -> runs.incrementAndGet());
        Poll.until("runs.get() >= 3", SOON, () -> runs.get() >= 3);
    }

    @Test
    void aTimerRunsOnlyWhileHeldAndNotAfterTheLeaseMovedUnnoticed() throws Exception {
        TestCluster cluster = new TestCluster("node-a");
        journal.leases(cluster);
        AtomicInteger runs = new AtomicInteger();
        journal.every(Duration.ofMillis(10), LEASE, (c, after) -> runs.incrementAndGet());
        Poll.until("cluster.wants(LEASE)", SOON, () -> cluster.wants(LEASE));
        Thread.sleep(100);
        assertThat(runs.get()).as("another node holds it").isZero();

        cluster.grant(LEASE);
        Poll.until("runs.get() >= 3", SOON, () -> runs.get() >= 3);

        cluster.revoke(LEASE);
        Thread.sleep(50);   // a run already in the group may finish
        int afterLoss = runs.get();
        Thread.sleep(100);
        assertThat(runs.get()).as("lost: no more runs").isEqualTo(afterLoss);

        cluster.grant(LEASE);
        Poll.until("runs.get() > afterLoss + 2", SOON, () -> runs.get() > afterLoss + 2);
        // Paused while another node took over: the fence check in the unit's transaction refuses it, the work
        // itself never runs.
        cluster.moveAway(LEASE, "node-b");
        Thread.sleep(50);
        int afterMove = runs.get();
        Thread.sleep(100);
        assertThat(runs.get()).as("a stale fence: the work does not run").isEqualTo(afterMove);
    }
}
