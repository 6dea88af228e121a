package dev.omnibridge.hub.store;

import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The writer's side of the outbox: what the ingest path adds to it and asks of it, in one place, so that how the
 * outbox is laid out in tables stays behind these few calls. All of them run on the journal's writer, inside its
 * transaction.
 *
 * <p>Layout (migration V5): {@code outbox} holds pending rows only; a finished delivery moves to the append-only
 * {@code delivery_results}, a given-up one to {@code dead_letters}, each under the id it had in the outbox.
 */
final class Outbox {
    private Outbox() {
    }

    /** A delivery to add: the stored message, for one target. */
    record NewDelivery(Message message, String target, DeliveryTask.TargetKind kind) {
    }

    static final String PENDING_COLUMNS = "id, message_id, conversation_id, target_instance, kind, attempts, "
            + "next_attempt_at, last_error, created_at, updated_at, priority, shard";
    private static final String[] PENDING_TYPES = {"BIGINT", "VARCHAR", "VARCHAR", "VARCHAR",
            "VARCHAR", "INT", "TIMESTAMP WITH TIME ZONE", "VARCHAR", "TIMESTAMP WITH TIME ZONE",
            "TIMESTAMP WITH TIME ZONE", "VARCHAR", "SMALLINT"};

    /**
     * Adds pending deliveries in the list's order, with one statement for the whole list (up to
     * {@link PaddedRows#MAX} rows): their ids grow in that order and in commit order, which the dispatcher's paging
     * relies on. Each row carries its message's priority (migration V11), which orders the dispatcher's lanes, and
     * its conversation's share (V18_1, {@link OutboxShards}); in a cluster the other nodes are told of the new rows
     * when the transaction commits.
     */
    static List<DeliveryTask> addPending(Connection c, List<NewDelivery> rows, Instant now) throws SQLException {
        if (rows.isEmpty()) {
            return List.of();
        }
        long first = OutboxIds.reserve(c, rows.size());
        List<DeliveryTask> tasks = new ArrayList<>(rows.size());
        List<Object[]> values = new ArrayList<>(rows.size());
        List<String> targets = new ArrayList<>(2);
        for (int i = 0; i < rows.size(); i++) {
            NewDelivery row = rows.get(i);
            Message m = row.message();
            long id = first + i;
            values.add(new Object[] {id, m.id(), m.conversationId(), row.target(), row.kind(), 0, now, null, now,
                    now, m.priority(), (short) OutboxShards.of(m.conversationId())});
            if (!targets.contains(row.target())) {
                targets.add(row.target());
            }
            tasks.add(new DeliveryTask(id, m.id(), m.conversationId(), row.target(), row.kind(), 0, now, now,
                    m.priority()));
        }
        PaddedRows.insert(c, "outbox", PENDING_COLUMNS, PENDING_TYPES, values);
        OutboxShards.announce(c, targets);
        return tasks;
    }

    /**
     * Records a delivery the target made by itself (a desk that emailed its agent's reply to the customer): part of
     * the conversation's history with that {@code status}, never scheduled.
     */
    static void addFinished(Connection c, Message m, String target, DeliveryTask.TargetKind kind, String status,
                            Instant now) throws SQLException {
        long id = OutboxIds.reserve(c, 1);
        Sql.update(c, "INSERT INTO delivery_results (id, message_id, target_instance, kind, status, attempts, "
                + "result_ref, finished_at) VALUES (?, ?, ?, ?, ?, 0, NULL, ?)", id, m.id(), target, kind, status, now);
    }

    /**
     * Which of {@code resultRefs} are items the hub itself delivered to {@code instanceId} as {@code kind} (a
     * comment it posted, a message it sent), so that they are not taken in again when the instance reports them.
     * One statement for the whole collection (its IN list padded to a few fixed sizes, so the statement is reused).
     */
    static Set<String> sentByHub(Connection c, String instanceId, Collection<String> resultRefs,
                                 DeliveryTask.TargetKind kind) throws SQLException {
        Set<String> found = new HashSet<>();
        if (resultRefs.isEmpty()) {
            return found;
        }
        // Stored in their bounded form: several reported refs may share one key.
        Map<String, List<String>> byKey = new HashMap<>();
        for (String ref : resultRefs) {
            byKey.computeIfAbsent(Columns.key(ref), k -> new ArrayList<>()).add(ref);
        }
        List<String> keys = new ArrayList<>(byKey.keySet());
        PaddedRows.inParts(keys, (marks, refs) -> {
            Object[] params = new Object[2 + refs.length];
            params[0] = instanceId;
            params[1] = kind;
            System.arraycopy(refs, 0, params, 2, refs.length);
            try (PreparedStatement ps = Sql.prepare(c, "SELECT result_ref FROM delivery_results WHERE "
                    + "target_instance = ? AND kind = ? AND result_ref IN (" + marks + ")", params);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.addAll(byKey.getOrDefault(rs.getString(1), List.of()));
                }
            }
        });
        return found;
    }

    /** The hub message a channel item the hub sent is about (by the channel's id for it), if the hub sent it. */
    static java.util.Optional<String> messageSentAs(Connection c, String instanceId, String resultRef)
            throws SQLException {
        return Sql.string(c, "SELECT message_id FROM delivery_results WHERE target_instance = ? AND kind = 'CHANNEL' "
                + "AND result_ref = ?", instanceId, Columns.key(resultRef));
    }
}
