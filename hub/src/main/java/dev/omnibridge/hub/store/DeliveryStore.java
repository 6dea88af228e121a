package dev.omnibridge.hub.store;

import dev.omnibridge.hub.automation.DeskNotes;
import dev.omnibridge.hub.cluster.Fence;
import dev.omnibridge.hub.cluster.Leases;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.model.json.MalformedJsonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Outbox reads and state changes. State changes are {@link TxWork} so that they share group commits; delivery
 * outcomes made together are also written together (see {@link Outcomes}) when the store knows the journal.
 */
public final class DeliveryStore {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStore.class);

    private final Database database;
    private final RecentMessages recent;
    private final Journal journal;
    private final Outcomes outcomes;

    public DeliveryStore(Database database) {
        this(database, new RecentMessages());
    }

    /** @param recent messages the writer committed just now, shared with the {@link InboundWriter} */
    public DeliveryStore(Database database, RecentMessages recent) {
        this(database, recent, null);
    }

    /**
     * @param journal where outcomes are written: outcomes that arrive together then share one unit of work (one
     *                multi-row statement each), and long walks ({@link #dueNow}) are split into several units; null
     *                writes each outcome in its own unit
     */
    public DeliveryStore(Database database, RecentMessages recent, Journal journal) {
        this.database = database;
        this.recent = recent;
        this.journal = journal;
        this.outcomes = new Outcomes(journal);
    }

    // Issue 25: checks the fences of outcomes (and of dueNow) made under a share's lease; null on a single node.
    private volatile Leases leases;

    /**
     * Issue 25, a cluster: outcomes made under a share's lease ({@link #done(DeliveryTask, String, String, Instant,
     * Fence)} and the others) are written only by a transaction that finds the lease still held, and lock it against
     * a takeover until they commit.
     */
    public void fencedBy(Leases leases) {
        this.leases = leases;
        outcomes.fencedBy(leases);
    }

    /**
     * Issue 25: the shares a cluster node reads the outbox of ({@code shard = ANY(?)}); null reads every row (a single
     * node, and the only choice on H2).
     */
    private static String shardFilter(Integer[] shards) {
        return shards == null ? "" : " AND shard = ANY(?)";
    }

    private static Object[] withShards(Integer[] shards, Object... params) {
        if (shards == null) {
            return params;
        }
        Object[] all = java.util.Arrays.copyOf(params, params.length + 1);
        all[params.length] = shards;
        return all;
    }

    /**
     * Everything a delivery needs, read fresh from the store.
     *
     * @param customerUnreachable why the customer's address takes no messages (opt-out, block), or null; always
     *                            null for a desk's delivery (not read)
     * @param assignment          for a desk's delivery, where in the desk the conversation's ticket goes, as the
     *                            route recorded for the conversation says (empty: the desk's default)
     */
    public record Context(Message message, Conversation conversation, Contact contact, String ticketRef,
                          String customerUnreachable, Map<String, String> assignment) {
        public Context {
            assignment = assignment == null ? Map.of() : Map.copyOf(assignment);
        }

        public Context(Message message, Conversation conversation, Contact contact, String ticketRef,
                       String customerUnreachable) {
            this(message, conversation, contact, ticketRef, customerUnreachable, Map.of());
        }
    }

    public record DeadLetter(long id, String messageId, String conversationId, String target, int attempts,
                             String reason, Instant failedAt) {
    }

    private static final String TASK_COLUMNS = "id, message_id, conversation_id, target_instance, kind, attempts, "
            + "next_attempt_at, created_at, priority";

    /**
     * One page of a target's outbox: its pending rows after {@code afterId}, oldest first. The outbox is read a
     * page at a time (keyset paging on the id, served by {@code ix_outbox_target}) so that a backlog of any
     * size starts in bounded memory.
     */
    public List<DeliveryTask> pendingPage(String target, long afterId, int limit) throws SQLException {
        return pendingPage(target, afterId, limit, null);
    }

    /** {@link #pendingPage(String, long, int)} of the given shares only (null: all). */
    public List<DeliveryTask> pendingPage(String target, long afterId, int limit, Integer[] shards)
            throws SQLException {
        return tasks("SELECT " + TASK_COLUMNS + " FROM outbox WHERE target_instance = ? AND id > ?"
                + shardFilter(shards) + " ORDER BY id FETCH FIRST " + limit + " ROWS ONLY",
                withShards(shards, target, afterId));
    }

    /** A conversation's pending rows for one target with ids in (afterId, upToId], oldest first. */
    public List<DeliveryTask> pendingInLane(String target, String conversationId, long afterId, long upToId,
                                            int limit) throws SQLException {
        // A lane's rows are all of one share: the lane runs only where that share is held, no filter needed.
        return tasks("SELECT " + TASK_COLUMNS + " FROM outbox WHERE conversation_id = ? AND id > ? AND id <= ? "
                + "AND target_instance = ? ORDER BY id FETCH FIRST " + limit + " ROWS ONLY", conversationId, afterId,
                upToId, target);
    }

    /**
     * A target's pending rows after {@code afterId} whose priority is one of {@code priorities}, oldest first: the
     * urgent rows of a backlog, so that they need not wait until the pages reach them. Walks the target's rows after
     * {@code afterId} (there is no index on the priority: the dispatcher knows the rows committed while it runs and
     * asks this only at start-up or when it could not keep them all in mind).
     */
    public List<DeliveryTask> pendingWithPriority(String target, long afterId, java.util.Set<Priority> priorities,
                                                  int limit) throws SQLException {
        return pendingWithPriority(target, afterId, priorities, limit, null);
    }

    /** {@link #pendingWithPriority(String, long, java.util.Set, int)} of the given shares only (null: all). */
    public List<DeliveryTask> pendingWithPriority(String target, long afterId, java.util.Set<Priority> priorities,
                                                  int limit, Integer[] shards) throws SQLException {
        List<Priority> wanted = List.copyOf(priorities);
        if (wanted.isEmpty()) {
            return List.of();
        }
        Object[] params = new Object[2 + wanted.size()];
        params[0] = target;
        params[1] = afterId;
        for (int i = 0; i < wanted.size(); i++) {
            params[2 + i] = wanted.get(i);
        }
        return tasks("SELECT " + TASK_COLUMNS + " FROM outbox WHERE target_instance = ? AND id > ? AND priority IN ("
                + String.join(", ", java.util.Collections.nCopies(wanted.size(), "?")) + ")" + shardFilter(shards)
                + " ORDER BY id FETCH FIRST " + limit + " ROWS ONLY", withShards(shards, params));
    }

    /** Issue 25: the pending row {@code id} (a dead letter another node replayed), if it is in the outbox. */
    public Optional<DeliveryTask> pendingTask(long id) throws SQLException {
        List<DeliveryTask> found = tasks("SELECT " + TASK_COLUMNS + " FROM outbox WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The targets that have pending rows. */
    public List<String> pendingTargets() throws SQLException {
        try (Connection c = database.connection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT target_instance FROM outbox");
             ResultSet rs = ps.executeQuery()) {
            List<String> targets = new ArrayList<>();
            while (rs.next()) {
                targets.add(rs.getString(1));
            }
            return targets;
        }
    }

    private List<DeliveryTask> tasks(String sql, Object... params) throws SQLException {
        try (Connection c = database.connection(); PreparedStatement ps = Sql.prepare(c, sql, arrays(c, params));
             ResultSet rs = ps.executeQuery()) {
            List<DeliveryTask> tasks = new ArrayList<>();
            while (rs.next()) {
                tasks.add(task(rs));
            }
            return tasks;
        }
    }

    // A list of shares is bound as one SQL array ({@code shard = ANY(?)}): one statement whatever their number.
    private static Object[] arrays(Connection c, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            if (params[i] instanceof Integer[] ints) {
                params[i] = c.createArrayOf("integer", ints);
            }
        }
        return params;
    }

    private static DeliveryTask task(ResultSet rs) throws SQLException {
        return new DeliveryTask(rs.getLong("id"), rs.getString("message_id"), rs.getString("conversation_id"),
                rs.getString("target_instance"), DeliveryTask.TargetKind.valueOf(rs.getString("kind")),
                rs.getInt("attempts"), Sql.instant(rs, "next_attempt_at"), Sql.instant(rs, "created_at"),
                priority(rs.getString("priority")));
    }

    // A value this build does not know (written by a newer one) counts as NORMAL rather than stopping deliveries.
    private static Priority priority(String stored) {
        try {
            return stored == null ? Priority.NORMAL : Priority.valueOf(stored);
        } catch (IllegalArgumentException unknown) {
            return Priority.NORMAL;
        }
    }

    /**
     * Everything the delivery needs. Whether the customer's address takes messages is read for a send to the
     * channel only ({@link Context#customerUnreachable} is null for a desk's delivery): a desk gets the customer's
     * messages whatever their address's state, and a desk delivery is one read fewer.
     */
    public Context context(DeliveryTask task) throws SQLException {
        try (Connection c = database.connection()) {
            Message message = message(c, task);
            boolean desk = task.kind() == DeliveryTask.TargetKind.DESK;
            Map<String, String> assignment = new HashMap<>();
            Conversation conversation = conversation(c, task.conversationId(), desk ? task.target() : null,
                    assignment).orElseThrow(() -> new SQLException("conversation " + task.conversationId()
                    + " is missing"));
            Contact contact = contact(c, conversation.contactId());
            if (!desk && !task.target().equals(conversation.channel().instanceId())) {
                return redirected(c, task, message, conversation, contact);
            }
            String unreachable = desk ? null : unreachableReason(c, conversation.customer()).orElse(null);
            return new Context(message, conversation, contact, conversation.deskTickets().get(task.target()),
                    unreachable, assignment);
        }
    }

    // Reply fallback: which addresses a channel instance can open a thread to (ChannelConnector.threadToStart).
    private volatile java.util.function.BiPredicate<String, Address> canStartThread = (instance, address) -> false;

    /** How to tell whether a channel instance can open a thread to an address (the hub's running connectors). */
    public void canStartThread(java.util.function.BiPredicate<String, Address> canStartThread) {
        this.canStartThread = canStartThread;
    }

    /**
     * The context of a reply queued to another channel instance than its conversation's (the reply fallback): the
     * conversation as it is, but with the customer's best verified address that takes messages and that the target
     * can open a thread to as its customer, chosen now (the customer may have opted out since); with none, the
     * context says the customer is unreachable there, and the dispatcher tries the next fallback or gives up.
     */
    private Context redirected(Connection c, DeliveryTask task, Message message, Conversation conversation,
                               Contact contact) throws SQLException {
        Address to = null;
        for (Address a : FallbackAddresses.verifiedReachable(c, conversation.contactId(), task.target())) {
            if (canStartThread.test(task.target(), a)) {
                to = a;
                break;
            }
        }
        Conversation there = new Conversation(conversation.id(), conversation.channel(), conversation.threadKey(),
                conversation.contactId(), to, conversation.status(), conversation.deskTickets(),
                conversation.createdAt());
        return new Context(message, there, contact, null, to == null ? "no verified address of the customer takes "
                + "messages on " + task.target() + " any more" : null, Map.of());
    }

    /**
     * The context of a message delivered in one call together with {@code head}, a message of the same
     * conversation to the same target whose context was read just before: only the message is read, the
     * conversation, contact and ticket are the head's (one moment's view for the whole call, as the batch's ticket
     * already is).
     */
    public Context followUp(DeliveryTask task, Context head) throws SQLException {
        Message cached = recent.get(task.messageId());
        if (cached != null) {
            return new Context(forTarget(task, cached), head.conversation(), head.contact(), head.ticketRef(),
                    head.customerUnreachable(), head.assignment());
        }
        try (Connection c = database.connection()) {
            return new Context(forTarget(task, message(c, task.messageId())), head.conversation(), head.contact(),
                    head.ticketRef(), head.customerUnreachable(), head.assignment());
        }
    }

    /**
     * The text of the task's message, for scrubbing it out of a failure's reason; null when it cannot be read (the
     * reason is then only masked).
     */
    public String textOf(DeliveryTask task) {
        Message cached = recent.get(task.messageId());
        if (cached != null) {
            return cached.text();
        }
        try (Connection c = database.connection()) {
            return message(c, task.messageId()).text();
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    private Message message(Connection c, DeliveryTask task) throws SQLException {
        Message cached = recent.get(task.messageId());
        return forTarget(task, cached != null ? cached : message(c, task.messageId()));
    }

    /** A desk gets the hub's automatic acknowledgement as an internal note ({@link DeskNotes}). */
    private static Message forTarget(DeliveryTask task, Message m) {
        return task.kind() == DeliveryTask.TargetKind.DESK ? DeskNotes.forDesk(m) : m;
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
        return conversation(c, id, null, null);
    }

    private static final String CONVERSATION = "SELECT v.channel_type, v.channel_instance, v.thread_key, "
            + "v.contact_id, v.customer_kind, v.customer_address, v.status, v.created_at, t.desk_instance, "
            + "t.ticket_ref";
    private static final String CONVERSATION_TICKETS = " FROM conversations v LEFT JOIN desk_tickets t "
            + "ON t.conversation_id = v.id";

    /**
     * The conversation; with a {@code desk}, in the same statement, the assignment its recorded route gives that
     * desk (V12 {@code conversation_routes}), put into {@code assignment}.
     */
    private static Optional<Conversation> conversation(Connection c, String id, String desk,
                                                       Map<String, String> assignment) throws SQLException {
        try (PreparedStatement ps = desk == null
                ? Sql.prepare(c, CONVERSATION + CONVERSATION_TICKETS + " WHERE v.id = ?", id)
                : Sql.prepare(c, CONVERSATION + ", r.assignment" + CONVERSATION_TICKETS + " LEFT JOIN "
                        + "conversation_routes r ON r.conversation_id = v.id AND r.desk = ? WHERE v.id = ?", desk, id);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            // By position, in the SELECT's order: every delivery reads this, and H2 resolves a column label by
            // upper-casing it and searching the columns, on every call.
            String kind = rs.getString(5);
            Address customer = kind == null ? null : new Address(AddressKind.valueOf(kind), rs.getString(6));
            ChannelRef channel = new ChannelRef(rs.getString(1), rs.getString(2));
            String threadKey = rs.getString(3);
            String contactId = rs.getString(4);
            ConversationStatus status = ConversationStatus.valueOf(rs.getString(7));
            OffsetDateTime created = rs.getObject(8, OffsetDateTime.class);
            Instant createdAt = created == null ? null : created.toInstant();
            if (desk != null) {
                assignment.putAll(ConversationRoutes.decode(rs.getString(11)));
            }
            Map<String, String> tickets = new HashMap<>();
            do {
                String ticketDesk = rs.getString(9);
                if (ticketDesk != null) {
                    tickets.put(ticketDesk, rs.getString(10));
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
        var body = ConversationMessages.latestBody(c, conversationId, Direction.INBOUND);
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
        String mergedInto = null;
        try (PreparedStatement ps = Sql.prepare(c, "SELECT p.display_name, a.kind, a.address, p.merged_into "
                + "FROM contacts p LEFT JOIN contact_addresses a ON a.contact_id = p.id WHERE p.id = ? "
                + "ORDER BY a.created_at", id);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                name = rs.getString(1);
                mergedInto = rs.getString(4);
                if (rs.getString(2) != null) {
                    addresses.add(new Address(AddressKind.valueOf(rs.getString(2)), rs.getString(3)));
                }
            }
        }
        if (mergedInto != null) {
            // Joined into another contact (issue 20): desks see the surviving contact, its id and all its addresses,
            // so the conversation's ticket goes to the one requester of the customer.
            String root = ContactLinks.root(c, mergedInto);
            Contact survivor = contact(c, root);
            return new Contact(root, survivor.displayName() != null ? survivor.displayName() : name,
                    survivor.addresses());
        }
        return new Contact(id, name, addresses);
    }

    /** Marks the delivery done and, for a desk's new ticket, links the ticket to the conversation. */
    public TxWork<Void> done(DeliveryTask task, String resultRef, String newTicketRef, Instant now) {
        return done(task, resultRef, newTicketRef, now, Fence.NONE);
    }

    /**
     * As {@link #done(DeliveryTask, String, String, Instant)}, made under {@code fence} (issue 25): the unit fails with
     * {@link dev.omnibridge.hub.cluster.LeaseLost}, writing nothing, once that lease has moved.
     */
    public TxWork<Void> done(DeliveryTask task, String resultRef, String newTicketRef, Instant now, Fence fence) {
        return outcomes.unit(new Outcomes.Outcome(Outcomes.Kind.DONE, task, task.attempts() + 1, resultRef,
                newTicketRef, null, null, now, fence));
    }

    public TxWork<Void> retryLater(DeliveryTask task, Instant notBefore, String error, Instant now) {
        return retryLater(task, notBefore, error, now, Fence.NONE);
    }

    /** As {@link #retryLater(DeliveryTask, Instant, String, Instant)}, made under {@code fence} (issue 25). */
    public TxWork<Void> retryLater(DeliveryTask task, Instant notBefore, String error, Instant now, Fence fence) {
        return outcomes.unit(new Outcomes.Outcome(Outcomes.Kind.RETRY, task, task.attempts(), null, null, notBefore,
                error, now, fence));
    }

    /**
     * Rows per unit of {@link #dueNow}: a long backlog is walked in steps that ingest interleaves with. Usually few
     * of them wait and the step is an index range read; in the worst case (all waiting) H2 updates ~5,000 rows a
     * second on a busy two-core machine, so a step holds the writer for a fraction of a second at most.
     */
    static final int DUE_NOW_CHUNK = 1_000;

    /**
     * Makes every pending row of the target due now (a target that failed for a while answers again): without it,
     * rows retried before a restart would still wait out their old backoff when the pages read them. Only rows that
     * failed themselves wait (a new row is due at once), but finding them means walking the target's rows: that is
     * done {@link #DUE_NOW_CHUNK} rows per unit of work, each unit submitting the next after its commit, so that a
     * backlog of a million rows never holds the writer (and ingest) for long nor builds a large undo log. Rows added
     * meanwhile are due already. The returned work's result is the number of rows its first step changed.
     */
    public TxWork<Integer> dueNow(String target, Instant now) {
        return dueNow(target, now, Map.of());
    }

    /**
     * As {@link #dueNow(String, Instant)}, in a cluster (issue 25): only the rows of the shares in {@code fences}
     * (share -> the fence it is held under), each unit checking that those leases still hold (empty: every row).
     */
    public TxWork<Integer> dueNow(String target, Instant now, Map<Integer, Fence> fences) {
        return (c, after) -> {
            verify(c, fences);
            var last = Sql.string(c, "SELECT id FROM outbox WHERE target_instance = ? ORDER BY id DESC "
                    + "FETCH FIRST 1 ROWS ONLY", target);
            return last.isEmpty() ? 0 : dueNowStep(c, after, target, now, Long.MIN_VALUE, Long.parseLong(last.get()),
                    fences);
        };
    }

    private void verify(Connection c, Map<Integer, Fence> fences) throws SQLException {
        Leases l = leases;
        if (l != null) {
            for (Fence f : fences.values()) {
                l.verify(c, f);
            }
        }
    }

    private int dueNowStep(Connection c, AfterCommit after, String target, Instant now, long afterId, long upTo,
                           Map<Integer, Fence> fences) throws SQLException {
        int changed = 0;
        long from = afterId;
        Integer[] shards = fences.isEmpty() ? null : fences.keySet().toArray(Integer[]::new);
        while (true) {
            var bound = Sql.string(c, "SELECT id FROM outbox WHERE target_instance = ? AND id > ? AND id <= ? "
                    + "ORDER BY id OFFSET " + (DUE_NOW_CHUNK - 1) + " ROWS FETCH NEXT 1 ROWS ONLY", target, from, upTo);
            long to = bound.isEmpty() ? upTo : Long.parseLong(bound.get());
            changed += Sql.update(c, "UPDATE outbox SET next_attempt_at = ? WHERE target_instance = ? AND id > ? "
                    + "AND id <= ? AND next_attempt_at > ?" + shardFilter(shards),
                    arrays(c, withShards(shards, now, target, from, to, now)));
            if (to >= upTo) {
                return changed;
            }
            from = to;
            if (journal != null) {
                long next = from;
                after.run(() -> journal.submit((c2, after2) -> {
                            verify(c2, fences);
                            return dueNowStep(c2, after2, target, now, next, upTo, fences);
                        })
                        .whenComplete((rows, error) -> {
                            if (error != null) {
                                LOG.warn("Could not make the waiting deliveries to {} due now: {}", target,
                                        error.getMessage());
                            }
                        }));
                return changed;
            }
        }
    }

    public TxWork<Void> dead(DeliveryTask task, String reason, Instant now) {
        return dead(task, reason, now, Fence.NONE);
    }

    /** As {@link #dead(DeliveryTask, String, Instant)}, made under {@code fence} (issue 25). */
    public TxWork<Void> dead(DeliveryTask task, String reason, Instant now, Fence fence) {
        return outcomes.unit(new Outcomes.Outcome(Outcomes.Kind.DEAD, task, task.attempts(), null, null, null,
                reason, now, fence));
    }

    /**
     * Puts a dead letter back in the outbox, under its id; empty when there is no dead letter with that id. A reply
     * to a customer whose address a failed send marked unreachable clears that mark, so the replay is really tried
     * (an opt-out stays: only the customer or an operator ends it).
     */
    public TxWork<Optional<DeliveryTask>> replay(long id, Instant now) {
        return (c, after) -> {
            int n = Sql.update(c, "INSERT INTO outbox (" + Outbox.PENDING_COLUMNS + ") SELECT id, message_id, "
                    + "conversation_id, target_instance, kind, 0, CAST(? AS TIMESTAMP WITH TIME ZONE), reason, "
                    + "created_at, CAST(? AS TIMESTAMP WITH TIME ZONE), priority, shard FROM dead_letters WHERE id = ?",
                    now, now, id);
            if (n == 0) {
                return Optional.empty();
            }
            // Issue 25: below the cursor of the node delivering its conversation, which is told so that it takes it.
            OutboxShards.announceReplay(c, id);
            Sql.update(c, "DELETE FROM dead_letters WHERE id = ?", id);
            DeliveryTask task;
            try (PreparedStatement ps = Sql.prepare(c, "SELECT " + TASK_COLUMNS + " FROM outbox WHERE id = ?", id);
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
                     + "attempts, reason, failed_at FROM dead_letters ORDER BY id FETCH FIRST " + limit + " ROWS ONLY");
             ResultSet rs = ps.executeQuery()) {
            List<DeadLetter> list = new ArrayList<>();
            while (rs.next()) {
                list.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5), rs.getString(6), Sql.instant(rs, "failed_at")));
            }
            return list;
        }
    }

    /**
     * Row counts per outbox state (PENDING without RETRYING, RETRYING, DEAD), for metrics at start-up. A unit of
     * work, so that it runs between two commits of the journal: the counts then hold exactly the rows whose
     * commit hand-overs ran before its own after-commit actions. The outbox holds pending rows only and dead letters
     * have their own table, so two of the three counts are whole-table counts (H2 answers them from the tables'
     * sizes, without a scan); only the retrying rows need a look at the rows.
     */
    /**
     * Issue 25: puts every pending row and dead letter in its conversation's share as this cluster counts them (rows
     * stored before migration V18_1 are all in share 0, and a store copied from another hub may have counted
     * differently). Run once when a cluster node starts, before it takes any share; in a running cluster every row is
     * right already and this only reads.
     *
     * @return how many rows moved
     */
    public TxWork<Integer> reshard() {
        return (c, after) -> {
            int moved = 0;
            for (String table : List.of("outbox", "dead_letters")) {
                Map<String, Integer> wrong = new HashMap<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT conversation_id, shard FROM " + table);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String conversation = rs.getString(1);
                        int shard = OutboxShards.of(conversation);
                        if (rs.getInt(2) != shard) {
                            wrong.put(conversation, shard);
                        }
                    }
                }
                for (Map.Entry<String, Integer> e : wrong.entrySet()) {
                    moved += Sql.update(c, "UPDATE " + table + " SET shard = ? WHERE conversation_id = ?",
                            (short) (int) e.getValue(), e.getKey());
                }
            }
            return moved;
        };
    }

    /** Issue 25: {@link #countByState()} read outside the journal (a cluster's counts change on every node). */
    public Map<String, Long> counts() throws SQLException {
        try (Connection c = database.connection()) {
            return countByState().apply(c, new AfterCommit());
        }
    }

    public TxWork<Map<String, Long>> countByState() {
        return (c, after) -> {
            long all = count(c, "SELECT COUNT(*) FROM outbox");
            long retrying = all == 0 ? 0 : count(c, "SELECT COUNT(*) FROM outbox WHERE attempts > 0");
            Map<String, Long> counts = new HashMap<>();
            counts.put("PENDING", all - retrying);
            counts.put("RETRYING", retrying);
            counts.put("DEAD", count(c, "SELECT COUNT(*) FROM dead_letters"));
            return counts;
        };
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

}
