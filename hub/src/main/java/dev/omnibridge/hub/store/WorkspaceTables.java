package dev.omnibridge.hub.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.json.CanonicalJson;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agents' workspace in the store (issue 22, migration V17_1): the conversation list with its filters and search,
 * short references ({@code C-1042}), assignment, the conversation's events for its timeline, canned replies. Reads
 * take their own connection; writes are {@link TxWork} units for the journal's writer, the only one that changes
 * conversations.
 */
public final class WorkspaceTables {
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    /** How a reference is written: "C-" and the conversation's number. */
    public static final String REFERENCE_PREFIX = "C-";
    private static final Pattern REFERENCE = Pattern.compile("(?i)#?C-?(\\d{1,18})");
    /** The end of a conversation id that acknowledgements quoted before references (ConversationReference). */
    private static final Pattern OLD_REFERENCE = Pattern.compile("#?([0-9A-Fa-f]{8})");
    /** Messages read at most by one text search (newest first): it scans the journal, so it is bounded. */
    static final int TEXT_SEARCH_MESSAGES = 200;

    private final Database database;

    public WorkspaceTables(Database database) {
        this.database = database;
    }

    /** How the list is ordered. */
    public enum Sort {
        /** Most recent message first. */
        NEWEST,
        /** The conversation whose customer has waited longest for a first response first (running clocks only). */
        WAITING
    }

    /**
     * What the list shows.
     *
     * @param status   OPEN / RESOLVED, or null: any
     * @param channel  channel instance id, or null: any
     * @param priority LOW / NORMAL / HIGH / URGENT (the first-response timer's; NORMAL without one), or null: any
     * @param assignee an assignee id; {@code ""}: unassigned; null: anyone
     * @param contact  a contact id: that customer's conversations (with the contacts joined into it); null: any
     * @param query    search text (name, address, typed email, message text, reference), or null
     */
    public record Filter(String status, String channel, String priority, String assignee, String contact,
                         String query, Sort sort, int limit, int offset) {
    }

    /** One conversation of the list. {@code waitingSince}: when its running first-response clock started. */
    public record Row(String id, long referenceNo, String contactName, Instant lastMessageAt, String assignee,
                      String assigneeName, String priority, Instant waitingSince) {
        public String reference() {
            return WorkspaceTables.reference(referenceNo);
        }
    }

    /** A page of the list; {@code more}: another page follows. */
    public record Page(List<Row> rows, boolean more) {
    }

    public static String reference(long number) {
        return REFERENCE_PREFIX + number;
    }

