package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.model.json.MalformedJsonException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Outbox reads and state changes. State changes are {@link TxWork} so that they share group commits. */
public final class DeliveryStore {
    private final Database database;
    private final RecentMessages recent;

    public DeliveryStore(Database database) {
        this(database, new RecentMessages());
    }

    /** @param recent messages the writer committed just now, shared with the {@link InboundWriter} */
    public DeliveryStore(Database database, RecentMessages recent) {
        this.database = database;
        this.recent = recent;
    }

    /** Everything a delivery needs, read fresh from the store. */
    /** @param customerUnreachable why the customer's address takes no messages (opt-out, block), or null */
    public record Context(Message message, Conversation conversation, Contact contact, String ticketRef,
                          String customerUnreachable) {
    }

    public record DeadLetter(long id, String messageId, String conversationId, String target, int attempts,
                             String reason, Instant failedAt) {
    }

    private static final String TASK_COLUMNS = "id, message_id, conversation_id, target_instance, kind, attempts, "
            + "next_attempt_at, created_at";

    /**
     * One page of a target's outbox: its pending rows after {@code afterId}, oldest first. The outbox is read a
     * page at a time (keyset paging on the id, served by {@code ix_deliveries_pending}) so that a backlog of any
     * size starts in bounded memory.
     */
    public List<DeliveryTask> pendingPage(String target, long afterId, int limit) throws SQLException {
        return tasks("SELECT " + TASK_COLUMNS + " FROM deliveries WHERE status = 'PENDING' AND target_instance = ? "
                + "AND id > ? ORDER BY id FETCH FIRST " + limit + " ROWS ONLY", target, afterId);
    }

    /** A conversation's pending rows for one target with ids in (afterId, upToId], oldest first. */
    public List<DeliveryTask> pendingInLane(String target, String conversationId, long afterId, long upToId,
                                            int limit) throws SQLException {
        return tasks("SELECT " + TASK_COLUMNS + " FROM deliveries WHERE status = 'PENDING' AND target_instance = ? "
                + "AND id > ? AND id <= ? AND conversation_id = ? ORDER BY id FETCH FIRST " + limit + " ROWS ONLY",
                target, afterId, upToId, conversationId);
    }

