package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.model.json.MalformedJsonException;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the console's contact views read: the contact list and one contact's page (names, addresses with their
 * channels and reachability, conversations across channels, one timeline, proposals and links). Reads only; the
 * joined contacts of a contact ({@link ContactLinks#family}) count as its own.
 */
public final class ContactQueries {
    /** Timeline entries on a page at most (the newest). */
    public static final int TIMELINE_MAX = 200;

    private final Database database;

    public ContactQueries(Database database) {
        this.database = database;
    }

    public record Summary(String id, String name, int addresses, Instant lastActivity) {
    }

    /**
     * @param verified  the contact owns it on evidence a channel or the desk gave or an agent decided; an unverified
     *                  address (a typed email) is never one of the contact's addresses, so this is always true today
     */
    public record AddressView(String kind, String value, List<String> channels, boolean reachable,
                              String unreachableReason, boolean verified) {
    }

    public record ConversationView(String id, String channel, String channelType, String subject, String status,
                                   Instant lastAt, Map<String, String> ticketRefs) {
    }

    public record TimelineEntry(Instant at, String conversationId, String channel, String direction, String text,
                                String author, String messageId) {
    }

    public record Proposal(long linkId, String otherContactId, String otherName, String evidence, String detail) {
    }

    public record Page(String id, String requestedId, String mergedInto, List<String> names,
                       List<AddressView> addresses, List<ConversationView> conversations, List<TimelineEntry> timeline,
                       List<Proposal> proposals, List<ContactLinks.Link> links, boolean erased) {
    }

    /** Surviving contacts (not joined into another), most recently active first; {@code q} filters by name or address. */
    public List<Summary> list(String q, int limit) throws SQLException {
        int n = Math.max(1, Math.min(limit, 500));
        StringBuilder sql = new StringBuilder("SELECT p.id, p.display_name, "
                + "(SELECT COUNT(*) FROM contact_addresses a WHERE a.contact_id = p.id) AS n, "
                + "(SELECT MAX(v.last_message_at) FROM conversations v WHERE v.contact_id = p.id OR v.contact_id IN "
                + "(SELECT m.id FROM contacts m WHERE m.merged_into = p.id)) AS last_at "
                + "FROM contacts p WHERE p.merged_into IS NULL");
        List<Object> params = new ArrayList<>();
        if (q != null && !q.isBlank()) {
            String like = "%" + q.strip().toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%")
                    .replace("_", "!_") + "%";
            sql.append(" AND (LOWER(p.display_name) LIKE ? ESCAPE '!' OR p.id = ? OR EXISTS (SELECT 1 FROM "
                    + "contact_addresses a WHERE a.contact_id = p.id AND LOWER(a.address) LIKE ? ESCAPE '!'))");
            params.add(like);
            params.add(q.strip());
            params.add(like);
        }
        sql.append(" ORDER BY last_at DESC NULLS LAST, p.created_at DESC FETCH FIRST ").append(n).append(" ROWS ONLY");
        List<Summary> out = new ArrayList<>();
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, sql.toString(), params.toArray());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Summary(rs.getString(1), rs.getString(2), rs.getInt(3), Sql.instant(rs, "last_at")));
            }
        }
        return out;
    }

    /** The page of the contact the id stands for now (the surviving one, when it was joined); empty: no such id. */
    public Optional<Page> page(String requestedId) throws SQLException {
        try (Connection c = database.connection()) {
            if (!ContactLinks.contactExists(c, requestedId)) {
                return Optional.empty();
            }
            String id = ContactLinks.root(c, requestedId);
            List<String> family = ContactLinks.family(c, id);
            Map<String, String> names = names(c, family);
            List<Address> own = ContactLinks.addresses(c, id);
            Map<Address, List<String>> channels = AddressChannels.of(c, own);
            List<AddressView> addresses = new ArrayList<>();
            for (Address a : own) {
                Optional<String> unreachable = DeliveryStore.unreachableReason(c, a);
                addresses.add(new AddressView(a.kind().name(), a.value(), channels.getOrDefault(a, List.of()),
                        unreachable.isEmpty(), unreachable.orElse(null), true));
            }
            List<TimelineEntry> timeline = new ArrayList<>();
            Map<String, String> subjects = new LinkedHashMap<>();
            List<ConversationView> conversations = conversations(c, family);
            if (!conversations.isEmpty()) {
                timeline = timeline(c, conversations.stream().map(ConversationView::id).toList(), subjects);
            }
            List<ConversationView> withSubjects = new ArrayList<>();
            for (ConversationView v : conversations) {
                withSubjects.add(new ConversationView(v.id(), v.channel(), v.channelType(), subjects.get(v.id()),
                        v.status(), v.lastAt(), v.ticketRefs()));
            }
            List<ContactLinks.Link> links = ContactLinks.of(c, family);
            List<Proposal> proposals = new ArrayList<>();
            for (ContactLinks.Link l : links) {
                if (l.status() != ContactLinks.Status.PROPOSED) {
                    continue;
                }
                String other = family.contains(l.contactId()) ? l.otherContactId() : l.contactId();
                String otherRoot = ContactLinks.root(c, other);
                proposals.add(new Proposal(l.id(), otherRoot, names(c, List.of(otherRoot)).get(otherRoot),
                        l.evidence().name(), l.detail()));
            }
            List<String> distinctNames = new ArrayList<>(new LinkedHashSet<>(names.values().stream()
                    .filter(n -> n != null && !n.isBlank()).toList()));
            return Optional.of(new Page(id, requestedId, requestedId.equals(id) ? null : id, distinctNames, addresses,
                    withSubjects, timeline, proposals, links, erased(c, id)));
        }
    }

    /** The contacts' display names, in the order given (a contact without one maps to null). */
    private static Map<String, String> names(Connection c, List<String> ids) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        ids.forEach(i -> out.put(i, null));
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement ps = Sql.prepare(c, "SELECT id, display_name FROM contacts WHERE id IN (" + marks + ")",
                ids.toArray()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static List<ConversationView> conversations(Connection c, List<String> family) throws SQLException {
        Map<String, ConversationView> out = new LinkedHashMap<>();
        String marks = String.join(", ", Collections.nCopies(family.size(), "?"));
        try (PreparedStatement ps = Sql.prepare(c, "SELECT v.id, v.channel_instance, v.channel_type, v.status, "
                + "v.last_message_at, t.desk_instance, t.ticket_ref FROM conversations v LEFT JOIN desk_tickets t "
                + "ON t.conversation_id = v.id WHERE v.contact_id IN (" + marks + ") ORDER BY v.last_message_at DESC, "
                + "v.id", family.toArray()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ConversationView v = out.computeIfAbsent(rs.getString(1), k -> {
                    try {
                        return new ConversationView(k, rs.getString(2), rs.getString(3), null, rs.getString(4),
                                Sql.instant(rs, "last_message_at"), new LinkedHashMap<>());
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                if (rs.getString(6) != null) {
                    v.ticketRefs().put(rs.getString(6), rs.getString(7));
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    /** The newest {@link #TIMELINE_MAX} messages of the conversations, oldest first; the first subject of each too. */
    private static List<TimelineEntry> timeline(Connection c, List<String> conversationIds,
                                                Map<String, String> subjects) throws SQLException {
        List<TimelineEntry> out = new ArrayList<>();
        String marks = String.join(", ", Collections.nCopies(conversationIds.size(), "?"));
        try (PreparedStatement ps = Sql.prepare(c, "SELECT id, conversation_id, direction, body, received_at FROM "
                + "messages WHERE conversation_id IN (" + marks + ") ORDER BY received_at DESC, seq DESC FETCH FIRST "
                + TIMELINE_MAX + " ROWS ONLY", conversationIds.toArray()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Message m;
                try {
                    m = CanonicalJson.read(rs.getString(4).getBytes(StandardCharsets.UTF_8));
                } catch (MalformedJsonException e) {
                    continue;
                }
                if (m.subject() != null && !m.subject().isBlank()) {
                    subjects.put(rs.getString(2), m.subject());   // the oldest read last wins: the first subject
                }
                out.add(new TimelineEntry(Sql.instant(rs, "received_at"), rs.getString(2), m.channel().instanceId(),
                        rs.getString(3), m.text(), m.author().displayName() != null ? m.author().displayName()
                        : m.author().role().name().toLowerCase(Locale.ROOT), rs.getString(1)));
            }
        }
        Collections.reverse(out);
        return out;
    }

    /** Whether the contact's personal data was erased (V15's {@code contacts.erased_at}). */
    private static boolean erased(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT erased_at FROM contacts WHERE id = ?", id);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getObject(1) != null;
        }
    }

    /** One of the contact's other conversations, for the note on a new ticket. */
    public record Elsewhere(String id, String channel, String status, Instant lastAt) {
    }

    /**
     * The most recent conversations of the contact (and the contacts joined into it) on other channel instances than
     * {@code channelInstance}, active since {@code since}: at most {@code max}, newest first. In the caller's
     * transaction.
     */
    public static List<Elsewhere> recentElsewhere(Connection c, String contactId, String channelInstance,
                                                  Instant since, int max) throws SQLException {
        List<String> family = ContactLinks.family(c, ContactLinks.root(c, contactId));
        String marks = String.join(", ", Collections.nCopies(family.size(), "?"));
        List<Object> params = new ArrayList<>(family);
        params.add(channelInstance);
        params.add(since);
        List<Elsewhere> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT id, channel_instance, status, last_message_at FROM "
                + "conversations WHERE contact_id IN (" + marks + ") AND channel_instance <> ? AND last_message_at >= ? "
                + "ORDER BY last_message_at DESC FETCH FIRST " + Math.max(1, max) + " ROWS ONLY", params.toArray());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Elsewhere(rs.getString(1), rs.getString(2), rs.getString(3),
                        Sql.instant(rs, "last_message_at")));
            }
        }
        return out;
    }

    /**
     * Surviving contacts other than {@code contactId} with the same display name (case-insensitive) and an email
     * address at {@code domain}: each with that address. At most {@code max}. In the caller's transaction.
     */
    public static List<String[]> sameNameAndDomain(Connection c, String contactId, String name, String domain,
                                                   int max) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT p.id, a.address FROM contacts p JOIN contact_addresses a "
                + "ON a.contact_id = p.id WHERE LOWER(p.display_name) = ? AND p.id <> ? AND p.merged_into IS NULL "
                + "AND a.kind = 'EMAIL' AND a.address LIKE ? ESCAPE '!' ORDER BY p.created_at FETCH FIRST "
                + Math.max(1, max) + " ROWS ONLY", name.strip().toLowerCase(Locale.ROOT), contactId,
                "%@" + domain.replace("!", "!!").replace("%", "!%").replace("_", "!_"));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return out;
    }
}
