package dev.omnibridge.hub.store;

import dev.omnibridge.hub.cluster.Bus;
import dev.omnibridge.hub.cluster.Fence;
import dev.omnibridge.hub.cluster.Leases;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Issue 25: the help-center entries a cluster's sync leader read ({@code knowledge_snapshots}), written fenced by
 * the lease of the sync and announced on the bus ({@link Bus#KNOWLEDGE}, payload: the source) when committed, so
 * that the other nodes rebuild their index from them.
 */
public final class KnowledgeSnapshots {
    /** A source's latest entries as JSON, with a version that grows with each sync stored. */
    public record Snapshot(long version, String entries, Instant syncedAt) {
    }

    private final Database database;
    private final Journal journal;
    private final Leases leases;
    private final Bus bus;

    public KnowledgeSnapshots(Database database, Journal journal, Leases leases, Bus bus) {
        this.database = database;
        this.journal = journal;
        this.leases = leases;
        this.bus = bus;
    }

    /**
     * Stores {@code entries} of {@code source} if {@code fence} still holds (in the same transaction), and tells the
     * other nodes once committed.
     *
     * @throws Exception {@link dev.omnibridge.hub.cluster.LeaseLost} (as the cause) when another node leads the sync
     */
    public void save(String source, String entries, Fence fence, Instant at) throws Exception {
        journal.submit((c, after) -> {
            leases.verify(c, fence);
            int n = Sql.update(c, "UPDATE knowledge_snapshots SET version = version + 1, entries = ?, synced_at = ? "
                    + "WHERE source = ?", entries, at, source);
            if (n == 0) {
                Sql.update(c, "INSERT INTO knowledge_snapshots (source, version, entries, synced_at) "
                        + "VALUES (?, 1, ?, ?)", source, entries, at);
            }
            bus.publish(c, Bus.KNOWLEDGE, source);
            return null;
        }).get(1, TimeUnit.MINUTES);
    }

    /** The latest entries stored for {@code source}, if any. */
    public Optional<Snapshot> load(String source) throws SQLException {
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, "SELECT version, entries, synced_at FROM knowledge_snapshots "
                     + "WHERE source = ?", source);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Snapshot(rs.getLong(1), rs.getString(2), Sql.instant(rs, "synced_at")));
        }
    }
}
