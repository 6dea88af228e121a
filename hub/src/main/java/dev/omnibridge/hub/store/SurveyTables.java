package dev.omnibridge.hub.store;

import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code surveys} table (V16) for the satisfaction surveys ({@code dev.omnibridge.hub.survey}): one row per
 * conversation at most (its primary key). {@code due_at} is when the row next needs the survey sender: the send time
 * while SCHEDULED, the expiry while SENT, the end of the comment window while RATED; so one index
 * ({@code ix_surveys_due}) finds all the sender's work. Writer thread only, except {@link #waiting} and
 * {@link #ofConversations} (reads).
 */
public final class SurveyTables {
    /** The states of {@code surveys.state}. */
    public enum State { SCHEDULED, SENT, RATED, DONE, SKIPPED, EXPIRED }

    /** The states a conversation's survey still waits in (the hub watches its customer messages). */
    public static final List<State> WAITING = List.of(State.SCHEDULED, State.SENT, State.RATED);

    private static final String COLUMNS = "conversation_id, contact_id, channel_instance, desk_instance, kind, "
            + "state, resolved_at, due_at, sent_at, rating, answered_at";

    /** {@code surveys.skip_reason}'s length. */
    private static final int SKIP_REASON = 500;

    private SurveyTables() {
    }

    /** A survey row (the comment and skip reason are written, never read back by the hub). */
    public record Survey(String conversationId, String contactId, String channelInstance, String deskInstance,
                         String kind, State state, Instant resolvedAt, Instant dueAt, Instant sentAt, Integer rating,
                         Instant answeredAt) {
    }

    /** What scheduling needs of a conversation; null when it does not exist. */
    public record Resolved(String conversationId, String channelInstance, String contactId, boolean hasCustomer,
                           Instant resolvedAt) {
    }

    public static Resolved resolved(Connection c, String conversationId) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT channel_instance, contact_id, customer_address, "
                + "resolved_at FROM conversations WHERE id = ?", conversationId); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            OffsetDateTime at = rs.getObject(4, OffsetDateTime.class);
            return new Resolved(conversationId, rs.getString(1), rs.getString(2), rs.getString(3) != null,
                    at == null ? null : at.toInstant());
        }
    }

    public static Optional<Survey> find(Connection c, String conversationId) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT " + COLUMNS + " FROM surveys WHERE conversation_id = ?",
                conversationId); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    /** A new row; the caller checked there is none for the conversation. */
    public static void insert(Connection c, Survey s, String skipReason) throws SQLException {
        Sql.update(c, "INSERT INTO surveys (conversation_id, contact_id, channel_instance, desk_instance, kind, state, "
                        + "resolved_at, due_at, skip_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", s.conversationId(),
                s.contactId(), s.channelInstance(), s.deskInstance(), s.kind(), s.state(), s.resolvedAt(), s.dueAt(),
                skipReason == null ? null : Columns.text(skipReason, SKIP_REASON));
    }

    /** Rows whose due time has come, in any waiting state, oldest due first. */
    public static List<Survey> due(Connection c, Instant now, int limit) throws SQLException {
        List<Survey> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT " + COLUMNS + " FROM surveys WHERE state IN (?, ?, ?) "
                + "AND due_at <= ? ORDER BY due_at FETCH FIRST " + limit + " ROWS ONLY", State.SCHEDULED, State.SENT,
                State.RATED, now); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    public static void sent(Connection c, String conversationId, Instant now, Instant expiresAt) throws SQLException {
        Sql.update(c, "UPDATE surveys SET state = ?, sent_at = ?, due_at = ? WHERE conversation_id = ?", State.SENT,
                now, expiresAt, conversationId);
    }

    public static void skipped(Connection c, String conversationId, String reason) throws SQLException {
        Sql.update(c, "UPDATE surveys SET state = ?, skip_reason = ? WHERE conversation_id = ?", State.SKIPPED,
                Columns.text(reason, SKIP_REASON), conversationId);
    }

    public static void postpone(Connection c, String conversationId, Instant dueAt) throws SQLException {
        Sql.update(c, "UPDATE surveys SET due_at = ? WHERE conversation_id = ?", dueAt, conversationId);
    }

    /** The rating; {@code next} RATED (waiting for the comment until {@code dueAt}) or DONE. */
    public static void rated(Connection c, String conversationId, int rating, Instant now, State next, Instant dueAt)
            throws SQLException {
        Sql.update(c, "UPDATE surveys SET rating = ?, answered_at = ?, state = ?, due_at = ? WHERE conversation_id = ?",
                rating, now, next, dueAt, conversationId);
    }

    public static void commented(Connection c, String conversationId, String comment) throws SQLException {
        Sql.update(c, "UPDATE surveys SET comment = ?, state = ? WHERE conversation_id = ?",
                comment.length() > 2000 ? comment.substring(0, 2000) : comment, State.DONE, conversationId);
    }

    public static void state(Connection c, String conversationId, State state) throws SQLException {
        Sql.update(c, "UPDATE surveys SET state = ? WHERE conversation_id = ?", state, conversationId);
    }

    /** Drops a survey not sent yet (the customer wrote again, the ticket was reopened); true when there was one. */
    public static boolean cancelScheduled(Connection c, String conversationId) throws SQLException {
        return Sql.update(c, "DELETE FROM surveys WHERE conversation_id = ? AND state = ?", conversationId,
                State.SCHEDULED) > 0;
    }

    /** When the contact was last asked (or is about to be asked) the NPS question; empty when never. */
    public static Optional<Instant> lastNps(Connection c, String contactId) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT MAX(COALESCE(sent_at, due_at)) FROM surveys "
                + "WHERE contact_id = ? AND kind = 'NPS' AND state <> ?", contactId, State.SKIPPED);
             ResultSet rs = ps.executeQuery()) {
            OffsetDateTime t = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
            return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
        }
    }

    /** The conversation (channel, thread key, customer address), as deliveries read it. */
    public static Optional<Conversation> conversation(Connection c, String conversationId) throws SQLException {
        return DeliveryStore.conversation(c, conversationId);
    }

    /** The customer's last message in the conversation (its language, when it was written); empty when none. */
    public static Optional<Message> lastCustomerMessage(Connection c, String conversationId) throws SQLException {
        Optional<String> body = ConversationMessages.latestBody(c, conversationId, Direction.INBOUND);
        if (body.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(CanonicalJson.read(body.get().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (RuntimeException | dev.omnibridge.model.json.MalformedJsonException e) {
            return Optional.empty();
        }
    }

    /** Why the address takes no messages (opted out, blocked, failed for good); empty when it does. */
    public static Optional<String> unreachable(Connection c, dev.omnibridge.model.Address address)
            throws SQLException {
        return DeliveryStore.unreachableReason(c, address);
    }

    /** The conversations whose survey still waits: sent or to be sent, or rated and open for a comment. */
    public static List<String> waiting(Database database) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, "SELECT conversation_id FROM surveys WHERE state IN (?, ?, ?)",
                     State.SCHEDULED, State.SENT, State.RATED);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** The survey rows of these conversations, as column-name maps (the contact's export). */
    public static List<Map<String, Object>> ofConversations(Database database, List<String> conversationIds)
            throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = database.connection()) {
            for (String id : conversationIds) {
                out.addAll(ContactRecords.rows(c, "SELECT conversation_id, channel_instance, desk_instance, kind, "
                        + "state, resolved_at, sent_at, rating, comment, answered_at, skip_reason FROM surveys "
                        + "WHERE conversation_id = ?", id));
            }
        }
        return out;
    }

    private static Survey row(ResultSet rs) throws SQLException {
        int rating = rs.getInt(10);
        Integer r = rs.wasNull() ? null : rating;
        return new Survey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                State.valueOf(rs.getString(6)), at(rs, 7), at(rs, 8), at(rs, 9), r, at(rs, 11));
    }

    private static Instant at(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
