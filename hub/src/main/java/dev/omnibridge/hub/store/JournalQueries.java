package dev.omnibridge.hub.store;

import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Skipped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Read-only views of the journal, for the admin API and for connectors threading what they receive. */
public final class JournalQueries {
    private final Database database;

    public JournalQueries(Database database) {
        this.database = database;
    }

    /**
     * @param channelStatus what the channel last reported for a sent message (DELIVERED, FAILED...), or null
     * @param channelError  the channel's error code and message for a failed one, or null
     */
    public record DeliveryView(long id, String target, String kind, String status, int attempts, String lastError,
                               String resultRef, Instant updatedAt, String channelStatus, String channelError) {
    }

    public record MessageView(Message message, List<DeliveryView> deliveries) {
    }

    public List<MessageView> messages(String conversationId, int limit) throws SQLException {
        try (Connection c = database.connection()) {
            List<String> ids = new ArrayList<>();
            if (conversationId == null) {
                try (PreparedStatement ps = Sql.prepare(c, "SELECT id FROM messages ORDER BY seq DESC FETCH FIRST "
                        + limit + " ROWS ONLY"); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            } else {
                ids = ConversationMessages.ids(c, conversationId, false, limit);
            }
            List<MessageView> views = new ArrayList<>();
            for (String id : ids) {
                views.add(view(c, id));
            }
            return views;
        }
    }

    public Optional<MessageView> message(String id) throws SQLException {
        try (Connection c = database.connection()) {
            if (Sql.string(c, "SELECT id FROM messages WHERE id = ?", id).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(view(c, id));
        }
    }

    private static MessageView view(Connection c, String id) throws SQLException {
        List<DeliveryView> deliveries = new ArrayList<>();
        // A delivery is in one of three tables by its state; the outbox is found through the message's conversation
        // (its index), the others by message id.
        try (PreparedStatement ps = Sql.prepare(c, "SELECT d.id, d.target_instance, d.kind, d.status, d.attempts, "
                + "d.last_error, d.result_ref, d.updated_at, s.state, s.error_code, s.error_message FROM ("
                + "SELECT id, target_instance, kind, 'PENDING' AS status, attempts, last_error, "
                + "CAST(NULL AS VARCHAR(500)) AS result_ref, updated_at FROM outbox WHERE conversation_id = "
                + "(SELECT conversation_id FROM messages WHERE id = ?) AND message_id = ? "
                + "UNION ALL SELECT id, target_instance, kind, status, attempts, CAST(NULL AS VARCHAR(2000)), "
                + "result_ref, finished_at FROM delivery_results WHERE message_id = ? "
                + "UNION ALL SELECT id, target_instance, kind, 'DEAD', attempts, reason, CAST(NULL AS VARCHAR(500)), "
                + "failed_at FROM dead_letters WHERE message_id = ?) d "
                + "LEFT JOIN channel_message_status s ON d.kind = 'CHANNEL' AND s.instance_id = d.target_instance "
                + "AND s.channel_message_id = d.result_ref ORDER BY d.id", id, id, id, id);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String code = rs.getString(10);
                String text = rs.getString(11);
                String error = code == null && text == null ? null
                        : code == null ? text : text == null ? code : code + ": " + text;
                deliveries.add(new DeliveryView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5), rs.getString(6), rs.getString(7), Sql.instant(rs, "updated_at"),
                        rs.getString(9), error));
            }
        }
        return new MessageView(DeliveryStore.message(c, id), deliveries);
    }

    public List<Conversation> conversations(int limit) throws SQLException {
        try (Connection c = database.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM conversations ORDER BY last_message_at DESC "
                     + "FETCH FIRST " + limit + " ROWS ONLY");
             ResultSet rs = ps.executeQuery()) {
            List<String> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            List<Conversation> list = new ArrayList<>();
            for (String id : ids) {
                DeliveryStore.conversation(c, id).ifPresent(list::add);
            }
            return list;
        }
    }

    public Optional<dev.omnibridge.model.Contact> contact(String id) throws SQLException {
        try (Connection c = database.connection()) {
            return id == null ? Optional.empty() : Optional.of(DeliveryStore.contact(c, id));
        }
    }

    public Optional<Conversation> conversation(String id) throws SQLException {
        try (Connection c = database.connection()) {
            return DeliveryStore.conversation(c, id);
        }
    }

    /** A message a channel instance received (by its source id) or the hub sent through it (by the channel's id). */
    public Optional<Message> channelMessage(String instance, String channelMessageId) throws SQLException {
        try (Connection c = database.connection()) {
            Optional<String> id = Sql.string(c, "SELECT id FROM messages WHERE source_instance = ? AND source_id = ?",
                    instance, Columns.key(channelMessageId));
            if (id.isEmpty()) {
                id = Sql.string(c, "SELECT message_id FROM delivery_results WHERE target_instance = ? "
                        + "AND kind = 'CHANNEL' AND result_ref = ?", instance, Columns.key(channelMessageId));
            }
            return id.isEmpty() ? Optional.empty() : Optional.of(DeliveryStore.message(c, id.get()));
        }
    }

    public Optional<Conversation> conversationByThread(String instance, String threadKey) throws SQLException {
        try (Connection c = database.connection()) {
            Optional<String> id = Sql.string(c, "SELECT id FROM conversations WHERE channel_instance = ? "
                    + "AND thread_key = ?", instance, Columns.key(threadKey));
            return id.isEmpty() ? Optional.empty() : DeliveryStore.conversation(c, id.get());
        }
    }

    /** The latest messages of a conversation, oldest first. */
    public List<Message> recentMessages(String conversationId, int limit) throws SQLException {
        try (Connection c = database.connection()) {
            List<String> ids = ConversationMessages.ids(c, conversationId, true, limit);
            List<Message> list = new ArrayList<>();
            for (int i = ids.size() - 1; i >= 0; i--) {
                list.add(DeliveryStore.message(c, ids.get(i)));
            }
            return list;
        }
    }

    public record SkippedView(long id, String instance, String sourceId, String disposition, String reason,
                              String original, Instant at) {
    }

    /** Items channels recorded without turning them into messages, newest first. */
    public List<SkippedView> skipped(String disposition, int limit) throws SQLException {
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, "SELECT id, instance_id, source_id, disposition, reason, original, "
                     + "created_at FROM inbound_skipped WHERE disposition = ? ORDER BY id DESC FETCH FIRST "
                     + limit + " ROWS ONLY", disposition);
             ResultSet rs = ps.executeQuery()) {
            List<SkippedView> list = new ArrayList<>();
            while (rs.next()) {
                list.add(new SkippedView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), Sql.instant(rs, "created_at")));
            }
            return list;
        }
    }

    /**
     * A timeline entry of the hub's automation: what it did not do for a message, and why.
     *
     * @param messageId the message the entry is about; null for {@link #SKIPPED_INBOUND}
     * @param kind      {@code ACK_NOT_SENT}: the customer message got no automatic acknowledgement;
     *                  {@link #SKIPPED_INBOUND}: the channel received something for this conversation that it did not
     *                  turn into a message (an auto-reply, a bounce), with the reason; the hub acknowledges only
     *                  messages, so it got no acknowledgement either; {@code SELF_SERVICE_<kind>}: what the
     *                  self-service bot did ({@link SelfServiceTables.Kind}: ANSWERED, HANDED_OFF with its reason...)
     */
    public record AutomationEvent(long id, String messageId, String kind, String detail, Instant at) {
    }

    /** The kind of a timeline entry for skipped input of the conversation. */
    public static final String SKIPPED_INBOUND = "SKIPPED_INBOUND";

    /**
     * The automation's entries of a conversation's timeline, oldest first: those about its latest {@code limit}
     * messages (found by message id, the table's index; see migration V8), and its newest {@code limit} skipped
     * items ({@link #SKIPPED_INBOUND}).
     */
    public List<AutomationEvent> automationEvents(String conversationId, int limit) throws SQLException {
        try (Connection c = database.connection()) {
            List<String> ids = ConversationMessages.ids(c, conversationId, true, limit);
            List<AutomationEvent> list = new ArrayList<>();
            PaddedRows.inParts(ids, (marks, messageIds) -> {
                try (PreparedStatement ps = Sql.prepare(c, "SELECT id, message_id, kind, detail, created_at FROM "
                        + "automation_events WHERE message_id IN (" + marks + ")", messageIds);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(new AutomationEvent(rs.getLong(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), Sql.instant(rs, "created_at")));
                    }
                }
            });
            list.addAll(skippedOf(c, conversationId, limit));
            // Issue 21: what the self-service bot did (answered, handed off...), kinds SELF_SERVICE_<kind>.
            list.addAll(SelfServiceTables.timeline(c, conversationId, limit));
            // Skipped input has no message to hang under: the timeline places it by time.
            list.sort(java.util.Comparator.comparing(AutomationEvent::at).thenComparing(AutomationEvent::kind)
                    .thenComparingLong(AutomationEvent::id));
            return list;
        }
    }

    /**
     * What the conversation's channel received for it but did not store (an auto-reply to its acknowledgement, a
     * bounce), newest {@code limit}, as {@link #SKIPPED_INBOUND} entries; found through the connector's thread key
     * (see migration V10). Their ids are the skipped items' ids, as {@code GET /api/skipped} lists them.
     */
    private static List<AutomationEvent> skippedOf(Connection c, String conversationId, int limit)
            throws SQLException {
        List<AutomationEvent> list = new ArrayList<>();
        String instance = null;
        String threadKey = null;
        try (PreparedStatement ps = Sql.prepare(c, "SELECT channel_instance, thread_key FROM conversations "
                + "WHERE id = ?", conversationId);
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                instance = rs.getString(1);
                threadKey = rs.getString(2);
            }
        }
        if (instance == null || threadKey == null) {
            return list;
        }
        try (PreparedStatement ps = Sql.prepare(c, "SELECT id, disposition, reason, created_at FROM inbound_skipped "
                + "WHERE instance_id = ? AND thread_key = ? ORDER BY id DESC FETCH FIRST " + limit + " ROWS ONLY",
                instance, threadKey);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                boolean deadLetter = Skipped.Disposition.DEAD_LETTER.name().equals(rs.getString(2));
                String detail = deadLetter
                        ? "unreadable (" + rs.getString(3) + "): kept with the dead letters, not acknowledged"
                        : "skipped (" + rs.getString(3) + "): not stored as a message, not acknowledged";
                list.add(new AutomationEvent(rs.getLong(1), null, SKIPPED_INBOUND, detail,
                        Sql.instant(rs, "created_at")));
            }
        }
        return list;
    }

    /** Why an address takes no messages (opt-out, block), if it does not. */
    public Optional<String> unreachableReason(dev.omnibridge.model.Address address) throws SQLException {
        try (Connection c = database.connection()) {
            return DeliveryStore.unreachableReason(c, address);
        }
    }
}
