package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The messages of one conversation, without a per-message index (migration V7). The journal writer copies
 * {@code (conversation_id, seq)} of the messages stored since its last copy into {@code conversation_messages} in
 * bulk ({@link #catchUp}, about once a {@link #PERIOD}), and moves the mark in {@code store_marks} in the same
 * transaction: the table holds exactly the messages up to the mark, a crash loses or repeats none. Messages above
 * the mark are read from {@code messages} itself, a range of its primary key no longer than one period of traffic.
 * So a message is found by its conversation from its commit on, as with the index before.
 *
 * <p>Why: messages of many conversations arrive together, so an index on {@code (conversation_id, seq)} got each
 * message's entry in another leaf, and every group commit rewrote as many leaves (and their parents) as it had
 * messages, about 3 KB per message on H2. Copied a second's worth at a time, a conversation's entries share a leaf.
 *
 * <p>Reads stay right at any moment: the mark is read first and the entries after it; the table only grows, and
 * every entry up to a committed mark is in it, so the two parts together hold every message (an entry copied in
 * between shows up in both and is counted once, UNION).
 */
final class ConversationMessages {
    /** How often the writer copies: bounds the range of {@code messages} a read scans beyond the table. */
    static final Duration PERIOD = Duration.ofSeconds(1);
    static final String MARK = "conversation_messages";

    private ConversationMessages() {
    }

    /**
     * Copies the entries of the messages stored since the last copy. Runs in the journal writer's transaction (the
     * only writer of messages), so no message below the new mark can still appear.
     *
     * @return how many entries were copied
     */
    static Integer catchUp(Connection c, AfterCommit after) throws SQLException {
        long mark = mark(c);
        long top = Long.parseLong(Sql.string(c, "SELECT COALESCE(MAX(seq), 0) FROM messages").orElse("0"));
        if (top <= mark) {
            return 0;
        }
        int copied = Sql.update(c, "INSERT INTO conversation_messages (conversation_id, seq) "
                + "SELECT conversation_id, seq FROM messages WHERE seq > ? AND seq <= ?", mark, top);
        Sql.update(c, "UPDATE store_marks SET mark = ? WHERE name = ?", top, MARK);
        return copied;
    }

    /** The largest seq whose entry is in {@code conversation_messages}. */
    static long mark(Connection c) throws SQLException {
        return Long.parseLong(Sql.string(c, "SELECT mark FROM store_marks WHERE name = ?", MARK).orElse("0"));
    }

    /**
     * The ids of a conversation's messages in seq (commit) order: the first {@code limit}, or with
     * {@code newestFirst} the last {@code limit}, newest first.
     */
    static List<String> ids(Connection c, String conversationId, boolean newestFirst, int limit)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = select(c, "m.id", conversationId, null, newestFirst, limit);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** The JSON of the conversation's latest message in this direction. */
    static Optional<String> latestBody(Connection c, String conversationId, Object direction) throws SQLException {
        try (PreparedStatement ps = select(c, "m.body", conversationId, direction, true, 1);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
    }

    private static PreparedStatement select(Connection c, String columns, String conversationId, Object direction,
                                            boolean newestFirst, int limit) throws SQLException {
        long mark = mark(c);
        String order = newestFirst ? " DESC" : "";
        String first = " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY";
        String copied = direction == null
                ? "SELECT i.seq FROM conversation_messages i WHERE i.conversation_id = ?"
                : "SELECT i.seq FROM conversation_messages i JOIN messages d ON d.seq = i.seq "
                + "WHERE i.conversation_id = ? AND d.direction = ?";
        String recent = "SELECT x.seq FROM messages x WHERE x.seq > ? AND x.conversation_id = ?"
                + (direction == null ? "" : " AND x.direction = ?");
        String sql = "SELECT " + columns + " FROM ((" + copied + " ORDER BY i.seq" + order + first + ") UNION ("
                + recent + " ORDER BY x.seq" + order + first + ")) s JOIN messages m ON m.seq = s.seq "
                + "ORDER BY m.seq" + order + first;
        return direction == null
                ? Sql.prepare(c, sql, conversationId, mark, conversationId)
                : Sql.prepare(c, sql, conversationId, direction, mark, conversationId, direction);
    }
}
