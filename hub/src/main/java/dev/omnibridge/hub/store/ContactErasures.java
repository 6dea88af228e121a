package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The erasure jobs' tables ({@code contact_erasures}, {@code contact_erasure_desks}, migration V15) and the store
 * step of an erasure: every row of the hub that holds the contact's personal data emptied or deleted in one
 * transaction, keeping what analytics count (message rows with channel, direction, timestamps; conversations with
 * channel and status; delivery outcomes). {@code dev.omnibridge.hub.privacy.ContactErasure} runs the steps.
 */
public final class ContactErasures {
    /** The steps of an erasure, in order. */
    public enum State { STORE, FILES, DESKS, WIPE, DONE }

    /** The thread key an erased conversation keeps: unique, and saying nothing about the customer. */
    public static String erasedThreadKey(String conversationId) {
        return "erased:" + conversationId;
    }

    /**
     * One desk's part of an erasure.
     *
     * @param outcome null while pending; ERASED, NOT_FOUND, UNSUPPORTED or FAILED
     * @param addresses empty once the outcome is final (they are personal data)
     */
    public record DeskStep(String desk, String requesterRef, List<String> ticketRefs, List<Address> addresses,
                           String outcome, String detail, int attempts, Instant nextAttemptAt, Instant finishedAt) {
    }

    /** An erasure job and its desks' steps. */
    public record Job(String id, String contactId, State state, String requestedBy, Instant requestedAt,
                      Instant updatedAt, Instant finishedAt, Map<String, String> figures, List<DeskStep> desks) {
    }

    /** What the store step did, for the caches to forget after its commit. */
    public record Erased(Set<String> contactIds, List<String> messageIds, List<String[]> instanceAndThreadKeys) {
    }

    private final InboundWriter writer;
    private final RecentMessages recent;

    /**
     * @param writer its cache of conversations by thread key forgets the erased ones (null: none to tell)
     * @param recent the recently committed messages, which forget the erased ones (null: none)
     */
    public ContactErasures(InboundWriter writer, RecentMessages recent) {
        this.writer = writer;
        this.recent = recent;
    }

    /** The contact an id leads to: itself, or the contact it was joined into (followed to the end). */
    public static Optional<String> survivor(Connection c, String contactId) throws SQLException {
        String id = contactId;
        for (int hops = 0; hops < 64; hops++) {
            Optional<String[]> row = row(c, "SELECT id, merged_into FROM contacts WHERE id = ?", id);
            if (row.isEmpty()) {
                return Optional.empty();
            }
            if (row.get()[1] == null || row.get()[1].equals(id)) {
                return Optional.of(id);
            }
            id = row.get()[1];
        }
        return Optional.of(id);
    }

