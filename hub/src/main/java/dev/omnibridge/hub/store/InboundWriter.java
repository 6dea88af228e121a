package dev.omnibridge.hub.store;

import dev.omnibridge.hub.automation.DeskNotes;
import dev.omnibridge.hub.sla.FirstResponseHook;
import dev.omnibridge.hub.triage.DeskTarget;
import dev.omnibridge.hub.triage.RouteDecision;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.MessageAnnotation;
import dev.omnibridge.spi.Skipped;
import dev.omnibridge.spi.ThreadMove;
import dev.omnibridge.spi.TicketUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Stores what a connector hands in, as one unit of work: messages with their conversation, contact and outbox
 * rows; desk replies threaded back to their conversation; ticket state; offsets. A message seen before (same
 * source instance and source id) is skipped, so the same webhook twice stores and delivers once.
 */
public final class InboundWriter {
    private static final Logger LOG = LoggerFactory.getLogger(InboundWriter.class);

    private final MessageTriage triage;
    private final Consumer<DeliveryTask> scheduler;
    private final Clock clock;
    private final KnownConversations known;
    private final RecentMessages recent;
    private final ConversationActivity activity;
    private final ReachableAddresses reachable;
    private final PlainMessageBatch plainMessages;
    private final FirstResponseHook firstResponse;
    private final AutomationHook automation;
    /** Issue 20: identity evidence and history notes when a conversation is opened (set once, before any work). */
    private volatile IdentityStep identity = IdentityStep.NONE;
    /** Issue 21: the self-service bot and the surveys, which may keep a customer message from the desks. */
    private volatile ConversationStep steps = ConversationStep.NONE;
    private final ConversationOutbox outbox = new ConversationOutbox(this);

    /**
     * Whether this node's writer is the only one changing the store, so that it may keep what it learnt after its
     * commits (which conversations are OPEN, which addresses carry no failed-send mark) and write "last message at"
     * once a second instead of running those statements for every message.
     */
    public enum Mode {
        /** The embedded store, or a PostgreSQL store used by this node alone. */
        SINGLE_NODE,
        /** A store that other nodes write too: every message runs the exact statements in its transaction. */
        SHARED_STORE
    }

    /**
     * @param desksForChannel the desk instances each channel instance forwards to
     * @param scheduler       receives each new outbox row once it is committed
     */
    public InboundWriter(Function<String, List<String>> desksForChannel, Consumer<DeliveryTask> scheduler,
                         Clock clock) {
        this(desksForChannel, scheduler, clock, new RecentMessages());
    }

    /** @param recent where committed messages are left for the deliveries that follow at once */
    public InboundWriter(Function<String, List<String>> desksForChannel, Consumer<DeliveryTask> scheduler,
                         Clock clock, RecentMessages recent) {
        this(desksForChannel, scheduler, clock, recent, Mode.SINGLE_NODE);
    }

    public InboundWriter(Function<String, List<String>> desksForChannel, Consumer<DeliveryTask> scheduler,
                         Clock clock, RecentMessages recent, Mode mode) {
        this(desksForChannel, scheduler, clock, recent, mode, FirstResponseHook.NONE);
    }

    /** @param firstResponse told of every customer message and every reply stored, in its transaction */
    public InboundWriter(Function<String, List<String>> desksForChannel, Consumer<DeliveryTask> scheduler,
                         Clock clock, RecentMessages recent, Mode mode, FirstResponseHook firstResponse) {
        this(TriageStep.plain(desksForChannel), scheduler, clock, recent, mode, firstResponse);
    }

