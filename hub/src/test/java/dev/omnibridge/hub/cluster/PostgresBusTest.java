package dev.omnibridge.hub.cluster;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.EmbeddedPostgresStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes' buses on one PostgreSQL database: node "a" listens as the store's user, node "b" as a role of its own,
 * so that the test can keep b from reconnecting for a while (and so show the catch-up, not a lucky live notice).
 */
class PostgresBusTest {
    @TempDir
    static Path dir;
    private static String url;
    private static Database db;
    private static PostgresBus a;
    private static PostgresBus b;
    private static final BlockingQueue<String> atA = new LinkedBlockingQueue<>();
    private static final BlockingQueue<String> atB = new LinkedBlockingQueue<>();

    @BeforeAll
    static void twoNodes() throws Exception {
        url = EmbeddedPostgresStore.newDatabaseUrl("bus");
        HubConfig.Store store = new HubConfig.Store(url, "postgres", "");
        db = Database.open(store, dir, 4);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE bus_node_b LOGIN");
            s.execute("GRANT SELECT, DELETE ON cluster_events TO bus_node_b");
        }
        a = new PostgresBus(store, db.dataSource(), "a");
        b = new PostgresBus(new HubConfig.Store(url, "bus_node_b", ""), db.dataSource(), "b");
        a.start();
        b.start();
        a.subscribe(Bus.LIVE, atA::add);
        b.subscribe(Bus.LIVE, atB::add);
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
            b.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void smallAndLargeNoticesReachTheOtherNodeWithinASecondButNotTheirOwn() throws Exception {
        String large = "x".repeat(100 * 1024);
        a.publish(Bus.LIVE, "small");
        a.publish(Bus.LIVE, large);
        assertEquals("small", atB.poll(1, TimeUnit.SECONDS));
        assertEquals(large, atB.poll(1, TimeUnit.SECONDS));
        // a's own notices would reach a before b's marker (notices arrive in commit order): a heard only the marker.
        b.publish(Bus.LIVE, "marker");
        assertEquals("marker", atA.poll(1, TimeUnit.SECONDS));
        assertTrue(atA.isEmpty());
    }

    @Test
    void aNoticeOfARolledBackTransactionIsNeverSent() throws Exception {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            a.publish(c, Bus.LIVE, "rolled back");
            a.publish(c, Bus.LIVE, "y".repeat(20_000));
            c.rollback();
            a.publish(c, Bus.LIVE, "committed");
            c.commit();
            c.setAutoCommit(true);
        }
        assertEquals("committed", atB.poll(1, TimeUnit.SECONDS));
        assertTrue(atB.isEmpty());
    }

    @Test
    void aListenerWhoseConnectionDroppedReconnectsAndCatchesUpOnWhatItMissed() throws Exception {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE bus_node_b NOLOGIN");
            try (ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE application_name = 'omnibridge-bus-b'")) {
                assertTrue(rs.next() && rs.getBoolean(1));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (b.isUp() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertFalse(b.isUp(), "b noticed that its connection dropped");
            // Published while b cannot listen: NOTIFY alone would lose these.
            a.publish(Bus.LIVE, "missed 1");
            a.publish(Bus.LIVE, "z".repeat(50_000));
            a.publish(Bus.OUTBOX, "a hint, not kept");
            s.execute("ALTER ROLE bus_node_b LOGIN");
        }
        assertEquals("missed 1", atB.poll(10, TimeUnit.SECONDS));
        assertEquals("z".repeat(50_000), atB.poll(1, TimeUnit.SECONDS));
        assertTrue(b.isUp());
        a.publish(Bus.LIVE, "after");
        assertEquals("after", atB.poll(1, TimeUnit.SECONDS));
    }

    @Test
    void manyNoticesArriveInTheOrderTheyWerePublished() throws Exception {
        BlockingQueue<String> hintsAtB = new LinkedBlockingQueue<>();
        b.subscribe(Bus.OUTBOX, hintsAtB::add);
        int n = 300;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            a.publish(Bus.LIVE, "frame " + i);
        }
        long kept = System.nanoTime() - t0;
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            a.publish(Bus.OUTBOX, "hint " + i);
        }
        long hints = System.nanoTime() - t0;
        for (int i = 0; i < n; i++) {
            assertEquals("frame " + i, atB.poll(2, TimeUnit.SECONDS));
        }
        for (int i = 0; i < n; i++) {
            assertEquals("hint " + i, hintsAtB.poll(2, TimeUnit.SECONDS));
        }
        // The figures for the notes: a kept notice (row + NOTIFY) against a hint (NOTIFY only), own transaction each.
        System.out.printf("PostgresBusTest: publish with row %.2f ms, hint only %.2f ms (mean of %d)%n",
                kept / 1e6 / n, hints / 1e6 / n, n);
    }

    private static Connection admin() throws Exception {
        return DriverManager.getConnection(url, "postgres", "");
    }
}
