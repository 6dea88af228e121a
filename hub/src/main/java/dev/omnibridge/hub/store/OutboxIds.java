package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Assigns delivery ids. The journal's single writer is the only one that adds deliveries, so it numbers them
 * itself: one above the largest id any of the three delivery tables holds (read once per writer connection), then
 * counting up. Ids therefore grow in the order the writer adds rows, which is commit order, as the dispatcher's
 * keyset paging of the outbox requires; and a multi-row insert needs no generated keys back. An id used by a
 * transaction that rolled back is skipped, not reused.
 *
 * <p>Why not an identity column: a new table's identity would start again at 1 below the ids migrated from V4, and
 * moving its start is not portable SQL; nor could a padded multi-row insert tell which generated id is whose.
 *
 * <p>Several hub nodes on one PostgreSQL store (issue 25): each node's journal takes the cluster-wide writer lock
 * first in every group and then calls {@link #forget}, so the largest id is read again under the lock, after every
 * other node's last commit: ids still grow in commit order across the cluster, and never collide. (Several journals
 * in one JVM, as in tests, share this state safely for the same reason: only the lock holder reserves.)
 */
final class OutboxIds {
    private static Connection owner;
    private static long last;

    private OutboxIds() {
    }

    /** Reserves {@code n} consecutive ids; returns the first. */
    static synchronized long reserve(Connection c, int n) throws SQLException {
        if (owner != c) {
            last = largest(c);
            owner = c;
        }
        long first = last + 1;
        last += n;
        return first;
    }

    /** The next reservation reads the largest id from the store again (a cluster's group start, under its lock). */
    static synchronized void forget() {
        owner = null;
    }

    private static long largest(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM outbox "
                + "UNION ALL SELECT MAX(id) AS m FROM delivery_results UNION ALL SELECT MAX(id) AS m FROM dead_letters) t");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
