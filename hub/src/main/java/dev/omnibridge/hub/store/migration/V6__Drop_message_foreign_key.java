package dev.omnibridge.hub.store.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops the foreign key {@code messages.conversation_id -> conversations (id)}, the last one a per-message write
 * checked (V5 dropped the outbox's). On H2 the check locks the parent row, and a lock is a write: the conversation's
 * row was rewritten with every message, ~3-4 KB of pages per message at commit (README, "Store size and compaction").
 * <p>
 * What keeps the invariant instead (every message names a stored conversation): the hub's only writer of messages
 * (InboundWriter, on the single journal thread) takes the conversation id either from a conversation row it created
 * earlier in the same transaction, or from the known-conversations cache, which learns an id only after the
 * transaction that created its row has committed; and no path deletes a conversation. The foreign keys on rows
 * written once per conversation or contact (conversations, desk_tickets, contact_addresses) stay.
 * <p>
 * A Java migration because the constraint's name differs per database (H2 names it {@code CONSTRAINT_xx},
 * PostgreSQL {@code messages_conversation_id_fkey}): it is looked up in INFORMATION_SCHEMA, which both have.
 */
public class V6__Drop_message_foreign_key extends BaseJavaMigration {
    /** The foreign keys of {@code messages} in the migration's schema. */
    static final String FOREIGN_KEYS = "SELECT tc.constraint_name FROM information_schema.table_constraints tc "
            + "WHERE UPPER(tc.table_name) = 'MESSAGES' AND tc.table_schema = ? "
            + "AND tc.constraint_type = 'FOREIGN KEY'";

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        for (String name : foreignKeys(c)) {
            try (Statement s = c.createStatement()) {
                // Quoted as stored: H2 keeps the upper-case CONSTRAINT_xx, PostgreSQL the lower-case name.
                s.execute("ALTER TABLE messages DROP CONSTRAINT \"" + name.replace("\"", "\"\"") + "\"");
            }
        }
    }

    /** The names of the foreign keys on {@code messages} in the connection's current schema. */
    public static List<String> foreignKeys(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(FOREIGN_KEYS)) {
            ps.setString(1, c.getSchema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
