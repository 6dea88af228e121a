package dev.omnibridge.hub.store;

import dev.omnibridge.hub.audit.AuditEntry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The audit trail's table ({@code audit_events}); the {@link dev.omnibridge.hub.audit.AuditTrail} is its user. */
public final class AuditEvents {
    private AuditEvents() {
    }

    /** Appends an entry in the caller's transaction (so it commits with what it records). */
    public static void append(Connection c, AuditEntry e) throws SQLException {
        Sql.update(c, "INSERT INTO audit_events (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                Sql.ts(e.at()), e.actor(), e.action(), e.subject(), e.detail());
    }

    /**
     * Entries newest first, below {@code beforeId} (0: from the newest), optionally only for one subject or with an
     * action starting with {@code actionPrefix}.
     */
    public static List<AuditEntry> list(Connection c, long beforeId, String subject, String actionPrefix, int limit)
            throws SQLException {
        return list(c, new Filter(subject, actionPrefix, null, null, null), beforeId, limit);
    }

    /**
     * What to list: each part null for "any".
     *
     * @param actor exact actor id (an account id, {@code admin-token}, {@code token:<name>})
     * @param from  entries at or after
     * @param to    entries before
     */
    public record Filter(String subject, String actionPrefix, String actor, java.time.Instant from,
                         java.time.Instant to) {
    }

    /** Entries newest first, below {@code beforeId} (0: from the newest), matching the filter. */
    public static List<AuditEntry> list(Connection c, Filter f, long beforeId, int limit) throws SQLException {
        String subject = f.subject();
        String actionPrefix = f.actionPrefix();
        StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, subject, detail FROM audit_events WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (beforeId > 0) {
            sql.append(" AND id < ?");
            params.add(beforeId);
        }
        if (subject != null) {
            sql.append(" AND subject = ?");
            params.add(subject);
        }
        if (f.actor() != null) {
            sql.append(" AND actor = ?");
            params.add(f.actor());
        }
        if (f.from() != null) {
            sql.append(" AND at >= ?");
            params.add(Sql.ts(f.from()));
        }
        if (f.to() != null) {
            sql.append(" AND at < ?");
            params.add(Sql.ts(f.to()));
        }
        if (actionPrefix != null) {
            sql.append(" AND action LIKE ? ESCAPE '!'");
            params.add(actionPrefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        sql.append(" ORDER BY id DESC FETCH FIRST ").append(Math.max(1, Math.min(limit, 1000))).append(" ROWS ONLY");
        List<AuditEntry> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, sql.toString(), params.toArray());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new AuditEntry(rs.getLong("id"), Sql.instant(rs, "at"), rs.getString("actor"),
                        rs.getString("action"), rs.getString("subject"), rs.getString("detail")));
            }
        }
        return out;
    }
}
