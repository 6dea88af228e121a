package dev.omnibridge.hub.store;

import dev.omnibridge.hub.sla.FirstResponseHook;
import dev.omnibridge.hub.triage.DeskTarget;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Stores plain customer messages (of conversations the writer knows, none an edit: the webhook shape) of several
 * units of work at once, for the {@link Journal} to run neighbouring such units together ({@link BatchedWork}).
 * Part of {@link InboundWriter}; what one unit stores and reports is exactly what it stored and reported alone.
 */
final class PlainMessageBatch {
    private final MessageTriage triage;
    private final Consumer<DeliveryTask> scheduler;
    private final RecentMessages recent;
    private final ConversationActivity activity;
    private final ReachableAddresses reachable;
    private final FirstResponseHook firstResponse;
    private final AutomationHook automation;
    /** One object: the journal batches units whose batches are equal. */
    private final BatchedWork.Batch<IngestReport> batch = this::store;

    PlainMessageBatch(MessageTriage triage, Consumer<DeliveryTask> scheduler,
                      RecentMessages recent, ConversationActivity activity, ReachableAddresses reachable,
                      FirstResponseHook firstResponse, AutomationHook automation) {
        this.firstResponse = firstResponse;
        this.automation = automation;
        this.triage = triage;
        this.scheduler = scheduler;
        this.recent = recent;
        this.activity = activity;
        this.reachable = reachable;
    }

    /** The unit of work for these messages of one channel instance. */
    BatchedWork<IngestReport> unit(String instanceId, List<InboundWriter.Prepared> messages, Instant now) {
        return new PlainMessages(instanceId, messages, now);
    }

    /** A unit of plain customer messages. */
    private final class PlainMessages implements BatchedWork<IngestReport> {
        final String instanceId;
        final List<InboundWriter.Prepared> messages;
        final Instant now;

        PlainMessages(String instanceId, List<InboundWriter.Prepared> messages, Instant now) {
            this.instanceId = instanceId;
            this.messages = messages;
            this.now = now;
        }

        @Override
        public Batch<IngestReport> batch() {
            return batch;
        }

        @Override
        public IngestReport apply(Connection c, AfterCommit after) throws SQLException {
            return store(c, List.of(this), List.of(after)).get(0);
        }
    }

    /** A message of a batch that is new, with the unit it belongs to. */
    private record NewMessage(int unit, InboundWriter.Prepared prepared, String instanceId) {
    }

    /** A new message as it is stored: its stored form, JSON and desks. */
    private record Decided(NewMessage fresh, Message message, String json, List<DeskTarget> desks) {
    }

    /**
     * The stored form of each new message, in order: made on the caller's thread, or here when its triage needs
     * the store (the unanswered count, read once for the batch's conversations; a conversation's recorded desks).
     */
    private List<Decided> decide(Connection c, List<NewMessage> fresh, List<AfterCommit> afters,
                                 List<PlainMessages> units) throws SQLException {
        Map<String, Integer> before = Map.of();
        Map<String, Integer> counts = new java.util.HashMap<>();
        List<String> counted = new ArrayList<>();
        for (NewMessage n : fresh) {
            if (n.prepared().json() == null && n.prepared().decision() == null) {
                counted.add(n.prepared().toStore().conversationId());
            }
        }
        if (!counted.isEmpty()) {
            before = UnansweredCounts.read(c, new java.util.HashSet<>(counted));
        }
        List<Decided> decided = new ArrayList<>(fresh.size());
        for (NewMessage n : fresh) {
            InboundWriter.Prepared p = n.prepared();
            if (p.json() != null) {
                decided.add(new Decided(n, p.toStore(), p.json(), p.desks()));
                continue;
            }
            int unanswered = 0;
            if (p.decision() == null) {
                String id = p.toStore().conversationId();
                unanswered = counts.getOrDefault(id, before.getOrDefault(id, 0)) + 1;
                counts.put(id, unanswered);
            }
            MessageTriage.Decided d = triage.inTransaction(c, afters.get(n.unit()), p.toStore(), p.decision(),
                    unanswered, units.get(n.unit()).now);
            decided.add(new Decided(n, d.message(), CanonicalJson.writeString(d.message()), d.desks()));
        }
        if (!counts.isEmpty()) {
            UnansweredCounts.write(c, counts, before);
        }
        return decided;
    }

