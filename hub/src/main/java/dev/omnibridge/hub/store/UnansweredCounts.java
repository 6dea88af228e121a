package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Customer messages per conversation since its last agent reply (migration V12, {@code conversation_triage}), for
 * rules with the {@code unanswered} condition. Read and written in the transaction that stores the messages; reset
 * by a desk reply. Only used while such a rule is configured.
 */
final class UnansweredCounts {
    private UnansweredCounts() {
    }

    /** The stored counts of these conversations; a conversation without a row has none. */
    static Map<String, Integer> read(Connection c, Collection<String> conversationIds) throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        PaddedRows.inParts(new ArrayList<>(conversationIds), (marks, ids) -> {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT conversation_id, unanswered FROM conversation_triage "
                    + "WHERE conversation_id IN (" + marks + ")", ids); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        });
        return counts;
    }

    /**
     * Writes the new counts.
     *
     * @param stored the counts as read before: a conversation in it has a row to update, the others get one
     */
    static void write(Connection c, Map<String, Integer> counts, Map<String, Integer> stored) throws SQLException {
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            // UPDATE or INSERT, portable (H2 and PostgreSQL); the writer is the only one writing the table.
            if (!stored.containsKey(e.getKey()) || Sql.update(c, "UPDATE conversation_triage SET unanswered = ? "
                    + "WHERE conversation_id = ?", e.getValue(), e.getKey()) == 0) {
                Sql.update(c, "INSERT INTO conversation_triage (conversation_id, unanswered) VALUES (?, ?)",
                        e.getKey(), e.getValue());
            }
        }
    }

    /** An agent answered: the conversation's customer is not waiting for one any more. */
    static void answered(Connection c, String conversationId) throws SQLException {
        Sql.update(c, "UPDATE conversation_triage SET unanswered = 0 WHERE conversation_id = ?", conversationId);
    }
}