    /**
     * @param triage language, classification and routes of each inbound customer message: which desks it goes to
     */
    public InboundWriter(TriageStep triage, Consumer<DeliveryTask> scheduler, Clock clock, RecentMessages recent,
                         Mode mode, FirstResponseHook firstResponse) {
        boolean exact = mode == Mode.SHARED_STORE;
        this.known = new KnownConversations(exact); // Issue 25: no memory of thread keys with a shared store
        this.activity = new ConversationActivity(exact);
        this.reachable = new ReachableAddresses(exact);
        this.firstResponse = firstResponse;
        this.triage = new MessageTriage(triage, new ConversationRoutes(exact));
        this.automation = new AutomationHook(triage::plainDesks, scheduler, recent);
        this.plainMessages = new PlainMessageBatch(this.triage, scheduler, recent, activity, reachable,
                firstResponse, automation);
        this.recent = recent;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /**
     * The hub's automation (acknowledgements), told of every customer message and agent reply in the transaction
     * that stores it. Set once, before the first unit of work runs.
     */
    public void automate(dev.omnibridge.hub.automation.ConversationAutomation automation) {
        this.automation.set(automation);
    }

    /**
     * What the hub learns about the customer when a conversation is opened ({@link IdentityStep}). Set once, before
     * the first unit of work runs.
     */
    public void identify(IdentityStep identity) {
        this.identity = identity;
    }

    /**
     * The hub's conversation automation of issue 21 ({@link ConversationStep}: bot, surveys). Set once, before the
     * first unit of work runs.
     */
    public void converse(ConversationStep steps) {
        this.steps = steps;
    }

    /** The writes the conversation automation makes in the writer's transaction. */
    public ConversationOutbox outbox() {
        return outbox;
    }

    /**
     * Issue 25: the unit for what a polled source fetched under a leader lease: it first checks {@code fence}
     * ({@link dev.omnibridge.hub.cluster.Leases#verify}), so the messages, the offsets and the lease check are one
     * transaction and a node that lost the lease stores nothing ({@link dev.omnibridge.hub.cluster.LeaseLost}).
     * Without a fence (a single node, a webhook) it is {@link #work(String, Inbound)} itself.
     */
    public TxWork<IngestReport> work(String instanceId, Inbound inbound, dev.omnibridge.hub.cluster.Leases leases,
                                     dev.omnibridge.hub.cluster.Fence fence) {
        TxWork<IngestReport> unit = work(instanceId, inbound);
        if (fence.none()) {
            return unit;
        }
        return (c, after) -> {
            leases.verify(c, fence);
            return unit.apply(c, after);
        };
    }

    /** Builds the unit of work on the caller's thread, doing there what needs no store, so the writer does less. */
    public TxWork<IngestReport> work(String instanceId, Inbound inbound) {
        // Refused here, on the caller's thread, so the connector gets a clear error and nothing is half-stored.
        Columns.checkKept(inbound);
        Instant now = clock.instant();
        Map<String, String> moves = new java.util.HashMap<>();
        inbound.threadMoves().forEach(m -> moves.put(m.fromThreadKey(), m.toThreadKey()));
        // A message of this unit under a key that moves here belongs to the moved conversation, under its new key.
        List<Prepared> messages = new ArrayList<>(inbound.messages().size());
        for (Message m : inbound.messages()) {
            String movedTo = moves.isEmpty() ? null : moves.get(m.threadKey());
            messages.add(prepare(movedTo == null ? m : m.toBuilder().threadKey(movedTo).build(), now));
        }
        if (plainMessages(inbound, messages) && !watched(instanceId, messages)) {
            return plainMessages.unit(instanceId, messages, now);
        }
        return (c, after) -> {
            for (ThreadMove move : inbound.threadMoves()) {
                moveConversation(c, after, instanceId, move);
            }
            List<String> stored = new ArrayList<>();
            int[] duplicates = {0};
            int[] skipped = {0};
            List<Skipped> setAside = new ArrayList<>();
            List<DeliveryStatus> statuses = new ArrayList<>();
            List<Message> customerMessages = new ArrayList<>();
            Map<String, List<String>> desksOf = new java.util.HashMap<>();
            for (Prepared m : messages) {
                storeCustomerMessage(c, after, instanceId, m, now, stored, duplicates, skipped, customerMessages,
                        desksOf);
            }
            // What the hub cannot use is set aside where an operator sees it, never just logged.
            List<Skipped> unusable = new ArrayList<>(inbound.skipped());
            for (DeskReply r : inbound.replies()) {
                Skipped unlinked = storeDeskReply(c, after, instanceId, r, now, stored, duplicates, skipped);
                if (unlinked != null) {
                    unusable.add(unlinked);
                }
            }
            for (TicketUpdate u : inbound.ticketUpdates()) {
                List<ConversationStep.StatusChange> linked = ticketConversations(c, instanceId, u.ticketRef());
                List<String> changing = linked.stream().map(ConversationStep.StatusChange::conversationId).toList();
                activity.statusChanging(changing);
                // resolved_at (V16) is when it was last resolved: a conversation reopened has none until resolved again.
                boolean resolved = u.status() == ConversationStatus.RESOLVED;
                int n = Sql.update(c, "UPDATE conversations SET resolved_at = CASE WHEN ? THEN COALESCE(CASE WHEN "
                        + "status = ? THEN resolved_at END, ?) END, status = ? WHERE id IN (SELECT conversation_id "
                        + "FROM desk_tickets WHERE desk_instance = ? AND ticket_ref = ?)", resolved,
                        ConversationStatus.RESOLVED, now, u.status(), instanceId, Columns.key(u.ticketRef()));
                if (n > 0) {
                    steps.statusChanged(c, after, changing, u.status(), now);
                    List<ConversationStep.StatusChange> changed = linked.stream()
                            .filter(s -> s.before() != u.status()).toList();
                    if (!changed.isEmpty()) {
                        steps.deskStatusChanged(c, after, instanceId, u.ticketRef(), changed, u.status(), now);
                    }
                }
                if (n == 0) {
                    // Often a ticket the desk has on its own (not from the hub): noise rather than a dead letter.
                    unusable.add(Skipped.ignored("ticket-status:" + u.ticketRef() + ":" + u.status(), "status "
                            + u.status() + " for ticket " + u.ticketRef() + ", which no conversation is linked to",
                            null));
                } else {
                    LOG.info("Instance {}: ticket {} is now {} on the desk; its conversation too", instanceId,
                            u.ticketRef(), u.status());
                }
            }
            for (MessageAnnotation note : inbound.annotations()) {
                Skipped unknown = ChannelReports.annotate(c, after, recent, instanceId, note);
                if (unknown != null) {
                    unusable.add(unknown);
                }
            }
            for (Skipped item : unusable) {
                if (ChannelReports.recordSkipped(c, instanceId, item, now)) {
                    skipped[0]++;
                    setAside.add(item);
                } else {
                    duplicates[0]++;
                }
            }
            for (AddressStatus status : inbound.addressStatuses()) {
                reachable.marking(status.address());
                Reachability.record(c, status, now);
            }
            for (DeliveryStatus status : inbound.statuses()) {
                if (ChannelReports.recordStatus(c, instanceId, status, now)) {
                    statuses.add(status);
                }
            }
            for (Map.Entry<String, String> e : inbound.offsets().entrySet()) {
                ChannelReports.saveOffset(c, instanceId, e.getKey(), e.getValue(), now);
            }
            // Last, so that an opt-out reported in the same unit as the message is already recorded.
            automation.customerMessagesStored(c, customerMessages, id -> after,
                    id -> desksOf.getOrDefault(id, List.of()), now);
            return new IngestReport(List.copyOf(stored), duplicates[0], skipped[0], List.copyOf(setAside),
                    List.copyOf(statuses));
        };
    }

    /**
     * The unit that writes the conversations' "last message at" noted since the last run (at most
     * {@value ConversationActivity#MAX_PER_FLUSH} conversations a run); the journal should run it a few times a second
     * ({@link Journal#every}). Does nothing in {@link Mode#SHARED_STORE}.
     */
    public TxWork<Integer> activityFlush() {
        return activity.flush();
    }

    /**
     * Whether the unit is only customer messages of conversations the writer knows, none an edit: the webhook
     * shape, which the journal may store together with its neighbours ({@link PlainMessageBatch}).
     */
    /** Whether a conversation step must see one of the messages (they then leave the fast path). */
    private boolean watched(String instanceId, List<Prepared> messages) {
        ConversationStep s = steps;
        if (s == ConversationStep.NONE) {
            return false;
        }
        for (Prepared m : messages) {
            if (s.watches(instanceId, m.toStore() == null ? null : m.toStore().conversationId())) {
                return true;
            }
        }
        return false;
    }

    private static boolean plainMessages(Inbound inbound, List<Prepared> messages) {
        return !messages.isEmpty() && messages.stream().allMatch(m -> m.toStore() != null)
                && inbound.replies().isEmpty() && inbound.ticketUpdates().isEmpty() && inbound.offsets().isEmpty()
                && inbound.skipped().isEmpty() && inbound.statuses().isEmpty() && inbound.addressStatuses().isEmpty()
                && inbound.annotations().isEmpty() && inbound.threadMoves().isEmpty();
    }

    static final String INSERT_MESSAGES = "INSERT INTO messages (id, source_instance, source_id, "
            + "conversation_id, direction, body, received_at) VALUES ";

    /** The conversations linked to the desk's ticket, with their channel instance and status before the update. */
    private static List<ConversationStep.StatusChange> ticketConversations(Connection c, String desk,
                                                                           String ticketRef) throws SQLException {
        List<ConversationStep.StatusChange> linked = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT v.id, v.channel_instance, v.status FROM desk_tickets t "
                + "JOIN conversations v ON v.id = t.conversation_id WHERE t.desk_instance = ? AND t.ticket_ref = ?",
                desk, Columns.key(ticketRef)); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                linked.add(new ConversationStep.StatusChange(rs.getString(1), rs.getString(2),
                        ConversationStatus.valueOf(rs.getString(3))));
            }
        }
        return linked;
    }

    /** Re-keys a conversation of this instance, unless the new key already has a conversation of its own. */
    private void moveConversation(Connection c, AfterCommit after, String instanceId, ThreadMove move)
            throws SQLException {
        var id = Sql.string(c, "SELECT id FROM conversations WHERE channel_instance = ? AND thread_key = ?",
                instanceId, Columns.key(move.fromThreadKey()));
        if (id.isEmpty()) {
            return;
        }
        var taken = Sql.string(c, "SELECT id FROM conversations WHERE channel_instance = ? AND thread_key = ?",
                instanceId, Columns.key(move.toThreadKey()));
        if (taken.isPresent()) {
            LOG.warn("Instance {}: conversation {} cannot take its new thread key: conversation {} has it; not "
                    + "merged", instanceId, id.get(), taken.get());
            return;
        }
        Sql.update(c, "UPDATE conversations SET thread_key = ? WHERE id = ?", Columns.key(move.toThreadKey()),
                id.get());
        after.run(() -> known.moved(instanceId, move.fromThreadKey()));
        LOG.info("Instance {}: conversation {} moved to a new thread key on the channel", instanceId, id.get());
    }

    /**
     * A customer message after the triage done on the caller's thread, with, when its conversation is known, its
     * stored form; its JSON and desks too when nothing of its triage needs the store.
     *
     * @param message  the message as the channel gave it, with language (and, when decided, priority and tags) set
     * @param toStore  its stored form (hub id, conversation), or null when its conversation is not known
     * @param json     the stored form's JSON, or null when it is made in the transaction
     * @param decision the route decision, or null when it is made in the transaction (the unanswered count)
     * @param desks    where it goes, or null when decided in the transaction
     */
    record Prepared(Message message, Message toStore, String json, RouteDecision decision,
                    List<DeskTarget> desks) {
    }

    private Prepared prepare(Message m, Instant now) {
        MessageTriage.Early early = triage.early(m);
        Message in = early.message();
        String conversationId = in.editOf() == null ? known.get(in.channel().instanceId(), in.threadKey()) : null;
        if (conversationId == null) {
            return new Prepared(in, null, null, early.decision(), null);
        }
        Message toStore = toStore(in, conversationId, now);
        MessageTriage.Decided decided = triage.withoutStore(toStore, early.decision());
        if (decided == null) {
            return new Prepared(in, toStore, null, early.decision(), null);
        }
        return new Prepared(in, decided.message(), CanonicalJson.writeString(decided.message()), early.decision(),
                decided.desks());
    }

    private static Message toStore(Message m, String conversationId, Instant now) {
        return m.toBuilder().id(Ids.newId()).conversationId(conversationId)
                .receivedAt(m.receivedAt() == null ? now : m.receivedAt()).build();
    }

    private void storeCustomerMessage(Connection c, AfterCommit after, String instanceId, Prepared prepared,
                                      Instant now, List<String> stored, int[] duplicates, int[] skipped,
                                      List<Message> customerMessages, Map<String, List<String>> desksOf)
            throws SQLException {
        Message m = prepared.message();
        // A channel that shows the hub its own sent messages (a mailbox, a group chat) must not loop them back.
        if (alreadySeen(seenBefore(c, instanceId, m.channelMessageId(), DeliveryTask.TargetKind.CHANNEL),
                duplicates, skipped)) {
            return;
        }
        Message toStore = prepared.toStore();
        String json = prepared.json();
        List<DeskTarget> desks = prepared.desks();
        Opened opened = null;
        if (toStore == null) {
            opened = conversation(c, after, m.channel(), m.threadKey(), m.author().address(),
                    m.author().displayName(), now);
            toStore = toStore(withEditLink(c, instanceId, m), opened.id(), now);
        }
        if (json == null) {
            MessageTriage.Decided decided = triage.inTransaction(c, after, toStore, prepared.decision(),
                    unanswered(c, toStore, prepared.decision()), now);
            toStore = decided.message();
            desks = decided.desks();
            json = CanonicalJson.writeString(toStore);
        }
        insertRow(c, toStore, json, instanceId, m.channelMessageId(), now);
        reachable.wroteAgain(c, after, m.author().address(), now);
        Message committed = toStore;
        after.run(() -> recent.committed(committed));
        List<String> deskIds = new ArrayList<>(desks.size());
        desks.forEach(d -> deskIds.add(d.desk()));
        ConversationStep.Verdict verdict = steps.customerMessage(c, after, toStore, deskIds, opened != null, now);
        if (verdict == ConversationStep.Verdict.KEPT) {
            // Stored, in no desk yet: the step that kept it releases it (ConversationOutbox.queueToDesks) if ever.
            // A survey's answer or a question the bot answers does not reopen a resolved conversation for the agents.
            activity.messageStoredWithoutReopening(c, after, toStore.conversationId(), now);
            if (opened != null && opened.contactId() != null) {
                identity.conversationOpened(c, after, toStore, opened.contactId(), opened.newContact(), List.of(),
                        now);
            }
            stored.add(toStore.id());
            return;
        }
        activity.messageStored(c, after, toStore.conversationId(), now);
        firstResponse.customerMessageStored(c, toStore, now, after::run);
        for (String desk : deskIds) {
            DeliveryTask task = insertDelivery(c, toStore, desk, DeliveryTask.TargetKind.DESK, now);
            after.run(() -> scheduler.accept(task));
        }
        if (opened != null && opened.contactId() != null) {
            identity.conversationOpened(c, after, toStore, opened.contactId(), opened.newContact(), deskIds, now);
        }
        steps.queuedToDesks(c, after, toStore, deskIds, now);
        stored.add(toStore.id());
        customerMessages.add(toStore);
        desksOf.put(toStore.id(), deskIds);
    }

    /**
     * The conversation of a message; {@code contactId} and {@code newContact} are set when it was created by it
     * (the contact null otherwise).
     */
    private record Opened(String id, String contactId, boolean newContact) {
    }

    /**
     * The conversation's customer messages without an answer, this one included, counted in the store; 0 (not
     * read) when the message's decision was made without it.
     */
    private static int unanswered(Connection c, Message toStore, RouteDecision decision)
            throws SQLException {
        if (decision != null) {
            return 0;
        }
        String id = toStore.conversationId();
        Map<String, Integer> before = UnansweredCounts.read(c, List.of(id));
        int count = before.getOrDefault(id, 0) + 1;
        UnansweredCounts.write(c, Map.of(id, count), before);
        return count;
    }

    private enum Seen { NEW, STORED, SENT_BY_HUB }

    /** Counts an item seen before as a duplicate or as the hub's own; true unless it is new. */
    private static boolean alreadySeen(Seen seen, int[] duplicates, int[] skipped) {
        switch (seen) {
            case STORED -> duplicates[0]++;
            case SENT_BY_HUB -> skipped[0]++;
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Whether the item was stored before, or is what the hub itself sent to this instance (a {@code kind} delivery). */
    private static Seen seenBefore(Connection c, String instanceId, String sourceId, DeliveryTask.TargetKind kind)
            throws SQLException {
        if (exists(c, instanceId, sourceId)) {
            return Seen.STORED;
        }
        return Outbox.sentByHub(c, instanceId, List.of(sourceId), kind).isEmpty() ? Seen.NEW : Seen.SENT_BY_HUB;
    }

    /** Returns the reply as an item to set aside when no conversation is linked to its ticket, else null. */
    private Skipped storeDeskReply(Connection c, AfterCommit after, String deskInstance, DeskReply r, Instant now,
                                   List<String> stored, int[] duplicates, int[] skipped) throws SQLException {
        // The desk reports the hub's own comments too: those came from the customer and must not go back out.
        if (alreadySeen(seenBefore(c, deskInstance, r.replyId(), DeliveryTask.TargetKind.DESK), duplicates,
                skipped)) {
            return null;
        }
        ConversationRow conv = conversationForTicket(c, deskInstance, r.ticketRef());
        if (conv == null) {
            conv = linkTicketByConversationId(c, deskInstance, r, now);
        }
        if (conv == null) {
            // An agent's answer that reaches no customer: a dead letter, the agent believes it was sent. The text
            // stays on the desk (ticket and reply id say where), so it is not copied into the reason.
            return Skipped.deadLetter(r.replyId(), "reply for ticket " + r.ticketRef()
                    + ", which no conversation is linked to: not sent to any customer", null);
        }
        Message reply = Message.builder().id(Ids.newId()).direction(Direction.OUTBOUND).channel(conv.channel())
                .channelMessageId("desk:" + deskInstance + ":" + r.replyId()).threadKey(conv.threadKey())
                .conversationId(conv.id()).author(r.author()).text(r.text()).html(r.html())
                .attachments(r.attachments()).channelTimestamp(r.createdAt()).receivedAt(now)
                .metadata(withDesk(r.metadata(), deskInstance, r.ticketRef(), r.replyId())).build();
        insertMessage(c, after, reply, deskInstance, r.replyId(), now);
        firstResponse.outboundMessageStored(c, reply, now, after::run);
        after.run(() -> recent.committed(reply));
        automation.agentReplyStored(c, after, reply, now);
        steps.agentReply(c, after, reply, now);
        if (triage.step().needsUnanswered()) {
            UnansweredCounts.answered(c, conv.id());
        }
        if (DeskDelivered.toCustomer(r, conv.customer())) {
            // The desk emailed this answer to the customer's own address: sending it again would answer twice. The
            // row says so in the conversation's history; nothing is scheduled for it.
            Outbox.addFinished(c, reply, conv.channel().instanceId(), DeliveryTask.TargetKind.CHANNEL,
                    DeskDelivered.STATUS, now);
            LOG.info("Instance {}: reply {} on ticket {} was emailed to the customer by the desk; stored, not sent "
                    + "through {} again", deskInstance, r.replyId(), r.ticketRef(), conv.channel().instanceId());
        } else {
            DeliveryTask task = insertDelivery(c, reply, conv.channel().instanceId(),
                    DeliveryTask.TargetKind.CHANNEL, now);
            after.run(() -> scheduler.accept(task));
        }
        stored.add(reply.id());
        return null;
    }

    /**
     * When a reply could not be delivered to the customer for good, the agents must hear of it where they work:
     * an internal note in the conversation, forwarded to the desks the channel feeds.
     */
    public TxWork<List<String>> deliveryFailedNotice(DeliveryTask failed, String reason) {
        return (c, after) -> {
            Message reply = DeliveryStore.message(c, failed.messageId());
            String what = DeskNotes.isAcknowledgement(reply) ? "This automatic acknowledgement was not delivered"
                    : "This reply was not delivered";
            return storeInternalNote(c, after, new InternalNote(failed.conversationId(), failed.target(),
                    "notice:delivery-failed:" + failed.messageId(),
                    what + " to the customer: " + reason + "\n\n> " + reply.text(),
                    java.util.Set.of("delivery-failed"), null, Map.of(DELIVERY_FAILED_FOR, failed.messageId())),
                    clock.instant());
        };
    }

    /**
     * Stores the hub's note in its conversation, inside the caller's unit of work, and queues it to the desks the
     * note's channel instance feeds (outbox rows in the same transaction, scheduled once it commits). Once-only: a
     * note whose source id was stored before is not stored again.
     *
     * @return the desks it was queued to; empty when the conversation is unknown or the note was stored before
     */
    public List<String> storeInternalNote(Connection c, AfterCommit after, InternalNote note, Instant now)
            throws SQLException {
        return storeInternalNote(c, after, note,
                new dev.omnibridge.model.Author(dev.omnibridge.model.Role.SYSTEM, "Omnibridge", null), now);
    }

    /** {@link #storeInternalNote(Connection, AfterCommit, InternalNote, Instant)} written by {@code author}. */
    List<String> storeInternalNote(Connection c, AfterCommit after, InternalNote note,
                                   dev.omnibridge.model.Author author, Instant now) throws SQLException {
        var conversation = DeliveryStore.conversation(c, note.conversationId()).orElse(null);
        if (conversation == null || exists(c, note.channelInstance(), note.sourceId())) {
            return List.of();
        }
        Message notice = Message.builder().id(Ids.newId()).direction(Direction.INTERNAL)
                .channel(conversation.channel()).channelMessageId(note.sourceId())
                .threadKey(conversation.threadKey()).conversationId(conversation.id())
                .author(author)
                .text(note.text()).receivedAt(now).tags(note.tags()).priority(note.priority())
                .metadata(note.metadata()).build();
        insertMessage(c, after, notice, note.channelInstance(), note.sourceId(), now);
        List<String> stored = new ArrayList<>();
        for (String desk : desksOfConversation(c, after, conversation.id(), note.channelInstance())) {
            DeliveryTask task = insertDelivery(c, notice, desk, DeliveryTask.TargetKind.DESK, now);
            after.run(() -> scheduler.accept(task));
            stored.add(desk);
        }
        return stored;
    }

    /**
     * Queues a stored reply to another channel instance than its conversation's, inside the caller's unit of work
     * (the reply fallback, {@code identity.replyFallback}): an outbox row like any other, scheduled once it commits;
     * its idempotency key (message and target) differs from the original delivery's.
     */
    public DeliveryTask queueRedirectedReply(Connection c, AfterCommit after, String messageId, String target,
                                             Instant now) throws SQLException {
        Message reply = DeliveryStore.message(c, messageId);
        DeliveryTask task = insertDelivery(c, reply, target, DeliveryTask.TargetKind.CHANNEL, now);
        after.run(() -> scheduler.accept(task));
        return task;
    }

    /**
     * Stores the hub's own outbound message in its conversation and queues it for the conversation's channel
     * ({@link ConversationOutbox#sendToCustomer}); null when its source id was stored before.
     */
    Message storeHubMessage(Connection c, AfterCommit after, Message outbound, Instant now) throws SQLException {
        String instance = outbound.channel().instanceId();
        if (exists(c, instance, outbound.channelMessageId())) {
            return null;
        }
        Message m = outbound.id() != null ? outbound
                : outbound.toBuilder().id(Ids.newId()).receivedAt(outbound.receivedAt() == null ? now
                        : outbound.receivedAt()).build();
        insertMessage(c, after, m, instance, m.channelMessageId(), now);
        firstResponse.outboundMessageStored(c, m, now, after::run);
        after.run(() -> recent.committed(m));
        DeliveryTask task = insertDelivery(c, m, instance, DeliveryTask.TargetKind.CHANNEL, now);
        after.run(() -> scheduler.accept(task));
        return m;
    }

    /** Queues stored messages to the desks in order ({@link ConversationOutbox#queueToDesks}). */
    void queueStoredToDesks(Connection c, AfterCommit after, List<Message> messages, List<String> desks,
                            Instant now) throws SQLException {
        for (Message m : messages) {
            if (m.direction() == Direction.INBOUND) {
                firstResponse.customerMessageStored(c, m, now, after::run);
            }
            for (String desk : desks) {
                DeliveryTask task = insertDelivery(c, m, desk, DeliveryTask.TargetKind.DESK, now);
                after.run(() -> scheduler.accept(task));
            }
        }
    }

    /**
     * Queues a conversation's stored history to one desk, in the list's order (issue 22, backfill): its customer
     * messages, the hub's notes, and the replies and hub lines desks get as notes ({@link DeskNotes#forDesk}); other
     * hub messages to the customer (a survey question) never went to desks and do not now. Starts no first-response
     * clock: this is history, not a customer waiting.
     *
     * @return how many messages were queued
     */
    public int queueHistoryToDesk(Connection c, AfterCommit after, List<Message> history, String desk, Instant now)
            throws SQLException {
        List<Outbox.NewDelivery> rows = new ArrayList<>(history.size());
        for (Message m : history) {
            if (m.direction() == Direction.OUTBOUND && DeskNotes.forDesk(m).direction() != Direction.INTERNAL) {
                continue;
            }
            rows.add(new Outbox.NewDelivery(m, desk, DeliveryTask.TargetKind.DESK));
        }
        for (int i = 0; i < rows.size(); i += PaddedRows.MAX) {
            for (DeliveryTask task : Outbox.addPending(c, rows.subList(i, Math.min(rows.size(), i + PaddedRows.MAX)),
                    now)) {
                after.run(() -> scheduler.accept(task));
            }
        }
        return rows.size();
    }

    /**
     * The hub's note, stored like {@link #storeInternalNote} but queued to {@code desks} only (issue 22: what happened
     * at one desk, told to the others; {@link ConversationOutbox#noteTo}).
     *
     * @return the desks it was queued to; empty when the conversation is unknown or the note was stored before
     */
    List<String> storeInternalNoteTo(Connection c, AfterCommit after, InternalNote note, List<String> desks,
                                     Instant now) throws SQLException {
        var conversation = DeliveryStore.conversation(c, note.conversationId()).orElse(null);
        if (conversation == null || exists(c, note.channelInstance(), note.sourceId())) {
            return List.of();
        }
        Message notice = Message.builder().id(Ids.newId()).direction(Direction.INTERNAL)
                .channel(conversation.channel()).channelMessageId(note.sourceId())
                .threadKey(conversation.threadKey()).conversationId(conversation.id())
                .author(new dev.omnibridge.model.Author(dev.omnibridge.model.Role.SYSTEM, "Omnibridge", null))
                .text(note.text()).receivedAt(now).tags(note.tags()).priority(note.priority())
                .metadata(note.metadata()).build();
        insertMessage(c, after, notice, note.channelInstance(), note.sourceId(), now);
        for (String desk : desks) {
            DeliveryTask task = insertDelivery(c, notice, desk, DeliveryTask.TargetKind.DESK, now);
            after.run(() -> scheduler.accept(task));
        }
        return List.copyOf(desks);
    }

    List<String> desksOf(Connection c, AfterCommit after, String conversationId, String channelInstance)
            throws SQLException {
        return desksOfConversation(c, after, conversationId, channelInstance);
    }

    /** The desks the conversation's messages go to: those recorded for it, else the channel's plain routes'. */
    private List<String> desksOfConversation(Connection c, AfterCommit after, String conversationId,
                                             String channelInstance) throws SQLException {
        ConversationRoutes.Recorded recorded = triage.recorded(c, after, conversationId);
        return recorded.none() ? triage.step().plainDesks(channelInstance)
                : recorded.desks().stream().map(DeskTarget::desk).toList();
    }

    /** Erasure: the conversation no longer answers to this thread key (call after the change committed). */
    void forgetConversation(String channelInstance, String threadKey) {
        known.moved(channelInstance, threadKey);
    }

    /** Metadata key of a delivery-failure notice: the hub id of the reply that was not delivered. */
    public static final String DELIVERY_FAILED_FOR = "omnibridge.deliveryFailedFor";

    /** An edit names the message it changes by channel id; desks need the original's hub id too. */
    private static Message withEditLink(Connection c, String instanceId, Message m) throws SQLException {
        if (m.editOf() == null) {
            return m;
        }
        var original = Sql.string(c, "SELECT id FROM messages WHERE source_instance = ? AND source_id = ?",
                instanceId, Columns.key(m.editOf()));
        if (original.isEmpty()) {
            return m;
        }
        var metadata = new java.util.HashMap<>(m.metadata());
        metadata.put(Message.EDIT_OF_MESSAGE_ID, original.get());
        return m.toBuilder().metadata(metadata).build();
    }

    private static Map<String, String> withDesk(Map<String, String> metadata, String desk, String ticket,
                                                String replyId) {
        var m = new java.util.HashMap<>(metadata);
        // Used once, to decide on the channel send; not kept: a Bcc list must not travel on to a channel's endpoint.
        m.remove(DeskReply.DELIVERED_TO);
        m.put("desk.instance", desk);
        m.put("desk.ticketRef", ticket);
        m.put("desk.replyId", replyId);
        return m;
    }

    static boolean exists(Connection c, String instance, String sourceId) throws SQLException {
        return Sql.string(c, "SELECT id FROM messages WHERE source_instance = ? AND source_id = ?",
                instance, Columns.key(sourceId)).isPresent();
    }

    /**
     * Stores a message that is not a customer's (an agent's reply, the hub's note or own message). A person's reply
     * reopens a resolved conversation as before; what the hub writes by itself (a survey, a rating note, a bot's
     * line, an alarm's note) only moves its "last message at": it must not put a resolved conversation back into the
     * agents' backlog.
     */
    private void insertMessage(Connection c, AfterCommit after, Message m, String sourceInstance, String sourceId,
                               Instant now) throws SQLException {
        insertRow(c, m, CanonicalJson.writeString(m), sourceInstance, sourceId, now);
        if (writtenByTheHub(m)) {
            activity.messageStoredWithoutReopening(c, after, m.conversationId(), now);
        } else {
            activity.messageStored(c, after, m.conversationId(), now);
        }
    }

    private static boolean writtenByTheHub(Message m) {
        dev.omnibridge.model.Role role = m.author().role();
        return m.direction() == Direction.INTERNAL || role == dev.omnibridge.model.Role.BOT
                || role == dev.omnibridge.model.Role.SYSTEM;
    }

    private static void insertRow(Connection c, Message m, String json, String sourceInstance, String sourceId,
                                  Instant now) throws SQLException {
        Sql.update(c, INSERT_MESSAGES + "(?, ?, ?, ?, ?, ?, ?)", m.id(), sourceInstance, Columns.key(sourceId),
                m.conversationId(), m.direction(), json, now);
    }

    static DeliveryTask insertDelivery(Connection c, Message m, String target, DeliveryTask.TargetKind kind,
                                       Instant now) throws SQLException {
        return Outbox.addPending(c, List.of(new Outbox.NewDelivery(m, target, kind)), now).get(0);
    }

    private Opened conversation(Connection c, AfterCommit after, ChannelRef channel, String threadKey,
                                Address customer, String displayName, Instant now) throws SQLException {
        var existing = Sql.string(c, "SELECT id FROM conversations WHERE channel_instance = ? AND thread_key = ?",
                channel.instanceId(), Columns.key(threadKey));
        Opened opened = existing.isPresent() ? new Opened(existing.get(), null, false)
                : newConversation(c, channel, threadKey, customer, displayName, now);
        after.run(() -> known.committed(channel.instanceId(), threadKey, opened.id()));
        return opened;
    }

    private Opened newConversation(Connection c, ChannelRef channel, String threadKey, Address customer,
                                          String displayName, Instant now) throws SQLException {
        boolean[] created = {false};
        String contactId = contact(c, customer, displayName, now, created);
        String id = Ids.newId();
        Sql.update(c, "INSERT INTO conversations (id, channel_type, channel_instance, thread_key, contact_id, "
                        + "customer_kind, customer_address, status, created_at, last_message_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id, channel.type(), channel.instanceId(),
                Columns.key(threadKey), contactId, customer == null ? null : customer.kind(),
                customer == null ? null : customer.value(), ConversationStatus.OPEN, now, now);
        activity.created(id);
        return new Opened(id, contactId, created[0]);
    }

    /** The contact owning the address, created on first sight; one customer is one contact across channels. */
    static String contact(Connection c, Address address, String displayName, Instant now)
            throws SQLException {
        return contact(c, address, displayName, now, new boolean[1]);
    }

    /** @param created set to true when the contact is created here */
    private static String contact(Connection c, Address address, String displayName, Instant now, boolean[] created)
            throws SQLException {
        if (address != null) {
            var existing = Sql.string(c, "SELECT contact_id FROM contact_addresses WHERE kind = ? AND address = ?",
                    address.kind(), address.value());
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        String id = Ids.newId();
        created[0] = true;
        Sql.update(c, "INSERT INTO contacts (id, display_name, created_at) VALUES (?, ?, ?)", id,
                Columns.text(displayName, Columns.DISPLAY_NAME), now);
        if (address != null) {
            Sql.update(c, "INSERT INTO contact_addresses (kind, address, contact_id, created_at) VALUES (?, ?, ?, ?)",
                    address.kind(), address.value(), id, now);
        }
        return id;
    }

    /** @param customer the customer's address on the conversation's channel, or null */
    record ConversationRow(String id, ChannelRef channel, String threadKey, Address customer) {
    }

    private static ConversationRow conversationForTicket(Connection c, String desk, String ticketRef)
            throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT v.id, v.channel_type, v.channel_instance, v.thread_key, "
                + "v.customer_kind, v.customer_address FROM desk_tickets t JOIN conversations v "
                + "ON v.id = t.conversation_id WHERE t.desk_instance = ? AND t.ticket_ref = ?", desk,
                Columns.key(ticketRef));
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            String kind = rs.getString(5);
            String address = rs.getString(6);
            return new ConversationRow(rs.getString(1), new ChannelRef(rs.getString(2), rs.getString(3)),
                    DeliveryStore.originalThreadKey(c, rs.getString(1), rs.getString(4)),
                    kind == null || address == null ? null : new Address(AddressKind.valueOf(kind), address));
        }
    }

    /**
     * The conversation the desk named in the reply ({@link DeskReply#CONVERSATION_ID}) when the ticket is not linked
     * yet; the ticket is linked to it, unless the conversation already has another ticket on this desk.
     */
    private static ConversationRow linkTicketByConversationId(Connection c, String desk, DeskReply r, Instant now)
            throws SQLException {
        String id = r.metadata().get(DeskReply.CONVERSATION_ID);
        // A ticket reference is read back to address the desk's ticket, so one too long to keep is not linked.
        if (id == null || r.ticketRef().length() > Columns.IDENTIFIER
                || Sql.string(c, "SELECT id FROM conversations WHERE id = ?", id).isEmpty()) {
            return null;
        }
        var linked = Sql.string(c, "SELECT ticket_ref FROM desk_tickets WHERE conversation_id = ? AND desk_instance = ?",
                id, desk);
        if (linked.isPresent() && !linked.get().equals(r.ticketRef())) {
            return null;
        }
        if (linked.isEmpty()) {
            Sql.update(c, "INSERT INTO desk_tickets (conversation_id, desk_instance, ticket_ref, created_at) "
                    + "VALUES (?, ?, ?, ?)", id, desk, r.ticketRef(), now);
        }
        return conversationForTicket(c, desk, r.ticketRef());
    }
}
