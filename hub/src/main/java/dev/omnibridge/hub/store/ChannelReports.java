package dev.omnibridge.hub.store;

import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.MessageAnnotation;
import dev.omnibridge.spi.Skipped;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What a channel reports besides messages, stored in the same unit of work as its messages: items it set aside,
 * reactions and other annotations, whether an address takes messages, how far a sent message got, and its offsets.
 */
final class ChannelReports {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelReports.class);

    private ChannelReports() {
    }

    /**
     * Merges a channel's annotation (e.g. a reaction) into the stored message it is about; returns an item to set
     * aside when the hub does not know that message (one sent before the hub was installed, say), else null.
     */
    static Skipped annotate(Connection c, AfterCommit after, RecentMessages recent, String instanceId,
                         MessageAnnotation note) throws SQLException {
        var id = Sql.string(c, "SELECT id FROM messages WHERE source_instance = ? AND source_id = ?", instanceId,
                Columns.key(note.channelMessageId()));
        if (id.isEmpty()) {
            id = Outbox.messageSentAs(c, instanceId, note.channelMessageId());
        }
        if (id.isEmpty()) {
            // The key's tail names the customer (a WhatsApp id is a phone number): only its kind is kept.
            String kind = note.key().contains(".") ? note.key().substring(0, note.key().indexOf('.')) : note.key();
            return Skipped.ignored("annotation:" + note.channelMessageId() + ":" + kind, kind
                    + " for a message the hub does not know", null);
        }
        Message m = DeliveryStore.message(c, id.get());
        var metadata = new java.util.HashMap<>(m.metadata());
        if (note.value() == null) {
            metadata.remove(note.key());
        } else {
            metadata.put(note.key(), note.value());
        }
        Sql.update(c, "UPDATE messages SET body = ? WHERE id = ?",
                CanonicalJson.writeString(m.toBuilder().metadata(metadata).build()), id.get());
        // After the commit: an earlier unit of the same group puts its message there only once the group commits.
        String changed = id.get();
        after.run(() -> recent.forget(changed));
        return null;
    }

    /** Records a skipped item once; false when the same source id was recorded (or stored as a message) before. */
    static boolean recordSkipped(Connection c, String instance, Skipped item, Instant now) throws SQLException {
        if (InboundWriter.exists(c, instance, item.sourceId()) || Sql.string(c, "SELECT source_id FROM "
                + "inbound_skipped WHERE instance_id = ? AND source_id = ?", instance, Columns.key(item.sourceId()))
                .isPresent()) {
            return false;
        }
        Sql.update(c, "INSERT INTO inbound_skipped (instance_id, source_id, disposition, reason, original, "
                        + "thread_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", instance,
                Columns.key(item.sourceId()), item.disposition(), Columns.text(item.reason(), Columns.REASON),
                item.original() == null ? null : item.original().toString(),
                item.threadKey() == null ? null : Columns.key(item.threadKey()), now);
        LOG.info("Instance {}: {} {} not turned into a message: {}", instance,
                item.disposition() == Skipped.Disposition.DEAD_LETTER ? "dead-lettered" : "skipped",
                item.sourceId(), item.reason());
        return true;
    }

    /** Keeps the furthest state a sent message reached; returns false for a late report of an earlier state. */
    static boolean recordStatus(Connection c, String instance, DeliveryStatus status, Instant now)
            throws SQLException {
        var current = Sql.string(c, "SELECT state FROM channel_message_status WHERE instance_id = ? "
                + "AND channel_message_id = ?", instance, Columns.key(status.channelMessageId()));
        String code = Columns.text(status.errorCode(), Columns.ERROR_CODE);
        String message = Columns.text(status.errorMessage(), Columns.ERROR_MESSAGE);
        if (current.isEmpty()) {
            Sql.update(c, "INSERT INTO channel_message_status (instance_id, channel_message_id, state, error_code, "
                    + "error_message, reported_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", instance,
                    Columns.key(status.channelMessageId()), status.state(), code, message, status.at(), now);
            return true;
        }
        if (!DeliveryStatus.State.valueOf(current.get()).canMoveTo(status.state())) {
            return false;
        }
        Sql.update(c, "UPDATE channel_message_status SET state = ?, error_code = ?, error_message = ?, "
                + "reported_at = ?, updated_at = ? WHERE instance_id = ? AND channel_message_id = ?", status.state(),
                code, message, status.at(), now, instance, Columns.key(status.channelMessageId()));
        return true;
    }

    static void saveOffset(Connection c, String instance, String key, String value, Instant now)
            throws SQLException {
        if (Sql.update(c, "UPDATE connector_offsets SET offset_value = ?, updated_at = ? WHERE instance_id = ? "
                + "AND offset_key = ?", value, now, instance, key) == 0) {
            Sql.update(c, "INSERT INTO connector_offsets (instance_id, offset_key, offset_value, updated_at) "
                    + "VALUES (?, ?, ?, ?)", instance, key, value, now);
        }
    }
}