    /** The targets that have pending rows. */
    public List<String> pendingTargets() throws SQLException {
        try (Connection c = database.connection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT target_instance FROM deliveries "
                     + "WHERE status = 'PENDING'");
             ResultSet rs = ps.executeQuery()) {
            List<String> targets = new ArrayList<>();
            while (rs.next()) {
                targets.add(rs.getString(1));
            }
            return targets;
        }
    }

    private List<DeliveryTask> tasks(String sql, Object... params) throws SQLException {
        try (Connection c = database.connection(); PreparedStatement ps = Sql.prepare(c, sql, params);
             ResultSet rs = ps.executeQuery()) {
            List<DeliveryTask> tasks = new ArrayList<>();
            while (rs.next()) {
                tasks.add(task(rs));
            }
            return tasks;
        }
    }

    private static DeliveryTask task(ResultSet rs) throws SQLException {
        return new DeliveryTask(rs.getLong("id"), rs.getString("message_id"), rs.getString("conversation_id"),
                rs.getString("target_instance"), DeliveryTask.TargetKind.valueOf(rs.getString("kind")),
                rs.getInt("attempts"), Sql.instant(rs, "next_attempt_at"), Sql.instant(rs, "created_at"));
    }

    public Context context(DeliveryTask task) throws SQLException {
        try (Connection c = database.connection()) {
            Message cached = recent.get(task.messageId());
            Message message = cached != null ? cached : message(c, task.messageId());
            Conversation conversation = conversation(c, task.conversationId())
                    .orElseThrow(() -> new SQLException("conversation " + task.conversationId() + " is missing"));
            Contact contact = contact(c, conversation.contactId());
            String unreachable = unreachableReason(c, conversation.customer()).orElse(null);
            return new Context(message, conversation, contact, conversation.deskTickets().get(task.target()),
                    unreachable);
        }
    }

    /** Why an address takes no messages (opt-out, block), if it does not. */
    static Optional<String> unreachableReason(Connection c, Address address) throws SQLException {
        return address == null ? Optional.empty() : Sql.string(c, "SELECT unreachable_reason FROM contact_addresses "
                + "WHERE kind = ? AND address = ? AND unreachable_reason IS NOT NULL", address.kind(), address.value());
    }

    static Message message(Connection c, String id) throws SQLException {
        String body = Sql.string(c, "SELECT body FROM messages WHERE id = ?", id)
                .orElseThrow(() -> new SQLException("message " + id + " is missing"));
        try {
            return CanonicalJson.read(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (MalformedJsonException e) {
            throw new SQLException("stored message " + id + " cannot be read: " + e.getMessage());
        }
    }

    /** One statement per read: a delivery makes two of them on top of the message. */
    static Optional<Conversation> conversation(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT v.channel_type, v.channel_instance, v.thread_key, "
                + "v.contact_id, v.customer_kind, v.customer_address, v.status, v.created_at, t.desk_instance, "
                + "t.ticket_ref FROM conversations v LEFT JOIN desk_tickets t ON t.conversation_id = v.id "
                + "WHERE v.id = ?", id); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            String kind = rs.getString("customer_kind");
            Address customer = kind == null ? null
                    : new Address(AddressKind.valueOf(kind), rs.getString("customer_address"));
            ChannelRef channel = new ChannelRef(rs.getString("channel_type"), rs.getString("channel_instance"));
            String threadKey = rs.getString("thread_key");
            String contactId = rs.getString("contact_id");
            ConversationStatus status = ConversationStatus.valueOf(rs.getString("status"));
            Instant createdAt = Sql.instant(rs, "created_at");
            Map<String, String> tickets = new HashMap<>();
            do {
                if (rs.getString("desk_instance") != null) {
                    tickets.put(rs.getString("desk_instance"), rs.getString("ticket_ref"));
                }
            } while (rs.next());
            return Optional.of(new Conversation(id, channel, originalThreadKey(c, id, threadKey), contactId, customer,
                    status, tickets, createdAt));
        }
    }

    /**
     * The thread key as the channel gave it. A key longer than its column is stored in its bounded form
     * ({@link Columns#key}); replies and connectors need the real one (a webhook-channel client routes by it), so it
     * is taken from the conversation's latest customer message, which keeps it. Only long keys cost this read.
     */
    static String originalThreadKey(Connection c, String conversationId, String stored) throws SQLException {
        if (stored == null || stored.length() < Columns.IDENTIFIER - 1 || stored.indexOf('~') < 0) {
            return stored;
        }
        var body = Sql.string(c, "SELECT body FROM messages WHERE conversation_id = ? AND direction = ? "
                + "ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY", conversationId, Direction.INBOUND);
        if (body.isEmpty()) {
            return stored;
        }
        try {
            String key = CanonicalJson.read(body.get().getBytes(java.nio.charset.StandardCharsets.UTF_8)).threadKey();
            return stored.equals(Columns.key(key)) ? key : stored;
        } catch (MalformedJsonException e) {
            return stored;
        }
    }

    static Contact contact(Connection c, String id) throws SQLException {
        List<Address> addresses = new ArrayList<>();
        String name = null;
        try (PreparedStatement ps = Sql.prepare(c, "SELECT p.display_name, a.kind, a.address FROM contacts p "
                + "LEFT JOIN contact_addresses a ON a.contact_id = p.id WHERE p.id = ? ORDER BY a.created_at", id);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                name = rs.getString(1);
                if (rs.getString(2) != null) {
                    addresses.add(new Address(AddressKind.valueOf(rs.getString(2)), rs.getString(3)));
                }
            }
        }
        return new Contact(id, name, addresses);
    }

    /** Marks the delivery done and, for a desk's new ticket, links the ticket to the conversation. */
    public TxWork<Void> done(DeliveryTask task, String resultRef, String newTicketRef, Instant now) {
        return (c, after) -> {
            Sql.update(c, "UPDATE deliveries SET status = 'DONE', attempts = ?, result_ref = ?, last_error = NULL, "
                    + "updated_at = ? WHERE id = ?", task.attempts() + 1, Columns.key(resultRef), now, task.id());
            if (newTicketRef != null) {
                if (Sql.update(c, "UPDATE desk_tickets SET ticket_ref = ? WHERE conversation_id = ? "
                        + "AND desk_instance = ?", newTicketRef, task.conversationId(), task.target()) == 0) {
                    Sql.update(c, "INSERT INTO desk_tickets (conversation_id, desk_instance, ticket_ref, created_at) "
                            + "VALUES (?, ?, ?, ?)", task.conversationId(), task.target(), newTicketRef, now);
                }
            }
            return null;
        };
    }

    public TxWork<Void> retryLater(DeliveryTask task, Instant notBefore, String error, Instant now) {
        return (c, after) -> {
            Sql.update(c, "UPDATE deliveries SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? "
                    + "WHERE id = ?", task.attempts(), notBefore, truncate(error), now, task.id());
            return null;
        };
    }

    /**
     * Makes every pending row of the target due now (a target that failed for a while answers again): without it,
     * rows retried before a restart would still wait out their old backoff when the pages read them. One statement,
     * plain SQL (H2 and PostgreSQL).
     */
    public TxWork<Integer> dueNow(String target, Instant now) {
        return (c, after) -> Sql.update(c, "UPDATE deliveries SET next_attempt_at = ? WHERE status = 'PENDING' "
                + "AND target_instance = ? AND next_attempt_at > ?", now, target, now);
    }

    public TxWork<Void> dead(DeliveryTask task, String reason, Instant now) {
        return (c, after) -> {
            Sql.update(c, "UPDATE deliveries SET status = 'DEAD', attempts = ?, last_error = ?, updated_at = ? "
                    + "WHERE id = ?", task.attempts(), truncate(reason), now, task.id());
            return null;
        };
    }

    /**
     * Puts a dead letter back in the outbox; empty when there is no dead letter with that id. A reply to a customer
     * whose address a failed send marked unreachable clears that mark, so the replay is really tried (an opt-out
     * stays: only the customer or an operator ends it).
     */
    public TxWork<Optional<DeliveryTask>> replay(long id, Instant now) {
        return (c, after) -> {
            int n = Sql.update(c, "UPDATE deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = ?, "
                    + "updated_at = ? WHERE id = ? AND status = 'DEAD'", now, now, id);
            if (n == 0) {
                return Optional.empty();
            }
            DeliveryTask task;
            try (PreparedStatement ps = Sql.prepare(c, "SELECT " + TASK_COLUMNS + " FROM deliveries WHERE id = ?",
                    id);
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                task = task(rs);
            }
            if (task.kind() == DeliveryTask.TargetKind.CHANNEL) {
                // The operator asks for a real attempt: a failed send's mark would refuse it unseen.
                Reachability.replayed(c, task.conversationId(), now);
            }
            return Optional.of(task);
        };
    }

    public List<DeadLetter> deadLetters(int limit) throws SQLException {
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, "SELECT id, message_id, conversation_id, target_instance, "
                     + "attempts, last_error, updated_at FROM deliveries WHERE status = 'DEAD' ORDER BY id "
                     + "FETCH FIRST " + limit + " ROWS ONLY");
             ResultSet rs = ps.executeQuery()) {
            List<DeadLetter> list = new ArrayList<>();
            while (rs.next()) {
                list.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5), rs.getString(6), Sql.instant(rs, "updated_at")));
            }
            return list;
        }
    }

    /**
     * Row counts per outbox state (PENDING without RETRYING, RETRYING, DEAD), for metrics at start-up. A unit of
     * work, so that it runs between two commits of the journal: the counts then hold exactly the rows whose
     * commit hand-overs ran before its own after-commit actions.
     */
    public TxWork<Map<String, Long>> countByState() {
        return (c, after) -> {
            Map<String, Long> counts = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN status = 'PENDING' AND attempts > 0 "
                    + "THEN 'RETRYING' ELSE status END AS s, COUNT(*) FROM deliveries WHERE status NOT IN ('DONE', "
                    + "'" + DeskDelivered.STATUS + "') "
                    + "GROUP BY CASE WHEN status = 'PENDING' AND attempts > 0 THEN 'RETRYING' ELSE status END");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        };
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }
}
