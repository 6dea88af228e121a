package dev.omnibridge.hub.cluster;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of the lease rows ({@code cluster_leases}, migration V18). PostgreSQL only (cluster mode): every time is
 * the database's {@code clock_timestamp()} (the statement's own moment, not the transaction's start), so the nodes'
 * clocks never matter. Each statement runs in its own short transaction on a pooled connection.
 */
final class LeaseStore {
    private static final String LIVE = "expires_at > clock_timestamp()";

    private final DataSource dataSource;
    private final String nodeId;
    private final long ttlMillis;

    LeaseStore(DataSource dataSource, String nodeId, Duration ttl) {
        this.dataSource = dataSource;
        this.nodeId = nodeId;
        this.ttlMillis = ttl.toMillis();
    }

    /** A lease as this node sees it in a scan: its holder while unexpired (null: free) and its token. */
    record Row(String name, String holder, long token) {
        boolean free() {
            return holder == null;
        }
    }

    /** Creates the rows of leases nobody wanted before (no holder, token 0). */
    void ensure(Collection<String> names) throws SQLException {
        if (names.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO cluster_leases (name, token) VALUES (?, 0) ON CONFLICT (name) DO NOTHING")) {
            for (String name : names) {
                ps.setString(1, name);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Every lease with its live holder (null once expired). */
    Map<String, Row> scan() throws SQLException {
        Map<String, Row> rows = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name, CASE WHEN holder IS NOT NULL AND " + LIVE
                     + " THEN holder END, token FROM cluster_leases");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
        }
        return rows;
    }

    /** Takes lease {@code name} if it is free or expired; its new token, or 0 when another node holds it. */
    long acquire(String name) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE cluster_leases SET holder = ?, token = token + 1, "
                     + "acquired_at = clock_timestamp(), expires_at = clock_timestamp() + ? * INTERVAL '1 millisecond' "
                     + "WHERE name = ? AND (holder IS NULL OR expires_at IS NULL OR expires_at <= clock_timestamp()) "
                     + "RETURNING token")) {
            ps.setString(1, nodeId);
            ps.setLong(2, ttlMillis);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * Extends every unexpired lease this node holds by the ttl; returns them with their tokens (a lease missing from
     * the answer is lost). One row per statement, each its own transaction: a renewal waits while a journal group
     * verifies that lease ({@code FOR SHARE}), and one statement locking several rows could hold one of them while
     * waiting for another that the group has locked and the group then asks for the first: a deadlock, which
     * PostgreSQL breaks by failing one side (seen with a single multi-row UPDATE). Holding nothing while waiting
     * leaves no cycle.
     */
    Map<String, Long> renew() throws SQLException {
        Map<String, Long> held = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_leases SET expires_at = clock_timestamp() "
                    + "+ ? * INTERVAL '1 millisecond' WHERE name = ? AND holder = ? AND " + LIVE + " RETURNING token")) {
                for (String name : namesHeld(c)) {
                    ps.setLong(1, ttlMillis);
                    ps.setString(2, name);
                    ps.setString(3, nodeId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            held.put(name, rs.getLong(1));
                        }
                    }
                }
            }
        }
        return held;
    }

    /** The leases this node holds, unexpired, by name (read without locking). */
    private List<String> namesHeld(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM cluster_leases WHERE holder = ? AND " + LIVE
                + " ORDER BY name")) {
            ps.setString(1, nodeId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** Gives up one lease, if this node still holds it under {@code token}. */
    void release(String name, long token) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE cluster_leases SET holder = NULL, expires_at = NULL "
                     + "WHERE name = ? AND holder = ? AND token = ?")) {
            ps.setString(1, name);
            ps.setString(2, nodeId);
            ps.setLong(3, token);
            ps.executeUpdate();
        }
    }

    /** Gives up every lease this node holds (a graceful stop, or a start after this node id's process died). */
    int releaseAll() throws SQLException {
        // One row per statement, for the reason given at renew(); expired rows under this id are freed too.
        int released = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM cluster_leases WHERE holder = ? "
                    + "ORDER BY name")) {
                ps.setString(1, nodeId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_leases SET holder = NULL, "
                    + "expires_at = NULL WHERE name = ? AND holder = ?")) {
                for (String name : names) {
                    ps.setString(1, name);
                    ps.setString(2, nodeId);
                    released += ps.executeUpdate();
                }
            }
        }
        return released;
    }

    /**
     * Inside the caller's transaction: the lease is still {@code fence}'s and unexpired, and stays so (row locked
     * {@code FOR SHARE}: a takeover waits) until the transaction ends.
     */
    static boolean holds(Connection c, Fence fence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM cluster_leases WHERE name = ? AND holder = ? "
                + "AND token = ? AND " + LIVE + " FOR SHARE")) {
            ps.setString(1, fence.name());
            ps.setString(2, fence.holder());
            ps.setLong(3, fence.token());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Every lease, for the API and console: the holder is null once the lease expired. */
    List<LeaseView> all() throws SQLException {
        List<LeaseView> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name, CASE WHEN holder IS NOT NULL AND " + LIVE
                     + " THEN holder END, token, acquired_at, expires_at FROM cluster_leases ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new LeaseView(rs.getString(1), rs.getString(2), rs.getLong(3), instant(rs, 4),
                        instant(rs, 5)));
            }
        }
        return out;
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
