package dev.omnibridge.hub.cluster;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * This node's row in {@code cluster_nodes} (migration V18): written at start, moved forward with every renewal of
 * its leases, marked {@code stopping} at a graceful stop. A node is live while its heartbeat is within the lease
 * ttl, by the database's clock. PostgreSQL only (cluster mode).
 */
final class NodeHeartbeat {
    /** Rows of nodes silent for longer than this are dropped from the list. */
    private static final long FORGET_AFTER_MILLIS = Duration.ofDays(1).toMillis();
    static final int MAX_HEALTH_CHARS = 8000;

    private final DataSource dataSource;
    private final String nodeId;
    private final long ttlMillis;
    private final String advertisedUrl;
    private final String version;

    NodeHeartbeat(DataSource dataSource, String nodeId, Duration ttl, String advertisedUrl, String version) {
        this.dataSource = dataSource;
        this.nodeId = nodeId;
        this.ttlMillis = ttl.toMillis();
        this.advertisedUrl = advertisedUrl;
        this.version = version == null ? null : version.substring(0, Math.min(40, version.length()));
    }

    /**
     * Registers this node as started now. Returns true when the row said the node id was live and not stopping:
     * either this node's previous process died a moment ago, or another running node has the same id.
     */
    boolean start(String health) throws SQLException {
        boolean seemedLive;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM cluster_nodes WHERE node_id = ? AND NOT "
                    + "stopping AND heartbeat_at > clock_timestamp() - ? * INTERVAL '1 millisecond'")) {
                ps.setString(1, nodeId);
                ps.setLong(2, ttlMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    seemedLive = rs.next();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cluster_nodes (node_id, started_at, "
                    + "heartbeat_at, stopping, advertised_url, version, health) VALUES (?, clock_timestamp(), "
                    + "clock_timestamp(), FALSE, ?, ?, ?) ON CONFLICT (node_id) DO UPDATE SET started_at = "
                    + "EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at, stopping = FALSE, advertised_url = "
                    + "EXCLUDED.advertised_url, version = EXCLUDED.version, health = EXCLUDED.health")) {
                ps.setString(1, nodeId);
                ps.setString(2, advertisedUrl);
                ps.setString(3, version);
                ps.setString(4, clip(health));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM cluster_nodes WHERE heartbeat_at < "
                    + "clock_timestamp() - ? * INTERVAL '1 millisecond'")) {
                ps.setLong(1, FORGET_AFTER_MILLIS);
                ps.executeUpdate();
            }
        }
        return seemedLive;
    }

    /** This node is still here (and not stopping); {@code health} replaces its summary when not null. */
    void beat(String health) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE cluster_nodes SET heartbeat_at = clock_timestamp(), "
                     + "stopping = FALSE, health = COALESCE(?, health) WHERE node_id = ?")) {
            ps.setString(1, clip(health));
            ps.setString(2, nodeId);
            if (ps.executeUpdate() == 0) {
                start(health); // the row was removed (by hand, or after a long pause): register again
            }
        }
    }

    /** How many nodes are live (this one included, at least 1): those whose heartbeat is within the ttl. */
    int live() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM cluster_nodes WHERE NOT stopping AND "
                     + "(node_id = ? OR heartbeat_at > clock_timestamp() - ? * INTERVAL '1 millisecond')")) {
            ps.setString(1, nodeId);
            ps.setLong(2, ttlMillis);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(1, rs.getInt(1)) : 1;
            }
        }
    }

    /** A graceful stop: the others no longer count this node when they share the leases out. */
    void stopping() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE cluster_nodes SET stopping = TRUE, heartbeat_at = "
                     + "clock_timestamp() WHERE node_id = ?")) {
            ps.setString(1, nodeId);
            ps.executeUpdate();
        }
    }

    List<NodeView> nodes() throws SQLException {
        List<NodeView> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT node_id, started_at, heartbeat_at, NOT stopping AND "
                     + "heartbeat_at > clock_timestamp() - ? * INTERVAL '1 millisecond', stopping, advertised_url, "
                     + "version, health FROM cluster_nodes ORDER BY node_id")) {
            ps.setLong(1, ttlMillis);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new NodeView(rs.getString(1), LeaseStore.instant(rs, 2), LeaseStore.instant(rs, 3),
                            rs.getBoolean(4), rs.getBoolean(5), rs.getString(6), rs.getString(7), rs.getString(8)));
                }
            }
        }
        return out;
    }

    private static String clip(String health) {
        return health == null || health.length() <= MAX_HEALTH_CHARS ? health : null;
    }
}
