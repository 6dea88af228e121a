package dev.omnibridge.hub.cluster;

import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.PostgresDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Lease rows on a real PostgreSQL: several nodes share them out, renew them, and take over a dead holder's. */
class ClusterLeasesTest {
    private static final Duration TTL = Duration.ofSeconds(2);

    @TempDir
    static Path dir;

    private static Database db;
    private final List<PostgresCluster> nodes = new ArrayList<>();

    @BeforeAll
    static void openStore() throws Exception {
        db = PostgresDatabases.open("leases", dir); // one database (migrating costs seconds), emptied per test
    }

    @AfterAll
    static void closeStore() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void noNodesNoLeases() throws Exception {
        try (Connection c = db.connection(); var s = c.createStatement()) {
            s.executeUpdate("DELETE FROM cluster_leases");
            s.executeUpdate("DELETE FROM cluster_nodes");
        }
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(PostgresCluster::close);
    }

    private PostgresCluster node(String id, Duration ttl) throws Exception {
        PostgresCluster node = new PostgresCluster(db.dataSource(), id, ttl, "http://" + id + ":8080", "test",
                new NoBus(), null);
        nodes.add(node);
        return node;
    }

    /** What a lease's work hears, in order. */
    static final class Heard implements LeaseListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile Fence fence;

        @Override
        public void acquired(Fence f) {
            fence = f;
            events.add("acquired " + f.token());
        }

        @Override
        public void lost(Fence f) {
            fence = null;
            events.add("lost " + f.token());
        }
    }

    private static void await(Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + within);
            }
            Thread.sleep(20);
        }
    }

    private void verifyInTransaction(PostgresCluster node, Fence fence) throws Exception {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                node.verify(c, fence);
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void aWantedLeaseIsAcquiredRenewedPastItsTtlAndVerified() throws Exception {
        PostgresCluster a = node("node-a", TTL);
        Heard heard = new Heard();
        a.want("timer:retention", heard);

        await(Duration.ofSeconds(2), () -> heard.fence != null);
        Fence fence = heard.fence;
        assertThat(fence).isEqualTo(new Fence("timer:retention", "node-a", 1));
        Thread.sleep(TTL.toMillis() * 2); // two ttls: only renewals keep it
        assertThat(heard.events).containsExactly("acquired 1");
        assertThat(a.stillHeld(fence)).isTrue();
        verifyInTransaction(a, fence);
        assertThat(a.all()).singleElement().satisfies(l -> {
            assertThat(l.holder()).isEqualTo("node-a");
            assertThat(l.token()).isEqualTo(1);
        });
        assertThat(a.nodes()).singleElement().satisfies(n -> {
            assertThat(n.alive()).isTrue();
            assertThat(n.advertisedUrl()).isEqualTo("http://node-a:8080");
        });
    }

    @Test
    void twoNodesShareTheLeasesOutEvenlyAndNeverHoldOneTogether() throws Exception {
        PostgresCluster a = node("node-a", TTL);
        List<Heard> onA = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Heard h = new Heard();
            onA.add(h);
            a.want("shard:" + i, h);
        }
        await(Duration.ofSeconds(2), () -> a.held().size() == 4);

        PostgresCluster b = node("node-b", TTL);
        for (int i = 0; i < 4; i++) {
            b.want("shard:" + i, new Heard());
        }

        await(Duration.ofSeconds(8), () -> a.held().size() == 2 && b.held().size() == 2);
        assertThat(a.held()).doesNotContainAnyElementsOf(b.held());
        assertThat(a.all()).extracting(LeaseView::holder).containsOnly("node-a", "node-b");
        // What node-a gave up, its work heard first: lost before another node took it.
        assertThat(onA.stream().filter(h -> h.fence == null)).hasSize(2)
                .allSatisfy(h -> assertThat(h.events).containsExactly("acquired 1", "lost 1"));
    }

    @Test
    void aHolderThatStopsRenewingIsTakenOverAfterTheTtlAndItsStaleFenceIsRefused() throws Exception {
        PostgresCluster a = node("node-a", TTL);
        Heard onA = new Heard();
        a.want("poll:telegram-1:updates", onA);
        await(Duration.ofSeconds(2), () -> onA.fence != null);
        Fence stale = onA.fence;
        PostgresCluster b = node("node-b", TTL);
        Heard onB = new Heard();
        b.want("poll:telegram-1:updates", onB);
        Thread.sleep(1_200);
        assertThat(onB.fence).as("held by a live node").isNull();

        long halted = System.nanoTime();
        a.halt(); // as SIGKILL: no renewal, no goodbye
        await(Duration.ofSeconds(5), () -> onB.fence != null);
        long takeoverMillis = (System.nanoTime() - halted) / 1_000_000;

        assertThat(takeoverMillis).isLessThan(TTL.toMillis() + 2_000);
        assertThat(onB.fence.token()).isEqualTo(stale.token() + 1);
        verifyInTransaction(b, onB.fence);
        assertThatThrownBy(() -> verifyInTransaction(a, stale)).isInstanceOf(LeaseLost.class)
                .hasMessageContaining("poll:telegram-1:updates");
        assertThat(a.stillHeld(stale)).as("by the old holder's own clock, past renewal start + ttl - margin")
                .isFalse();
    }

    @Test
    void aGracefulStopHandsTheLeasesOverAtOnce() throws Exception {
        Duration longTtl = Duration.ofSeconds(30);
        PostgresCluster a = node("node-a", longTtl);
        Heard onA = new Heard();
        a.want("timer:surveys", onA);
        await(Duration.ofSeconds(2), () -> onA.fence != null);
        PostgresCluster b = node("node-b", longTtl);
        Heard onB = new Heard();
        b.want("timer:surveys", onB);

        long stopped = System.nanoTime();
        a.close();
        assertThat(onA.events).containsExactly("acquired 1", "lost 1");
        await(Duration.ofSeconds(3), () -> onB.fence != null);

        assertThat((System.nanoTime() - stopped) / 1_000_000).isLessThan(longTtl.toMillis() / 10);
        assertThat(onB.fence.token()).isEqualTo(2);
        assertThat(b.nodes()).filteredOn(n -> n.nodeId().equals("node-a")).singleElement()
                .satisfies(n -> assertThat(n.stopping()).isTrue());
    }

    @Test
    void closingAWantedLeaseGivesItUp() throws Exception {
        PostgresCluster a = node("node-a", TTL);
        Heard heard = new Heard();
        Leases.Wanted wanted = a.want("timer:backfills", heard);
        await(Duration.ofSeconds(2), () -> heard.fence != null);

        wanted.close();

        await(Duration.ofSeconds(2), () -> heard.fence == null);
        assertThat(a.all()).singleElement().satisfies(l -> assertThat(l.holder()).isNull());
    }
}