    public Page list(Filter f) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT c.id, c.reference_no, ct.display_name, c.last_message_at, "
                + "c.assignee, c.assignee_name, COALESCE(t.priority, 'NORMAL') AS priority, t.started_at "
                + "FROM conversations c JOIN contacts ct ON ct.id = c.contact_id "
                + "LEFT JOIN first_response_timers t ON t.conversation_id = c.id WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        try (Connection c = database.connection()) {
            if (f.status() != null) {
                sql.append(" AND c.status = ?");
                params.add(f.status());
            }
            if (f.channel() != null) {
                sql.append(" AND c.channel_instance = ?");
                params.add(f.channel());
            }
            if (f.priority() != null) {
                sql.append(" AND COALESCE(t.priority, 'NORMAL') = ?");
                params.add(f.priority());
            }
            if (f.assignee() != null && f.assignee().isEmpty()) {
                sql.append(" AND c.assignee IS NULL");
            } else if (f.assignee() != null) {
                sql.append(" AND c.assignee = ?");
                params.add(f.assignee());
            }
            if (f.contact() != null) {
                List<String> family = ContactLinks.contactExists(c, f.contact())
                        ? ContactLinks.family(c, ContactLinks.root(c, f.contact())) : List.of(f.contact());
                sql.append(" AND c.contact_id IN (").append(PaddedRows.marks(family.size())).append(")");
                params.addAll(family);
            }
            if (f.query() != null && !f.query().isBlank()) {
                search(c, f.query(), sql, params);
            }
            sql.append(f.sort() == Sort.WAITING
                    ? " ORDER BY CASE WHEN t.started_at IS NULL THEN 1 ELSE 0 END, t.started_at, "
                    + "c.last_message_at DESC, c.id"
                    : " ORDER BY c.last_message_at DESC, c.id");
            // One more than asked: whether another page follows.
            sql.append(" OFFSET ").append(f.offset()).append(" ROWS FETCH NEXT ").append(f.limit() + 1)
                    .append(" ROWS ONLY");
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(c, sql.toString(), params.toArray());
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getLong(2), rs.getString(3),
                            Sql.instant(rs, "last_message_at"), rs.getString(5), rs.getString(6), rs.getString(7),
                            Sql.instant(rs, "started_at")));
                }
            }
            boolean more = rows.size() > f.limit();
            return new Page(more ? rows.subList(0, f.limit()) : rows, more);
        }
    }

    /**
     * Adds the search's condition: the contact's name, the conversation's customer address or any of the contact's
     * addresses, the reference ({@code C-1042}, or the id's end an older acknowledgement quoted), or the text of one
     * of the newest {@value #TEXT_SEARCH_MESSAGES} messages that contain it, which also finds the email a chat
     * visitor typed into the pre-chat form (kept in the message's metadata, not on the contact: it is not verified).
     */
    private static void search(Connection c, String query, StringBuilder sql, List<Object> params)
            throws SQLException {
        String term = query.strip().toLowerCase(Locale.ROOT);
        String pattern = "%" + likeEscape(term) + "%";
        sql.append(" AND (LOWER(ct.display_name) LIKE ? ESCAPE '!' OR LOWER(c.customer_address) LIKE ? ESCAPE '!' "
                + "OR EXISTS (SELECT 1 FROM contact_addresses a WHERE a.contact_id = c.contact_id "
                + "AND LOWER(a.address) LIKE ? ESCAPE '!')");
        params.addAll(List.of(pattern, pattern, pattern));
        Matcher ref = REFERENCE.matcher(term);
        if (ref.matches()) {
            sql.append(" OR c.reference_no = ?");
            params.add(Long.parseLong(ref.group(1)));
        }
        Matcher old = OLD_REFERENCE.matcher(term);
        if (old.matches()) {
            sql.append(" OR c.id LIKE ?");
            params.add("%" + old.group(1));
        }
        Set<String> byText = conversationsWithText(c, term, pattern);
        if (!byText.isEmpty()) {
            sql.append(" OR c.id IN (").append(PaddedRows.marks(byText.size())).append(")");
            params.addAll(byText);
        }
        sql.append(")");
    }

    /**
     * Conversations of the newest messages whose text, or a metadata value (the webchat's typed email), contains the
     * term. The stored JSON is matched first (one scan, bounded), then each hit is read to drop matches of the JSON's
     * keys or other fields.
     */
    private static Set<String> conversationsWithText(Connection c, String term, String pattern) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        if (term.length() < 3) {
            return ids;
        }
        try (PreparedStatement ps = Sql.prepare(c, "SELECT conversation_id, body FROM messages WHERE LOWER(body) "
                + "LIKE ? ESCAPE '!' ORDER BY seq DESC FETCH FIRST " + TEXT_SEARCH_MESSAGES + " ROWS ONLY", pattern);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!ids.contains(rs.getString(1)) && textOrMetadataContains(rs.getString(2), term)) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static boolean textOrMetadataContains(String body, String term) {
        try {
            JsonNode m = JSON.readTree(body);
            if (m.path("text").asText("").toLowerCase(Locale.ROOT).contains(term)) {
                return true;
            }
            for (JsonNode v : m.path("metadata")) {
                if (v.asText("").toLowerCase(Locale.ROOT).contains(term)) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    // '!' as escape character: the same on H2 and PostgreSQL, unlike a backslash.
    private static String likeEscape(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** The conversation id for an id or a reference ({@code C-1042}, case-insensitive); empty when none. */
    public Optional<String> find(String idOrReference) throws SQLException {
        if (idOrReference == null || idOrReference.isBlank()) {
            return Optional.empty();
        }
        try (Connection c = database.connection()) {
            Matcher ref = REFERENCE.matcher(idOrReference.strip());
            if (ref.matches()) {
                Optional<String> id = Sql.string(c, "SELECT id FROM conversations WHERE reference_no = ?",
                        Long.parseLong(ref.group(1)));
                if (id.isPresent()) {
                    return id;
                }
            }
            return Sql.string(c, "SELECT id FROM conversations WHERE id = ?", idOrReference);
        }
    }

    /** The workspace's part of a conversation: reference, assignee. */
    public record Details(String reference, String assignee, String assigneeName, Instant resolvedAt) {
    }

    public Optional<Details> details(String conversationId) throws SQLException {
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, "SELECT reference_no, assignee, assignee_name, resolved_at "
                     + "FROM conversations WHERE id = ?", conversationId);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Details(reference(rs.getLong(1)), rs.getString(2), rs.getString(3),
                    Sql.instant(rs, "resolved_at"))) : Optional.empty();
        }
    }

    /** References by conversation id, for lists that show other conversations. */
    public Map<String, String> references(Collection<String> conversationIds) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        if (conversationIds.isEmpty()) {
            return out;
        }
        try (Connection c = database.connection()) {
            PaddedRows.inParts(List.copyOf(conversationIds), (marks, keys) -> {
                try (PreparedStatement ps = Sql.prepare(c, "SELECT id, reference_no FROM conversations WHERE id IN ("
                        + marks + ")", keys); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), reference(rs.getLong(2)));
                    }
                }
            });
        }
        return out;
    }

    /**
     * Sets (or, with a null {@code assignee}, clears) who works the conversation, with an ASSIGNED / UNASSIGNED event;
     * false when there is no such conversation. Assigning to the current assignee again changes nothing.
     */
    public static TxWork<Boolean> assign(String conversationId, String assignee, String assigneeName, String actor,
                                         Instant now) {
        return (c, after) -> {
            Optional<String> current;
            try (PreparedStatement ps = Sql.prepare(c, "SELECT assignee FROM conversations WHERE id = ?",
                    conversationId); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                current = Optional.ofNullable(rs.getString(1));
            }
            if (current.equals(Optional.ofNullable(assignee))) {
                return true;
            }
            Sql.update(c, "UPDATE conversations SET assignee = ?, assignee_name = ? WHERE id = ?", assignee,
                    assignee == null ? null : assigneeName, conversationId);
            event(c, conversationId, assignee == null ? "UNASSIGNED" : "ASSIGNED", actor,
                    assignee == null ? null : assigneeName, now);
            return true;
        };
    }

    /**
     * Records a status a desk or the console gave these conversations (their timeline shows it). Desks repeat
     * statuses: one that changes nothing is not recorded (OPEN for a conversation never resolved, the status of the
     * last event again; RESOLVED again after a customer's message reopened it is a change).
     */
    public static void statusChanged(Connection c, Collection<String> conversationIds, ConversationStatus status,
                                     String actor, Instant now) throws SQLException {
        for (String id : conversationIds) {
            String lastKind = null;
            Instant lastAt = null;
            try (PreparedStatement ps = Sql.prepare(c, "SELECT kind, happened_at FROM conversation_events WHERE "
                    + "conversation_id = ? AND kind IN ('OPEN', 'RESOLVED') ORDER BY id DESC FETCH FIRST 1 ROWS ONLY",
                    id); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    lastKind = rs.getString(1);
                    lastAt = Sql.instant(rs, "happened_at");
                }
            }
            boolean same = lastKind == null ? status == ConversationStatus.OPEN : lastKind.equals(status.name());
            if (same && status == ConversationStatus.RESOLVED
                    && firstCustomerMessageBetween(c, id, lastAt, null).isPresent()) {
                same = false;
            }
            if (!same) {
                event(c, id, status.name(), actor, null, now);
            }
        }
    }

    private static void event(Connection c, String conversationId, String kind, String actor, String detail,
                              Instant now) throws SQLException {
        Sql.update(c, "INSERT INTO conversation_events (conversation_id, kind, actor, detail, happened_at) "
                        + "VALUES (?, ?, ?, ?, ?)", conversationId, kind, Columns.text(actor, 200),
                Columns.text(detail, 500), now);
    }

    /** A timeline entry: {@code kind} RESOLVED, OPEN, ASSIGNED, UNASSIGNED, REOPENED_BY_CUSTOMER. */
    public record Event(String kind, String actor, String detail, Instant at) {
    }

    /**
     * The conversation's events, oldest first, with a REOPENED_BY_CUSTOMER entry where a customer's message came in
     * while it was resolved: such a message reopens the conversation (the store sets it OPEN in the message's
     * transaction), so the timeline says why it is open again.
     */
    public List<Event> events(String conversationId) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (Connection c = database.connection()) {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT kind, actor, detail, happened_at FROM "
                    + "conversation_events WHERE conversation_id = ? ORDER BY id", conversationId);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new Event(rs.getString(1), rs.getString(2), rs.getString(3),
                            Sql.instant(rs, "happened_at")));
                }
            }
            List<Event> withReopens = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                withReopens.add(e);
                if (!e.kind().equals(ConversationStatus.RESOLVED.name())) {
                    continue;
                }
                Instant until = null;
                for (int j = i + 1; j < events.size(); j++) {
                    String k = events.get(j).kind();
                    if (k.equals(ConversationStatus.OPEN.name()) || k.equals(ConversationStatus.RESOLVED.name())) {
                        until = events.get(j).at();
                        break;
                    }
                }
                firstCustomerMessageBetween(c, conversationId, e.at(), until).ifPresent(at -> withReopens.add(
                        new Event("REOPENED_BY_CUSTOMER", null, "the customer wrote again", at)));
            }
            withReopens.sort(java.util.Comparator.comparing(Event::at));
            return withReopens;
        }
    }

    private static Optional<Instant> firstCustomerMessageBetween(Connection c, String conversationId, Instant from,
                                                                 Instant until) throws SQLException {
        try (PreparedStatement ps = until == null
                ? Sql.prepare(c, "SELECT MIN(received_at) AS at FROM messages WHERE conversation_id = ? "
                + "AND direction = 'INBOUND' AND received_at >= ?", conversationId, from)
                : Sql.prepare(c, "SELECT MIN(received_at) AS at FROM messages WHERE conversation_id = ? "
                + "AND direction = 'INBOUND' AND received_at >= ? AND received_at < ?", conversationId, from, until);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(Sql.instant(rs, "at")) : Optional.empty();
        }
    }

    // --- canned replies

    public record Snippet(long id, String name, String body, Instant updatedAt) {
    }

    public List<Snippet> snippets() throws SQLException {
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, "SELECT id, name, body, updated_at FROM snippets ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            List<Snippet> list = new ArrayList<>();
            while (rs.next()) {
                list.add(new Snippet(rs.getLong(1), rs.getString(2), rs.getString(3), Sql.instant(rs, "updated_at")));
            }
            return list;
        }
    }

    /** Creates a snippet; empty when the name is taken. */
    public static TxWork<Optional<Long>> createSnippet(String name, String body, Instant now) {
        return (c, after) -> {
            if (Sql.string(c, "SELECT id FROM snippets WHERE name = ?", name).isPresent()) {
                return Optional.empty();
            }
            return Optional.of(Sql.insertReturningKey(c, "INSERT INTO snippets (name, body, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?)", name, body, now, now));
        };
    }

    /** What became of a snippet's change. */
    public enum Change { UPDATED, NOT_FOUND, NAME_TAKEN }

    /** Changes a snippet's name and body. */
    public static TxWork<Change> updateSnippet(long id, String name, String body, Instant now) {
        return (c, after) -> {
            Optional<String> named = Sql.string(c, "SELECT id FROM snippets WHERE name = ?", name);
            if (named.isPresent() && Long.parseLong(named.get()) != id) {
                return Change.NAME_TAKEN;
            }
            return Sql.update(c, "UPDATE snippets SET name = ?, body = ?, updated_at = ? WHERE id = ?", name, body,
                    now, id) == 1 ? Change.UPDATED : Change.NOT_FOUND;
        };
    }

    public static TxWork<Boolean> deleteSnippet(long id) {
        return (c, after) -> Sql.update(c, "DELETE FROM snippets WHERE id = ?", id) == 1;
    }
}
