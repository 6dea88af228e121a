package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The backfills of issue 22 (migration V17_2, {@code backfills}): a desk newly added to a route sent the history of
 * the conversations it should have, page by page on the journal's writer. Each page's outbox rows and the row's cursor
 * are written in one transaction ({@link #page}), so a backfill resumes after a restart where it stopped and sends no
 * message twice.
 */
public final class BackfillTables {
    public static final String RUNNING = "RUNNING";
    public static final String DONE = "DONE";

    private BackfillTables() {
    }

    /**
     * A backfill and its progress.
     *
     * @param openOnly      the open conversations; else those created in [from, to)
     * @param conversations conversations sent to the desk so far
     * @param skipped       conversations the desk already had (a ticket or a delivery), left alone
     * @param messages      messages queued to the desk so far
     */
    public record Backfill(String id, String desk, boolean openOnly, Instant from, Instant to, String state,
                           int conversations, int skipped, int messages, String requestedBy, Instant createdAt,
                           Instant updatedAt, Instant finishedAt) {
    }

    public static void create(Connection c, Backfill b) throws SQLException {
        Sql.update(c, "INSERT INTO backfills (id, desk_instance, open_only, from_at, to_at, state, conversations, "
                        + "skipped, messages, requested_by, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?)",
                b.id(), b.desk(), b.openOnly(), b.from(), b.to(), RUNNING, Columns.text(b.requestedBy(), 200),
                b.createdAt(), b.createdAt());
    }

    private static final String COLUMNS = "id, desk_instance, open_only, from_at, to_at, state, conversations, "
            + "skipped, messages, requested_by, created_at, updated_at, finished_at";

    public static Optional<Backfill> find(Connection c, String id) throws SQLException {
        List<Backfill> found = select(c, "SELECT " + COLUMNS + " FROM backfills WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Newest first. */
    public static List<Backfill> list(Connection c, int limit) throws SQLException {
        return select(c, "SELECT " + COLUMNS + " FROM backfills ORDER BY created_at DESC, id DESC FETCH FIRST "
                + Math.max(1, limit) + " ROWS ONLY");
    }

    /** The oldest backfill still running, if any. */
    public static Optional<Backfill> nextRunning(Connection c) throws SQLException {
        List<Backfill> found = select(c, "SELECT " + COLUMNS + " FROM backfills WHERE state = ? "
                + "ORDER BY created_at, id FETCH FIRST 1 ROWS ONLY", RUNNING);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** What one page did: conversations sent, skipped, messages queued, whether the backfill is finished. */
    public record Page(int conversations, int skipped, int messages, boolean finished) {
    }

    /**
     * Sends the desk the next {@code size} conversations of the backfill (oldest first, after its cursor) from these
     * channel instances, each with its messages in their order, through the outbox; moves the cursor past them and
     * counts; marks the backfill DONE when there are no more. A conversation the desk already has (a ticket, or any
     * delivery to it) is skipped: live traffic put it there. In the caller's transaction.
     */
    public static Page page(Connection c, AfterCommit after, InboundWriter writer, Backfill b,
                            Collection<String> channels, int size, Instant now) throws SQLException {
        if (channels.isEmpty()) {
            finish(c, b.id(), now);
            return new Page(0, 0, 0, true);
        }
        String[] cursor = cursor(c, b.id());
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT id, created_at FROM conversations WHERE channel_instance IN (");
        for (String ch : channels) {
            sql.append(params.isEmpty() ? "?" : ", ?");
            params.add(ch);
        }
        sql.append(")");
        if (b.openOnly()) {
            sql.append(" AND status = 'OPEN'");
        } else {
            sql.append(" AND created_at >= ? AND created_at < ?");
            params.add(b.from());
            params.add(b.to());
        }
        if (cursor[0] != null) {
            sql.append(" AND (created_at > ? OR (created_at = ? AND id > ?))");
            Instant at = Instant.parse(cursor[0]);
            params.add(at);
            params.add(at);
            params.add(cursor[1]);
        }
        sql.append(" ORDER BY created_at, id FETCH FIRST ").append(size).append(" ROWS ONLY");
        List<String> ids = new ArrayList<>();
        Instant lastCreated = null;
        try (PreparedStatement ps = Sql.prepare(c, sql.toString(), params.toArray());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
                lastCreated = Sql.instant(rs, "created_at");
            }
        }
        int sent = 0;
        int skipped = 0;
        int messages = 0;
        for (String id : ids) {
            if (onDesk(c, id, b.desk())) {
                skipped++;
                continue;
            }
            List<String> messageIds = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(c, "SELECT id FROM messages WHERE conversation_id = ? ORDER BY seq",
                    id); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    messageIds.add(rs.getString(1));
                }
            }
            List<dev.omnibridge.model.Message> history = new ArrayList<>(messageIds.size());
            for (String m : messageIds) {
                history.add(DeliveryStore.message(c, m));
            }
            messages += writer.queueHistoryToDesk(c, after, history, b.desk(), now);
            sent++;
        }
        boolean finished = ids.size() < size;
        Sql.update(c, "UPDATE backfills SET conversations = conversations + ?, skipped = skipped + ?, "
                        + "messages = messages + ?, after_created = COALESCE(?, after_created), "
                        + "after_id = COALESCE(?, after_id), updated_at = ?, state = ?, finished_at = ? WHERE id = ?",
                sent, skipped, messages, lastCreated, ids.isEmpty() ? null : ids.get(ids.size() - 1), now,
                finished ? DONE : RUNNING, finished ? now : null, b.id());
        return new Page(sent, skipped, messages, finished);
    }

    private static void finish(Connection c, String id, Instant now) throws SQLException {
        Sql.update(c, "UPDATE backfills SET state = ?, updated_at = ?, finished_at = ? WHERE id = ?", DONE, now, now,
                id);
    }

    private static String[] cursor(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT after_created, after_id FROM backfills WHERE id = ?", id);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("backfill " + id + " is missing");
            }
            Instant at = Sql.instant(rs, "after_created");
            return new String[] {at == null ? null : at.toString(), rs.getString(2)};
        }
    }

    /** Whether the desk already has the conversation: its ticket, or a delivery pending, done or dead. */
    private static boolean onDesk(Connection c, String conversationId, String desk) throws SQLException {
        return Sql.string(c, "SELECT conversation_id FROM desk_tickets WHERE conversation_id = ? AND desk_instance = ?",
                conversationId, desk).isPresent()
                || Sql.string(c, "SELECT message_id FROM outbox WHERE conversation_id = ? AND target_instance = ? "
                + "FETCH FIRST 1 ROWS ONLY", conversationId, desk).isPresent()
                || Sql.string(c, "SELECT r.message_id FROM delivery_results r JOIN messages m ON m.id = r.message_id "
                + "WHERE m.conversation_id = ? AND r.target_instance = ? FETCH FIRST 1 ROWS ONLY", conversationId,
                desk).isPresent()
                || Sql.string(c, "SELECT message_id FROM dead_letters WHERE conversation_id = ? "
                + "AND target_instance = ? FETCH FIRST 1 ROWS ONLY", conversationId, desk).isPresent();
    }

    private static List<Backfill> select(Connection c, String sql, Object... params) throws SQLException {
        List<Backfill> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Backfill(rs.getString("id"), rs.getString("desk_instance"), rs.getBoolean("open_only"),
                        Sql.instant(rs, "from_at"), Sql.instant(rs, "to_at"), rs.getString("state"),
                        rs.getInt("conversations"), rs.getInt("skipped"), rs.getInt("messages"),
                        rs.getString("requested_by"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"),
                        Sql.instant(rs, "finished_at")));
            }
        }
        return out;
    }
}
