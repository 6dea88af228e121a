package dev.omnibridge.hub.audit;

import dev.omnibridge.hub.store.AuditEvents;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.Journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Who did what, when: contact links decided, exports, erasures (issue 22 adds logins, replies, instance control, replays, account changes).
 * Entries are written through the journal writer, in the transaction of the change they record where there is one
 * ({@link #append(Connection, String, String, String, String)}), so that a change and its entry commit together.
 */
public final class AuditTrail {
    /** The actor of requests authorised by the configured admin token (until accounts exist). */
    public static final String ADMIN_TOKEN = "admin-token";
    /** The actor of what the hub does by itself (retention, a resumed erasure). */
    public static final String HUB = "hub";

    private final Journal journal;
    private final Database database;
    private final Clock clock;

    public AuditTrail(Journal journal, Database database, Clock clock) {
        this.journal = journal;
        this.database = database;
        this.clock = clock;
    }

    /** Appends an entry in the caller's transaction. */
    public void append(Connection c, String actor, String action, String subject, String detail)
            throws SQLException {
        AuditEvents.append(c, new AuditEntry(0, clock.instant(), actor, action, subject, detail));
    }

    /** Appends an entry in a transaction of its own; completes once stored. */
    public CompletableFuture<Void> record(String actor, String action, String subject, String detail) {
        return journal.submit((c, after) -> {
            append(c, actor, action, subject, detail);
            return null;
        });
    }

    /** Entries newest first; see {@link AuditEvents#list}. */
    public List<AuditEntry> list(long beforeId, String subject, String actionPrefix, int limit) throws SQLException {
        try (Connection c = database.connection()) {
            return AuditEvents.list(c, beforeId, subject, actionPrefix, limit);
        }
    }

    /** Entries newest first, matching the filter; see {@link AuditEvents#list(Connection, AuditEvents.Filter, long, int)}. */
    public List<AuditEntry> list(AuditEvents.Filter filter, long beforeId, int limit) throws SQLException {
        try (Connection c = database.connection()) {
            return AuditEvents.list(c, filter, beforeId, limit);
        }
    }
}
