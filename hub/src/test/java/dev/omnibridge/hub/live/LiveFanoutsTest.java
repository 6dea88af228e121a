package dev.omnibridge.hub.live;

import dev.omnibridge.hub.cluster.Bus;
import dev.omnibridge.hub.cluster.Cluster;
import dev.omnibridge.hub.cluster.PostgresBus;
import dev.omnibridge.hub.cluster.TestCluster;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.EmbeddedPostgresStore;
import dev.omnibridge.live.LiveFanout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two hub nodes' live fan-outs on one PostgreSQL database: frames and presence of an instance across nodes. */
class LiveFanoutsTest {
    @TempDir
    static Path dir;
    private static Database db;
    private static PostgresBus busA;
    private static PostgresBus busB;
    private static LiveFanouts nodeA;
    private static LiveFanouts nodeB;

    @BeforeAll
    static void twoNodes() throws Exception {
        HubConfig.Store store = new HubConfig.Store(EmbeddedPostgresStore.newDatabaseUrl("live"), "postgres", "");
        db = Database.open(store, dir, 4);
        busA = new PostgresBus(store, db.dataSource(), "a");
        busB = new PostgresBus(store, db.dataSource(), "b");
        busA.start();
        busB.start();
        nodeA = LiveFanouts.start(cluster("a", busA), db.dataSource(), null);
        nodeB = LiveFanouts.start(cluster("b", busB), db.dataSource(), null);
    }

    @AfterAll
    static void stop() {
        if (nodeA != null) {
            nodeA.close();
            nodeB.close();
            busA.close();
            busB.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aFramePublishedOnOneNodeReachesTheSameInstanceOnTheOtherOnly() throws Exception {
        BlockingQueue<Map.Entry<String, String>> chatAtB = new LinkedBlockingQueue<>();
        BlockingQueue<Map.Entry<String, String>> otherAtB = new LinkedBlockingQueue<>();
        nodeB.forInstance("chat").onFrame((k, f) -> chatAtB.add(Map.entry(k, f)));
        nodeB.forInstance("other").onFrame((k, f) -> otherAtB.add(Map.entry(k, f)));
        String large = "{\"type\":\"message\",\"text\":\"" + "x".repeat(30_000) + "\"}";
        nodeA.forInstance("chat").publish("visitor-1", "{\"type\":\"message\",\"text\":\"hi\"}");
        nodeA.forInstance("chat").publish("visitor-1", large);
        assertEquals(Map.entry("visitor-1", "{\"type\":\"message\",\"text\":\"hi\"}"),
                chatAtB.poll(1, TimeUnit.SECONDS));
        assertEquals(Map.entry("visitor-1", large), chatAtB.poll(1, TimeUnit.SECONDS));
        assertTrue(otherAtB.isEmpty());
    }

    @Test
    void aSocketOpenOnOneNodeIsSeenByTheOtherUntilItCloses() throws Exception {
        LiveFanout a = nodeA.forInstance("chat");
        LiveFanout b = nodeB.forInstance("chat");
        Instant before = Instant.now().minusSeconds(5);
        a.connected("visitor-2");
        a.connected("visitor-2");
        eventually(() -> b.connectedElsewhere("visitor-2"));
        assertFalse(a.connectedElsewhere("visitor-2"), "a node's own sockets are not elsewhere");
        assertTrue(b.lastSeen("visitor-2").orElseThrow().isAfter(before));
        a.disconnected("visitor-2");
        assertTrue(b.connectedElsewhere("visitor-2"), "one tab is still open");
        a.disconnected("visitor-2");
        eventually(() -> !b.connectedElsewhere("visitor-2"));
        assertTrue(b.lastSeen("visitor-2").isPresent());
        assertTrue(b.lastSeen("nobody").isEmpty());
        b.seen("visitor-3");
        eventually(() -> a.lastSeen("visitor-3").isPresent());
        assertFalse(a.connectedElsewhere("visitor-3"));
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 2 s");
            Thread.sleep(20);
        }
    }

    private static Cluster cluster(String nodeId, Bus bus) {
        return new TestCluster(nodeId, bus);
    }
}
