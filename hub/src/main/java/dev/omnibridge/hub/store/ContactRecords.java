package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the store holds on one contact (and the contacts joined into it), read for the contact's export
 * ({@code dev.omnibridge.hub.privacy.ContactExport}): rows as column-name maps, timestamps as ISO instants, messages
 * as their stored JSON. One read transaction's worth of plain queries; no writes.
 */
public final class ContactRecords {
    private final Database database;

    public ContactRecords(Database database) {
        this.database = database;
    }

    /** Everything on the contact; null when no such contact. */
    public record Records(String contactId, List<Map<String, Object>> contacts, List<Map<String, Object>> addresses,
                          List<Map<String, Object>> addressChannels, List<Map<String, Object>> links,
                          List<Map<String, Object>> deskRequesters, List<Map<String, Object>> conversations,
                          List<Map<String, Object>> deskTickets, List<String> messageJson,
                          List<Map<String, Object>> pendingDeliveries, List<Map<String, Object>> finishedDeliveries,
                          List<Map<String, Object>> deadLetters, List<Map<String, Object>> erasures) {
    }

    /** The records of the contact an id leads to (a joined id leads to its survivor); null when unknown. */
    public Records read(String contactId) throws SQLException {
        try (Connection c = database.connection()) {
            var root = ContactErasures.survivor(c, contactId);
            if (root.isEmpty()) {
                return null;
            }
            Set<String> group = ContactErasures.group(c, root.get());
            List<Map<String, Object>> contacts = new ArrayList<>();
            List<Map<String, Object>> addresses = new ArrayList<>();
            List<Map<String, Object>> channels = new ArrayList<>();
            List<Map<String, Object>> links = new ArrayList<>();
            List<Map<String, Object>> requesters = new ArrayList<>();
            List<Map<String, Object>> conversations = new ArrayList<>();
            List<Map<String, Object>> erasures = new ArrayList<>();
            for (String id : group) {
                contacts.addAll(rows(c, "SELECT id, display_name, created_at, updated_at, merged_into, erased_at "
                        + "FROM contacts WHERE id = ?", id));
                List<Map<String, Object>> own = rows(c, "SELECT kind, address, contact_id, created_at, "
                        + "unreachable_reason, reachability_changed_at FROM contact_addresses WHERE contact_id = ? "
                        + "ORDER BY created_at", id);
                addresses.addAll(own);
                for (Map<String, Object> a : own) {
                    channels.addAll(rows(c, "SELECT kind, address, channel_instance, first_seen_at FROM "
                            + "address_channels WHERE kind = ? AND address = ?", a.get("kind"), a.get("address")));
                }
                links.addAll(rows(c, "SELECT id, contact_id, other_contact_id, kind, address, other_kind, "
                        + "other_address, strength, evidence, status, detail, created_at, decided_at, decided_by "
                        + "FROM contact_links WHERE contact_id = ? OR other_contact_id = ? ORDER BY id", id, id));
                requesters.addAll(rows(c, "SELECT contact_id, desk_instance, requester_ref, created_at "
                        + "FROM desk_requesters WHERE contact_id = ?", id));
                conversations.addAll(rows(c, "SELECT id, channel_type, channel_instance, thread_key, contact_id, "
                        + "customer_kind, customer_address, status, created_at, last_message_at FROM conversations "
                        + "WHERE contact_id = ? ORDER BY created_at", id));
                erasures.addAll(rows(c, "SELECT id, contact_id, state, requested_by, requested_at, finished_at, "
                        + "figures FROM contact_erasures WHERE contact_id = ?", id));
            }
            List<Map<String, Object>> tickets = new ArrayList<>();
            List<String> messageIds = new ArrayList<>();
            List<Map<String, Object>> pending = new ArrayList<>();
            List<Map<String, Object>> dead = new ArrayList<>();
            for (Map<String, Object> conv : conversations) {
                String id = (String) conv.get("id");
                tickets.addAll(rows(c, "SELECT conversation_id, desk_instance, ticket_ref, created_at FROM "
                        + "desk_tickets WHERE conversation_id = ?", id));
                messageIds.addAll(ConversationMessages.ids(c, id, false, Integer.MAX_VALUE));
                pending.addAll(rows(c, "SELECT id, message_id, conversation_id, target_instance, kind, attempts, "
                        + "next_attempt_at, last_error, created_at, updated_at FROM outbox WHERE conversation_id = ? "
                        + "ORDER BY id", id));
                dead.addAll(rows(c, "SELECT id, message_id, conversation_id, target_instance, kind, attempts, "
                        + "reason, created_at, failed_at FROM dead_letters WHERE conversation_id = ? ORDER BY id", id));
            }
            List<String> json = new ArrayList<>();
            List<Map<String, Object>> finished = new ArrayList<>();
            for (int from = 0; from < messageIds.size(); from += 200) {
                List<String> chunk = messageIds.subList(from, Math.min(messageIds.size(), from + 200));
                String in = String.join(", ", Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement ps = Sql.prepare(c, "SELECT body FROM messages WHERE id IN (" + in
                        + ") ORDER BY seq", chunk.toArray()); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        json.add(rs.getString(1));
                    }
                }
                finished.addAll(rows(c, "SELECT id, message_id, target_instance, kind, status, attempts, result_ref, "
                        + "finished_at FROM delivery_results WHERE message_id IN (" + in + ") ORDER BY id",
                        chunk.toArray()));
            }
            return new Records(root.get(), contacts, addresses, channels, links, requesters, conversations, tickets,
                    json, pending, finished, dead, erasures);
        }
    }

    /** The rows of a query as column-name maps (camelCase keys, times as ISO instants): the contact's export. */
    static List<Map<String, Object>> rows(Connection c, String sql, Object... params) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof OffsetDateTime t) {
                        v = t.toInstant().toString();
                    } else if (v instanceof java.sql.Timestamp t) {
                        v = t.toInstant().toString();
                    } else if (v instanceof Instant t) {
                        v = t.toString();
                    }
                    row.put(camel(md.getColumnLabel(i)), v);
                }
                out.add(row);
            }
        }
        return out;
    }

    /** {@code display_name} (or H2's {@code DISPLAY_NAME}) as {@code displayName}. */
    static String camel(String column) {
        String lower = column.toLowerCase(java.util.Locale.ROOT);
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char ch : lower.toCharArray()) {
            if (ch == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return sb.toString();
    }
}
