package dev.omnibridge.hub.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * {@code live_presence} (issue 25): per connector instance, live key and node, how many sockets the node holds open
 * and when the key was last seen there. Only used when several nodes share a PostgreSQL store (the upserts are
 * PostgreSQL's {@code ON CONFLICT}); times are the database's, so the nodes' clocks need not agree.
 */
public final class LivePresenceTable {
    private static final String UPSERT = "INSERT INTO live_presence (instance_id, live_key, node_id, sockets, last_seen) "
            + "VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP) ON CONFLICT (instance_id, live_key, node_id) "
            + "DO UPDATE SET sockets = EXCLUDED.sockets, last_seen = EXCLUDED.last_seen";
    private static final String TOUCH = "INSERT INTO live_presence (instance_id, live_key, node_id, sockets, last_seen) "
            + "VALUES (?, ?, ?, 0, CURRENT_TIMESTAMP) ON CONFLICT (instance_id, live_key, node_id) "
            + "DO UPDATE SET last_seen = EXCLUDED.last_seen";

    /** One key's sockets on this node. */
    public record Sockets(String instanceId, String key, int count) {
    }

    private final DataSource store;
    private final String nodeId;

    public LivePresenceTable(DataSource store, String nodeId) {
        this.store = store;
        this.nodeId = nodeId;
    }

    /** This node holds {@code count} sockets of the key now. */
    public void put(String instanceId, String key, int count) throws SQLException {
        put(java.util.List.of(new Sockets(instanceId, key, count)));
    }

    /** A heartbeat: each key's sockets on this node, seen now (one batch). */
    public void put(Collection<Sockets> all) throws SQLException {
        if (all.isEmpty()) {
            return;
        }
        try (Connection c = store.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (Sockets s : all) {
                ps.setString(1, s.instanceId());
                ps.setString(2, s.key());
                ps.setString(3, nodeId);
                ps.setInt(4, s.count());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The key was seen on this node now (its socket count unchanged). */
    public void touch(String instanceId, String key) throws SQLException {
        try (Connection c = store.getConnection(); PreparedStatement ps = c.prepareStatement(TOUCH)) {
            ps.setString(1, instanceId);
            ps.setString(2, key);
            ps.setString(3, nodeId);
            ps.executeUpdate();
        }
    }

    /** At start: this node's sockets of an earlier run are all gone (when each key was last seen stays). */
    public void resetNode() throws SQLException {
        try (Connection c = store.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE live_presence SET sockets = 0 WHERE node_id = ?")) {
            ps.setString(1, nodeId);
            ps.executeUpdate();
        }
    }

    /**
     * Whether another node holds a socket of the key and reported it within {@code alive} (a node that died
     * without closing its sockets stops counting then).
     */
    public boolean openElsewhere(String instanceId, String key, Duration alive) throws SQLException {
        try (Connection c = store.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM live_presence WHERE instance_id = ? AND live_key = ? AND node_id <> ? AND sockets > 0 "
                        + "AND last_seen > CURRENT_TIMESTAMP - CAST(? AS INTERVAL)")) {
            ps.setString(1, instanceId);
            ps.setString(2, key);
            ps.setString(3, nodeId);
            ps.setString(4, alive.toSeconds() + " seconds");
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** When the key was last seen on any node. */
    public Optional<Instant> lastSeen(String instanceId, String key) throws SQLException {
        try (Connection c = store.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT MAX(last_seen) FROM live_presence WHERE instance_id = ? AND live_key = ?")) {
            ps.setString(1, instanceId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
                return Optional.ofNullable(t).map(Timestamp::toInstant);
            }
        }
    }

    /** Forgets keys no node has a socket of and nobody saw for {@code age}. */
    public int purge(Duration age) throws SQLException {
        try (Connection c = store.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM live_presence WHERE sockets = 0 AND last_seen < CURRENT_TIMESTAMP - CAST(? AS INTERVAL)")) {
            ps.setString(1, age.toSeconds() + " seconds");
            return ps.executeUpdate();
        }
    }
}
