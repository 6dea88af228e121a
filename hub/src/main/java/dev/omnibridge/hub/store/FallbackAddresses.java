package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The store's side of the reply fallback ({@code identity.replyFallback}): which of a contact's addresses a reply may
 * be redirected to, and which channel instances a reply already went to.
 *
 * <p>Only <em>verified</em> addresses count: one the customer wrote from (the customer address of one of the
 * contact's conversations, a webchat visitor's email included only when the site signed it), or one a verified,
 * joined link brought to the contact (the same number on two channels, the desk's requester, an agent's decision).
 * An address that is merely proposed (typed into a chat, written in a message, the same name) is never used: a reply
 * may say what only the real customer should read. An address marked unreachable (opted out, failed) is skipped too.
 *
 * <p>Runs only when a channel says a customer is unreachable, never per message: a few indexed reads.
 */
public final class FallbackAddresses {
    /** Hops along {@code contacts.merged_into}; a join makes one, a chain longer than this is a data error. */
    private static final int MAX_MERGE_HOPS = 8;

    private FallbackAddresses() {
    }

    /** Where a conversation is and whose it is. */
    public record Origin(String channelInstance, String contactId) {
    }

    /** The conversation's channel instance and contact, or null when there is no such conversation. */
    public static Origin origin(Connection c, String conversationId) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT channel_instance, contact_id FROM conversations WHERE id = ?",
                conversationId); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Origin(rs.getString(1), rs.getString(2)) : null;
        }
    }

    /** The contact a joined contact lives on in (itself when not joined). */
    public static String survivor(Connection c, String contactId) throws SQLException {
        String id = contactId;
        for (int i = 0; i < MAX_MERGE_HOPS && id != null; i++) {
            var next = Sql.string(c, "SELECT merged_into FROM contacts WHERE id = ?", id);
            if (next.isEmpty()) {
                return id;
            }
            id = next.get();
        }
        return id;
    }

    /**
     * The contact's verified addresses that take messages, those already seen on {@code channelInstance} first,
     * then the newest first.
     */
    public static List<Address> verifiedReachable(Connection c, String contactId, String channelInstance)
            throws SQLException {
        String contact = survivor(c, contactId);
        Set<String> contacts = new LinkedHashSet<>();
        contacts.add(contact);
        Set<String> linked = new LinkedHashSet<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT other_contact_id, kind, address, other_kind, "
                + "other_address FROM contact_links WHERE contact_id = ? AND status = 'JOINED' "
                + "AND strength = 'VERIFIED'", contact);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                contacts.add(rs.getString(1));
                linked.add(rs.getString(2) + ':' + rs.getString(3));
                linked.add(rs.getString(4) + ':' + rs.getString(5));
            }
        }
        Set<String> wroteFrom = new LinkedHashSet<>();
        for (String id : contacts) {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT customer_kind, customer_address FROM conversations "
                    + "WHERE contact_id = ? AND customer_kind IS NOT NULL", id);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    wroteFrom.add(rs.getString(1) + ':' + rs.getString(2));
                }
            }
        }
        List<Address> seenThere = new ArrayList<>();
        List<Address> others = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT a.kind, a.address, s.channel_instance "
                + "FROM contact_addresses a LEFT JOIN address_channels s ON s.kind = a.kind AND s.address = a.address "
                + "AND s.channel_instance = ? WHERE a.contact_id = ? AND a.unreachable_reason IS NULL "
                + "ORDER BY a.created_at DESC", channelInstance, contact);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String key = rs.getString(1) + ':' + rs.getString(2);
                AddressKind kind;
                try {
                    kind = AddressKind.valueOf(rs.getString(1));
                } catch (IllegalArgumentException unknown) {
                    continue;
                }
                if (!wroteFrom.contains(key) && !linked.contains(key)) {
                    continue;
                }
                Address address = new Address(kind, rs.getString(2));
                (rs.getString(3) != null ? seenThere : others).add(address);
            }
        }
        seenThere.addAll(others);
        return seenThere;
    }

    /** The channel instances the message was already queued to, sent through or given up on. */
    public static Set<String> channelTargets(Connection c, String conversationId, String messageId)
            throws SQLException {
        Set<String> targets = new LinkedHashSet<>();
        for (String sql : List.of(
                "SELECT target_instance FROM outbox WHERE conversation_id = ? AND message_id = ? AND kind = 'CHANNEL'",
                "SELECT target_instance FROM delivery_results WHERE message_id = ? AND kind = 'CHANNEL'",
                "SELECT target_instance FROM dead_letters WHERE message_id = ? AND kind = 'CHANNEL'")) {
            Object[] params = sql.contains("conversation_id") ? new Object[] {conversationId, messageId}
                    : new Object[] {messageId};
            try (PreparedStatement ps = Sql.prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targets.add(rs.getString(1));
                }
            }
        }
        return targets;
    }
}
