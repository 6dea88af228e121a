package dev.omnibridge.hub.store;

import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The writer's side of the outbox: what the ingest path adds to it and asks of it, in one place, so that how the
 * outbox is laid out in tables stays behind these few calls. All of them run on the journal's writer, inside its
 * transaction.
 */
final class Outbox {
    private Outbox() {
    }

    /** A delivery to add: the stored message, for one target. */
    record NewDelivery(Message message, String target, DeliveryTask.TargetKind kind) {
    }

    /**
     * Adds pending deliveries in the list's order; their ids grow in that order and in commit order, which the
     * dispatcher's paging relies on.
     */
    static List<DeliveryTask> addPending(Connection c, List<NewDelivery> rows, Instant now) throws SQLException {
        List<DeliveryTask> tasks = new ArrayList<>(rows.size());
        for (NewDelivery row : rows) {
            tasks.add(insert(c, row.message(), row.target(), row.kind(), "PENDING", now));
        }
        return tasks;
    }

    /**
     * Records a delivery the target made by itself (a desk that emailed its agent's reply to the customer): part of
     * the conversation's history with that {@code status}, never scheduled.
     */
    static void addFinished(Connection c, Message m, String target, DeliveryTask.TargetKind kind, String status,
                            Instant now) throws SQLException {
        insert(c, m, target, kind, status, now);
    }

    /**
     * Which of {@code resultRefs} are items the hub itself delivered to {@code instanceId} as {@code kind} (a
     * comment it posted, a message it sent), so that they are not taken in again when the instance reports them.
     */
    static Set<String> sentByHub(Connection c, String instanceId, Collection<String> resultRefs,
                                 DeliveryTask.TargetKind kind) throws SQLException {
        Set<String> found = new HashSet<>();
        for (String ref : resultRefs) {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT 1 FROM deliveries WHERE target_instance = ? "
                    + "AND result_ref = ? AND kind = ?", instanceId, Columns.key(ref), kind);
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    found.add(ref);
                }
            }
        }
        return found;
    }

    /** The hub message a channel item the hub sent is about (by the channel's id for it), if the hub sent it. */
    static java.util.Optional<String> messageSentAs(Connection c, String instanceId, String resultRef)
            throws SQLException {
        return Sql.string(c, "SELECT message_id FROM deliveries WHERE target_instance = ? AND kind = 'CHANNEL' "
                + "AND result_ref = ?", instanceId, Columns.key(resultRef));
    }

    private static DeliveryTask insert(Connection c, Message m, String target, DeliveryTask.TargetKind kind,
                                       String status, Instant now) throws SQLException {
        long id = Sql.insertReturningKey(c, "INSERT INTO deliveries (message_id, conversation_id, target_instance, "
                        + "kind, status, attempts, next_attempt_at, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)", m.id(), m.conversationId(), target, kind, status,
                now, now, now);
        return new DeliveryTask(id, m.id(), m.conversationId(), target, kind, 0, now, now);
    }
}