    /** The contact and every contact joined into it, directly or through another. */
    static Set<String> group(Connection c, String root) throws SQLException {
        Set<String> group = new LinkedHashSet<>(List.of(root));
        List<String> frontier = List.of(root);
        while (!frontier.isEmpty()) {
            List<String> next = new ArrayList<>();
            for (String id : frontier) {
                try (PreparedStatement ps = Sql.prepare(c, "SELECT id FROM contacts WHERE merged_into = ?", id);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (group.add(rs.getString(1))) {
                            next.add(rs.getString(1));
                        }
                    }
                }
            }
            frontier = next;
        }
        return group;
    }

    /** The contact's erasure job, if one was ever requested. */
    public static Optional<Job> forContact(Connection c, String contactId) throws SQLException {
        Optional<String> id = Sql.string(c, "SELECT id FROM contact_erasures WHERE contact_id = ?", contactId);
        return id.isEmpty() ? Optional.empty() : find(c, id.get());
    }

    /**
     * Records a new erasure (state STORE) for the contact, or answers the one already recorded.
     *
     * @return the job and whether it is new
     */
    public static Map.Entry<Job, Boolean> request(Connection c, String contactId, String actor, Instant now)
            throws SQLException {
        Optional<Job> existing = forContact(c, contactId);
        if (existing.isPresent()) {
            return Map.entry(existing.get(), false);
        }
        String id = Ids.newId();
        Sql.update(c, "INSERT INTO contact_erasures (id, contact_id, state, requested_by, requested_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", id, contactId, State.STORE, actor, now, now);
        return Map.entry(find(c, id).orElseThrow(), true);
    }

    public static Optional<Job> find(Connection c, String id) throws SQLException {
        Job job;
        try (PreparedStatement ps = Sql.prepare(c, "SELECT id, contact_id, state, requested_by, requested_at, "
                + "updated_at, finished_at, figures FROM contact_erasures WHERE id = ?", id);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            job = new Job(rs.getString("id"), rs.getString("contact_id"), State.valueOf(rs.getString("state")),
                    rs.getString("requested_by"), Sql.instant(rs, "requested_at"), Sql.instant(rs, "updated_at"),
                    Sql.instant(rs, "finished_at"), figures(rs.getString("figures")), List.of());
        }
        List<DeskStep> desks = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT desk_instance, requester_ref, ticket_refs, addresses, "
                + "outcome, detail, attempts, next_attempt_at, finished_at FROM contact_erasure_desks "
                + "WHERE erasure_id = ? ORDER BY desk_instance", id);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                desks.add(new DeskStep(rs.getString(1), rs.getString(2), lines(rs.getString(3)),
                        addresses(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getInt(7),
                        Sql.instant(rs, "next_attempt_at"), Sql.instant(rs, "finished_at")));
            }
        }
        return Optional.of(new Job(job.id(), job.contactId(), job.state(), job.requestedBy(), job.requestedAt(),
                job.updatedAt(), job.finishedAt(), job.figures(), desks));
    }

    /** Ids of the jobs not done yet, oldest first (resumed at start-up). */
    public static List<String> unfinished(Connection c) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT id FROM contact_erasures WHERE state <> ? "
                + "ORDER BY requested_at, id", State.DONE); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Ids of the jobs in this state, oldest first. */
    public static List<String> inState(Connection c, State state) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT id FROM contact_erasures WHERE state = ? "
                + "ORDER BY requested_at, id", state); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Moves the job on to {@code state}, adding figures (key=value) to its report. */
    public static void advance(Connection c, String jobId, State state, Map<String, String> moreFigures,
                               Instant now) throws SQLException {
        Map<String, String> figures = new LinkedHashMap<>(figures(Sql.string(c,
                "SELECT figures FROM contact_erasures WHERE id = ?", jobId).orElse(null)));
        figures.putAll(moreFigures);
        Sql.update(c, "UPDATE contact_erasures SET state = ?, figures = ?, updated_at = ?, finished_at = ? "
                        + "WHERE id = ?", state, Columns.text(format(figures), Columns.REASON), now,
                state == State.DONE ? now : null, jobId);
    }

    /** The attachment files the store step found (what FILES deletes). */
    public static Set<String> attachmentHashes(Connection c, String jobId) throws SQLException {
        return new LinkedHashSet<>(lines(Sql.string(c, "SELECT attachment_hashes FROM contact_erasures WHERE id = ?",
                jobId).orElse(null)));
    }

    /** Records a desk's final outcome, forgetting the addresses it was given. */
    public static void deskFinished(Connection c, String jobId, String desk, String outcome, String detail,
                                    int attempts, Instant now) throws SQLException {
        Sql.update(c, "UPDATE contact_erasure_desks SET outcome = ?, detail = ?, attempts = ?, addresses = NULL, "
                        + "finished_at = ?, next_attempt_at = ? WHERE erasure_id = ? AND desk_instance = ?", outcome,
                Columns.text(detail, Columns.REASON), attempts, now, now, jobId, desk);
    }

    /** Records a desk's failed attempt to try again at {@code next}. */
    public static void deskRetry(Connection c, String jobId, String desk, String error, int attempts, Instant next)
            throws SQLException {
        Sql.update(c, "UPDATE contact_erasure_desks SET detail = ?, attempts = ?, next_attempt_at = ? "
                        + "WHERE erasure_id = ? AND desk_instance = ?", Columns.text(error, Columns.REASON), attempts,
                next, jobId, desk);
    }

    /**
     * The store step: erases the contact's (and its joined contacts') personal data from every table, records the
     * desks' work and the attachment files to delete, and moves the job to FILES, all in the caller's transaction.
     * Repeating it after a crash is harmless (a rolled-back step left nothing).
     */
    public Erased eraseStore(Connection c, AfterCommit after, String jobId, String contactId, Instant now)
            throws SQLException {
        Set<String> contacts = group(c, contactId);
        List<Address> addresses = new ArrayList<>();
        Map<String, String[]> conversations = new LinkedHashMap<>(); // id -> {channel_instance, thread_key}
        for (String contact : contacts) {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT kind, address FROM contact_addresses "
                    + "WHERE contact_id = ?", contact); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    addresses.add(new Address(AddressKind.valueOf(rs.getString(1)), rs.getString(2)));
                }
            }
            try (PreparedStatement ps = Sql.prepare(c, "SELECT id, channel_instance, thread_key FROM conversations "
                    + "WHERE contact_id = ?", contact); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    conversations.put(rs.getString(1), new String[]{rs.getString(2), rs.getString(3)});
                }
            }
        }
        recordDesks(c, jobId, contacts, conversations.keySet(), addresses, now);

        List<String> messageIds = new ArrayList<>();
        List<String[]> cacheKeys = new ArrayList<>();
        for (Map.Entry<String, String[]> conv : conversations.entrySet()) {
            String id = conv.getKey();
            String instance = conv.getValue()[0];
            String storedKey = conv.getValue()[1];
            String newKey = erasedThreadKey(id);
            if (!storedKey.equals(newKey)) {
                cacheKeys.add(new String[]{instance, DeliveryStore.originalThreadKey(c, id, storedKey)});
            }
            messageIds.addAll(ConversationMessages.ids(c, id, false, Integer.MAX_VALUE));
            Sql.update(c, "UPDATE conversations SET thread_key = ?, customer_address = NULL WHERE id = ?", newKey, id);
            // What the channel received but did not store, filed under the conversation's thread: reason and
            // original may name the customer.
            Sql.update(c, "UPDATE inbound_skipped SET reason = 'erased', original = NULL, thread_key = ? "
                    + "WHERE instance_id = ? AND thread_key = ?", newKey, instance, storedKey);
            Sql.update(c, "UPDATE outbox SET last_error = NULL WHERE conversation_id = ?", id);
            Sql.update(c, "UPDATE dead_letters SET reason = 'erased' WHERE conversation_id = ?", id);
            // Survey answers (V16): the comment is the customer's words; the rating goes with the person.
            Sql.update(c, "DELETE FROM surveys WHERE conversation_id = ?", id);
        }
        MessagePurge.Result purged = MessagePurge.purge(c, messageIds, "erasure", now);
        rewriteThreadKeys(c, messageIds);
        for (List<String> chunk : chunks(messageIds)) {
            String in = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            Sql.update(c, "UPDATE automation_events SET detail = 'erased' WHERE message_id IN (" + in + ")",
                    chunk.toArray());
            // The channels' delivery reports of the hub's messages to the customer: their errors may quote them.
            List<Object[]> reports = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(c, "SELECT target_instance, result_ref FROM delivery_results "
                    + "WHERE result_ref IS NOT NULL AND message_id IN (" + in + ")", chunk.toArray());
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reports.add(new Object[]{rs.getString(1), rs.getString(2)});
                }
            }
            for (Object[] r : reports) {
                Sql.update(c, "UPDATE channel_message_status SET error_message = NULL "
                        + "WHERE instance_id = ? AND channel_message_id = ?", r);
            }
        }
        for (Address a : addresses) {
            Sql.update(c, "DELETE FROM address_channels WHERE kind = ? AND address = ?", a.kind(), a.value());
        }
        for (String contact : contacts) {
            Sql.update(c, "DELETE FROM contact_links WHERE contact_id = ? OR other_contact_id = ?", contact, contact);
            Sql.update(c, "DELETE FROM desk_requesters WHERE contact_id = ?", contact);
            Sql.update(c, "DELETE FROM contact_addresses WHERE contact_id = ?", contact);
            Sql.update(c, "UPDATE contacts SET display_name = NULL, erased_at = ?, updated_at = ? WHERE id = ?",
                    now, now, contact);
        }
        Sql.update(c, "UPDATE contact_erasures SET attachment_hashes = ? WHERE id = ?",
                purged.attachmentHashes().isEmpty() ? null : String.join("\n", purged.attachmentHashes()), jobId);
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("contacts", String.valueOf(contacts.size()));
        figures.put("addresses", String.valueOf(addresses.size()));
        figures.put("conversations", String.valueOf(conversations.size()));
        figures.put("messages", String.valueOf(messageIds.size()));
        advance(c, jobId, State.FILES, figures, now);

        Erased erased = new Erased(contacts, messageIds, cacheKeys);
        after.run(() -> {
            if (recent != null) {
                messageIds.forEach(recent::forget);
            }
            if (writer != null) {
                cacheKeys.forEach(k -> writer.forgetConversation(k[0], k[1]));
            }
        });
        return erased;
    }

    /** One row per desk with a requester or a ticket of the contact: what the desk step needs once the rest is gone. */
    private static void recordDesks(Connection c, String jobId, Set<String> contacts, Set<String> conversations,
                                    List<Address> addresses, Instant now) throws SQLException {
        Map<String, String> requesters = new LinkedHashMap<>();
        Map<String, List<String>> tickets = new LinkedHashMap<>();
        for (String contact : contacts) {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT desk_instance, requester_ref FROM desk_requesters "
                    + "WHERE contact_id = ? ORDER BY created_at", contact); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    requesters.putIfAbsent(rs.getString(1), rs.getString(2));
                }
            }
        }
        for (String conversation : conversations) {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT desk_instance, ticket_ref FROM desk_tickets "
                    + "WHERE conversation_id = ?", conversation); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tickets.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        Set<String> desks = new LinkedHashSet<>(requesters.keySet());
        desks.addAll(tickets.keySet());
        Sql.update(c, "DELETE FROM contact_erasure_desks WHERE erasure_id = ?", jobId);
        String addressLines = addresses.isEmpty() ? null : String.join("\n",
                addresses.stream().map(a -> a.kind().name() + ":" + a.value()).toList());
        for (String desk : desks) {
            List<String> refs = tickets.getOrDefault(desk, List.of());
            Sql.update(c, "INSERT INTO contact_erasure_desks (erasure_id, desk_instance, requester_ref, ticket_refs, "
                    + "addresses, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 0, ?)", jobId, desk,
                    requesters.get(desk), refs.isEmpty() ? null : String.join("\n", refs), addressLines, now);
        }
    }

    /** The thread key inside each message's JSON, as on its conversation row. */
    private static void rewriteThreadKeys(Connection c, List<String> messageIds) throws SQLException {
        for (List<String> chunk : chunks(messageIds)) {
            String in = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            List<Object[]> updates = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(c, "SELECT id, body, conversation_id FROM messages WHERE id IN ("
                    + in + ")", chunk.toArray()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Message m;
                    try {
                        m = CanonicalJson.read(rs.getString(2).getBytes(StandardCharsets.UTF_8));
                    } catch (MalformedJsonException e) {
                        throw new SQLException("stored message " + rs.getString(1) + " cannot be read: "
                                + e.getMessage());
                    }
                    String key = erasedThreadKey(rs.getString(3));
                    if (!key.equals(m.threadKey())) {
                        updates.add(new Object[]{CanonicalJson.writeString(m.toBuilder().threadKey(key).build()),
                                rs.getString(1)});
                    }
                }
            }
            for (Object[] u : updates) {
                Sql.update(c, "UPDATE messages SET body = ? WHERE id = ?", u);
            }
        }
    }

    private static List<List<String>> chunks(List<String> ids) {
        List<List<String>> out = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += 200) {
            out.add(ids.subList(from, Math.min(ids.size(), from + 200)));
        }
        return out;
    }

    private static Optional<String[]> row(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            String[] row = new String[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < row.length; i++) {
                row[i] = rs.getString(i + 1);
            }
            return Optional.of(row);
        }
    }

    static List<String> lines(String s) {
        return s == null || s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    private static List<Address> addresses(String s) {
        List<Address> out = new ArrayList<>();
        for (String line : lines(s)) {
            int colon = line.indexOf(':');
            out.add(new Address(AddressKind.valueOf(line.substring(0, colon)), line.substring(colon + 1)));
        }
        return out;
    }

    private static Map<String, String> figures(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s != null) {
            for (String pair : s.split(" ")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return out;
    }

    private static String format(Map<String, String> figures) {
        StringBuilder sb = new StringBuilder();
        figures.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }
}
