package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The self-service bot's tables (migrations V16, V16_1), on the writer's connection: {@code self_service}, the bot's
 * state per conversation it took part in, and {@code self_service_events}, what it did (for the timeline and the
 * analytics' containment figures). Every call runs in the caller's transaction: the bot's state changes commit with
 * the message that caused them, or not at all.
 */
public final class SelfServiceTables {
    /** Longest {@code held} list the column takes. */
    public static final int HELD_CHARS = 4000;
    private static final int DETAIL = 500;
    private static final int ENTRY = 200;

    private SelfServiceTables() {
    }

    /** The bot's state of a conversation (V16's comment on {@code self_service.state}). */
    public enum State {
        /** The bot answers; customer messages are held from the desks; the last answer waits for its feedback. */
        BOT,
        /** A person has it: the bot is silent until the conversation is resolved. */
        HANDED_OFF,
        /** The customer said the answer helped. */
        CONTAINED
    }

    /** What the bot did (V16's comment on {@code self_service_events.kind}; the analytics read these). */
    public enum Kind { ANSWERED, SUGGESTED, HELPED, NOT_HELPED, HANDED_OFF, NO_MATCH }

    /**
     * One conversation's row.
     *
     * @param held the hub ids of the messages kept from the desks so far, oldest first: the customer's and the bot's
     */
    public record Row(String conversationId, String channelInstance, State state, int answers, String lastEntry,
                      List<String> held, Instant startedAt, Instant updatedAt) {
        public Row {
            held = held == null ? List.of() : List.copyOf(held);
        }

        public Row with(State s, int n, String entry, List<String> h, Instant at) {
            return new Row(conversationId, channelInstance, s, n, entry, h, startedAt, at);
        }

        /** The held ids with {@code ids} added at the end. */
        public List<String> heldAnd(String... ids) {
            List<String> all = new ArrayList<>(held);
            all.addAll(Arrays.asList(ids));
            return all;
        }
    }

    /**
     * An event.
     *
     * @param messageId the customer message it is about, or null
     * @param detail    what happened in words, for the timeline: ids, scores and reasons only, never customer text
     */
    public record Event(String conversationId, String channelInstance, Kind kind, String entryId, Double score,
                        String detail, String messageId, Instant at) {
    }

    /** Whether the ids fit the {@code held} column. */
    public static boolean fits(List<String> held) {
        return String.join(",", held).length() <= HELD_CHARS;
    }

    public static Optional<Row> row(Connection c, String conversationId) throws SQLException {
        List<Row> rows = rows(c, "conversation_id = ?", conversationId);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** The rows of these conversations that have one. */
    public static List<Row> rows(Connection c, Collection<String> conversationIds) throws SQLException {
        List<Row> rows = new ArrayList<>();
        for (String id : conversationIds) {
            row(c, id).ifPresent(rows::add);
        }
        return rows;
    }

    /**
     * A page of the conversations the bot holds (state BOT), in id order: at most {@code limit} whose id sorts after
     * {@code afterId} (null: from the first). For a sweep over all of them in pages that each fit one transaction.
     */
    public static List<Row> holding(Connection c, String afterId, int limit) throws SQLException {
        String page = " ORDER BY conversation_id FETCH FIRST " + limit + " ROWS ONLY";
        return afterId == null ? rows(c, "state = ?" + page, State.BOT)
                : rows(c, "state = ? AND conversation_id > ?" + page, State.BOT, afterId);
    }

    private static List<Row> rows(Connection c, String where, Object... params) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT conversation_id, channel_instance, state, answers, "
                + "last_entry, held, started_at, updated_at FROM self_service WHERE " + where, params);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String held = rs.getString(6);
                rows.add(new Row(rs.getString(1), rs.getString(2), State.valueOf(rs.getString(3)), rs.getInt(4),
                        rs.getString(5), held == null || held.isEmpty() ? List.of() : List.of(held.split(",")),
                        Sql.instant(rs, "started_at"), Sql.instant(rs, "updated_at")));
            }
        }
        return rows;
    }

    /** Writes the row: an UPDATE, else an INSERT (portable; the writer is the only one writing the table). */
    public static void save(Connection c, Row r) throws SQLException {
        if (!fits(r.held())) {
            throw new IllegalArgumentException("too many held messages for conversation " + r.conversationId());
        }
        String held = r.held().isEmpty() ? null : String.join(",", r.held());
        String entry = Columns.text(r.lastEntry(), ENTRY);
        if (Sql.update(c, "UPDATE self_service SET state = ?, answers = ?, last_entry = ?, held = ?, updated_at = ? "
                + "WHERE conversation_id = ?", r.state(), r.answers(), entry, held, r.updatedAt(),
                r.conversationId()) == 0) {
            Sql.update(c, "INSERT INTO self_service (conversation_id, channel_instance, state, answers, last_entry, "
                    + "held, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", r.conversationId(),
                    r.channelInstance(), r.state(), r.answers(), entry, held, r.startedAt(), r.updatedAt());
        }
    }

    /** Removes the conversation's row: the bot starts afresh with its next message. */
    public static void delete(Connection c, String conversationId) throws SQLException {
        Sql.update(c, "DELETE FROM self_service WHERE conversation_id = ?", conversationId);
    }

    public static void event(Connection c, Event e) throws SQLException {
        Sql.update(c, "INSERT INTO self_service_events (conversation_id, channel_instance, kind, entry_id, score, "
                + "detail, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", e.conversationId(),
                e.channelInstance(), e.kind(), Columns.text(e.entryId(), ENTRY), e.score(),
                Columns.text(e.detail(), DETAIL), e.messageId(), e.at());
    }

    /** When the conversation was last resolved, if it is not reopened since (V16 {@code conversations.resolved_at}). */
    public static Optional<Instant> resolvedAt(Connection c, String conversationId) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT resolved_at FROM conversations WHERE id = ?",
                conversationId); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(Sql.instant(rs, "resolved_at")) : Optional.empty();
        }
    }

    /** The kind of a timeline entry of the bot: {@code SELF_SERVICE_} and the event's kind. */
    public static final String TIMELINE_PREFIX = "SELF_SERVICE_";

    /** The conversation's newest {@code limit} events as timeline entries ({@link JournalQueries#automationEvents}). */
    static List<JournalQueries.AutomationEvent> timeline(Connection c, String conversationId, int limit)
            throws SQLException {
        List<JournalQueries.AutomationEvent> list = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT id, message_id, kind, detail, created_at FROM "
                + "self_service_events WHERE conversation_id = ? ORDER BY id DESC FETCH FIRST " + limit
                + " ROWS ONLY", conversationId);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                list.add(new JournalQueries.AutomationEvent(rs.getLong(1), rs.getString(2),
                        TIMELINE_PREFIX + rs.getString(3), rs.getString(4), Sql.instant(rs, "created_at")));
            }
        }
        return list;
    }
}