    /**
     * Stores the units' messages with a few statements for all of them: one dedupe query by (source instance, source
     * id) pairs, the echo check per channel instance, one multi-row insert of the messages, one of their outbox rows.
     * Duplicates among them are resolved in order, as if the units ran one after another: the first is stored, later
     * ones count as duplicates. The conversations' status and the authors' marks are handled once per batch.
     */
    private List<IngestReport> store(Connection c, List<BatchedWork<IngestReport>> batch, List<AfterCommit> afters)
            throws SQLException {
        List<PlainMessages> units = batch.stream().map(u -> (PlainMessages) u).toList();
        List<Object[]> sources = new ArrayList<>();
        for (PlainMessages u : units) {
            for (InboundWriter.Prepared m : u.messages) {
                sources.add(new Object[] {u.instanceId, Columns.key(m.message().channelMessageId())});
            }
        }
        java.util.Set<String> storedKeys = new java.util.HashSet<>();
        for (String[] row : Sql.existing(c, "messages", DEDUPE_KEYS, sources)) {
            storedKeys.add(row[0] + '\u0000' + row[1]);
        }
        // A channel that shows the hub its own sent messages (a mailbox, a group chat) must not loop them back.
        Map<String, List<String>> unseenByInstance = new java.util.LinkedHashMap<>();
        for (PlainMessages u : units) {
            for (InboundWriter.Prepared m : u.messages) {
                String id = m.message().channelMessageId();
                if (!storedKeys.contains(u.instanceId + '\u0000' + Columns.key(id))) {
                    unseenByInstance.computeIfAbsent(u.instanceId, k -> new ArrayList<>()).add(id);
                }
            }
        }
        Map<String, java.util.Set<String>> sentByHub = new java.util.HashMap<>();
        for (Map.Entry<String, List<String>> e : unseenByInstance.entrySet()) {
            sentByHub.put(e.getKey(), Outbox.sentByHub(c, e.getKey(), e.getValue(), DeliveryTask.TargetKind.CHANNEL));
        }

        int[] duplicates = new int[units.size()];
        int[] skipped = new int[units.size()];
        List<NewMessage> fresh = new ArrayList<>();
        java.util.Set<String> claimed = new java.util.HashSet<>();
        for (int k = 0; k < units.size(); k++) {
            String instance = units.get(k).instanceId;
            for (InboundWriter.Prepared m : units.get(k).messages) {
                String key = Columns.key(m.message().channelMessageId());
                if (storedKeys.contains(instance + '\u0000' + key)) {
                    duplicates[k]++;
                } else if (sentByHub.getOrDefault(instance, java.util.Set.of())
                        .contains(m.message().channelMessageId())) {
                    skipped[k]++;
                } else if (!claimed.add(instance + '\u0000' + key)) {
                    duplicates[k]++;    // an earlier message of this batch is the same channel message
                } else {
                    fresh.add(new NewMessage(k, m, instance));
                }
            }
        }
        if (!fresh.isEmpty()) {
            Instant receivedAt = units.get(0).now;
            List<Decided> decided = decide(c, fresh, afters, units);
            List<Object[]> rows = new ArrayList<>(fresh.size());
            for (Decided d : decided) {
                NewMessage n = d.fresh();
                Message m = d.message();
                rows.add(new Object[] {m.id(), n.instanceId(), Columns.key(n.prepared().message().channelMessageId()),
                        m.conversationId(), m.direction(), d.json(), units.get(n.unit()).now});
            }
            Sql.insertRows(c, InboundWriter.INSERT_MESSAGES, rows);
            java.util.Set<String> conversations = new java.util.HashSet<>();
            java.util.Set<Address> authors = new java.util.HashSet<>();
            List<Outbox.NewDelivery> deliveries = new ArrayList<>();
            for (Decided d : decided) {
                NewMessage n = d.fresh();
                Message m = d.message();
                AfterCommit after = afters.get(n.unit());
                Instant now = units.get(n.unit()).now;
                if (conversations.add(m.conversationId())) {
                    activity.messageStored(c, after, m.conversationId(), now);
                } else {
                    activity.anotherMessageStored(c, after, m.conversationId(), now);
                }
                firstResponse.customerMessageStored(c, m, now, after::run);
                Address author = n.prepared().message().author().address();
                if (author != null && authors.add(author)) {
                    reachable.wroteAgain(c, after, author, now);
                }
                for (DeskTarget desk : d.desks()) {
                    deliveries.add(new Outbox.NewDelivery(m, desk.desk(), DeliveryTask.TargetKind.DESK));
                }
            }
            List<DeliveryTask> tasks = deliveries.isEmpty() ? List.of()
                    : Outbox.addPending(c, deliveries, receivedAt);
            int t = 0;
            for (Decided d : decided) {
                NewMessage n = d.fresh();
                Message m = d.message();
                AfterCommit after = afters.get(n.unit());
                after.run(() -> recent.committed(m));
                while (t < tasks.size() && tasks.get(t).messageId().equals(m.id())) {
                    DeliveryTask task = tasks.get(t++);
                    after.run(() -> scheduler.accept(task));
                }
            }
            if (automation.active()) {
                Map<String, AfterCommit> afterOf = new java.util.HashMap<>();
                Map<String, List<String>> desksOf = new java.util.HashMap<>();
                List<Message> stored = new ArrayList<>(fresh.size());
                for (Decided d : decided) {
                    stored.add(d.message());
                    afterOf.put(d.message().id(), afters.get(d.fresh().unit()));
                    desksOf.put(d.message().id(), d.desks().stream().map(DeskTarget::desk).toList());
                }
                automation.customerMessagesStored(c, stored, afterOf::get,
                        id -> desksOf.getOrDefault(id, List.of()), receivedAt);
            }
        }
        List<IngestReport> reports = new ArrayList<>(units.size());
        for (int k = 0; k < units.size(); k++) {
            int unit = k;
            List<String> stored = fresh.stream().filter(n -> n.unit() == unit)
                    .map(n -> n.prepared().toStore().id()).toList();
            reports.add(new IngestReport(stored, duplicates[k], skipped[k], List.of(), List.of()));
        }
        return reports;
    }

    /** The key of the group's dedupe query ({@link Sql#existing}), as in the unique uq_message_source. */
    static final List<String> DEDUPE_KEYS = List.of("source_instance", "source_id");
}
