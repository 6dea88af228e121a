package dev.omnibridge.hub.store;

import dev.omnibridge.hub.cluster.Bus;
import dev.omnibridge.hub.cluster.ClusterConfig;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.zip.CRC32;

/**
 * Issue 25: which share of the deliveries ({@code outbox.shard}) a conversation belongs to, and the wake-up that tells
 * the other nodes of a cluster that the outbox has new rows for a target. Every node of a cluster computes the same
 * share for a conversation ({@code floorMod(crc32(id), shards)}, {@code hub.cluster.shards} being the same in the one
 * configuration file), and only the node holding lease {@code shard:<n>} delivers its rows.
 *
 * <p>One hub per process: the hub sets it once at start ({@link #use}); until then (and on a single node) the shares
 * are computed with the default count and nobody is told of new rows (a single node's own writer hands them over).
 */
public final class OutboxShards {
    private static volatile int shards = ClusterConfig.DEFAULT_SHARDS;
    private static volatile Bus bus;

    private OutboxShards() {
    }

    /** The hub's share count and, in a cluster, the bus other nodes hear of new outbox rows on (null: none). */
    public static void use(int shardCount, Bus clusterBus) {
        shards = shardCount <= 0 ? ClusterConfig.DEFAULT_SHARDS : shardCount;
        bus = clusterBus;
    }

    public static int count() {
        return shards;
    }

    /** The share of a conversation's deliveries. */
    public static int of(String conversationId) {
        return of(conversationId, shards);
    }

    static int of(String conversationId, int shardCount) {
        if (conversationId == null) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(conversationId.getBytes(StandardCharsets.UTF_8));
        return (int) Math.floorMod(crc.getValue(), (long) shardCount);
    }

    /**
     * Tells the other nodes, when {@code c}'s transaction commits, that the outbox has new rows for these targets
     * (one notice per target: PostgreSQL also folds identical notices of one transaction into one).
     */
    static void announce(Connection c, Collection<String> targets) throws SQLException {
        Bus b = bus;
        if (b == null) {
            return;
        }
        for (String target : new LinkedHashSet<>(targets)) {
            b.publish(c, Bus.OUTBOX, target);
        }
    }

    /** Tells the other nodes, when {@code c}'s transaction commits, that dead letter {@code id} is back in the outbox. */
    static void announceReplay(Connection c, long id) throws SQLException {
        Bus b = bus;
        if (b != null) {
            b.publish(c, Bus.OUTBOX, "replay:" + id);
        }
    }
}
