package dev.omnibridge.hub.store;

import dev.omnibridge.hub.automation.AutomationStore;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@link AutomationStore} on the writer's connection, for one unit (or batch of units) of work. Tables (migration
 * V8): {@code conversation_automation} holds a conversation's last acknowledgement and last agent reply, one row per
 * conversation that has either; {@code contact_addresses.last_ack_at} an address's last acknowledgement, in any
 * conversation; {@code automation_events} what the automation decided not to do, and why, for the conversation's
 * timeline.
 */
final class AutomationTables implements AutomationStore {
    private final Connection c;
    private final Function<String, AfterCommit> afterFor;
    private final Function<String, List<String>> desksFor;
    private final Consumer<DeliveryTask> scheduler;
    private final RecentMessages recent;

    /**
     * @param afterFor the after-commit actions of the unit that stored a message, by the message's hub id (a batch
     *                 of units commits together, but each unit's actions run with its own)
     * @param desksFor the desks a stored message went to, by its hub id: its acknowledgement's note goes there too
     */
    AutomationTables(Connection c, Function<String, AfterCommit> afterFor,
                     Function<String, List<String>> desksFor, Consumer<DeliveryTask> scheduler,
                     RecentMessages recent) {
        this.c = c;
        this.afterFor = afterFor;
        this.desksFor = desksFor;
        this.scheduler = scheduler;
        this.recent = recent;
    }

    @Override
    public Map<String, ConversationFacts> facts(Collection<String> conversationIds) throws SQLException {
        Map<String, ConversationFacts> facts = new HashMap<>();
        PaddedRows.inParts(new ArrayList<>(conversationIds), (marks, ids) -> {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT conversation_id, last_ack_at, last_agent_reply_at "
                    + "FROM conversation_automation WHERE conversation_id IN (" + marks + ")", ids);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    facts.put(rs.getString(1), new ConversationFacts(Sql.instant(rs, "last_ack_at"),
                            Sql.instant(rs, "last_agent_reply_at")));
                }
            }
        });
        return facts;
    }

    @Override
    public AddressFacts address(Address address) throws SQLException {
        if (address == null) {
            return AddressFacts.NONE;
        }
        try (PreparedStatement ps = Sql.prepare(c, "SELECT unreachable_reason, last_ack_at FROM contact_addresses "
                + "WHERE kind = ? AND address = ?", address.kind(), address.value());
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new AddressFacts(rs.getString(1), Sql.instant(rs, "last_ack_at")) : AddressFacts.NONE;
        }
    }

    @Override
    public void sendAcknowledgement(Message withoutId, Message answered, Instant at) throws SQLException {
        // The store names its messages, as it does the customer's.
        Message ack = withoutId.id() != null ? withoutId : withoutId.toBuilder().id(Ids.newId()).build();
        AfterCommit after = afterFor.apply(answered.id());
        Sql.update(c, InboundWriter.INSERT_MESSAGES + "(?, ?, ?, ?, ?, ?, ?)", ack.id(),
                ack.channel().instanceId(), Columns.key(ack.channelMessageId()), ack.conversationId(),
                ack.direction(), CanonicalJson.writeString(ack), at);
        List<Outbox.NewDelivery> rows = new ArrayList<>();
        rows.add(new Outbox.NewDelivery(ack, ack.channel().instanceId(), DeliveryTask.TargetKind.CHANNEL));
        for (String desk : desksFor.apply(answered.id())) {
            rows.add(new Outbox.NewDelivery(ack, desk, DeliveryTask.TargetKind.DESK));
        }
        List<DeliveryTask> tasks = Outbox.addPending(c, rows, at);
        mark(ack.conversationId(), "last_ack_at", at);
        Address customer = answered.author().address();
        if (customer != null) {
            Sql.update(c, "UPDATE contact_addresses SET last_ack_at = ? WHERE kind = ? AND address = ?", at,
                    customer.kind(), customer.value());
        }
        after.run(() -> recent.committed(ack));
        for (DeliveryTask task : tasks) {
            after.run(() -> scheduler.accept(task));
        }
    }

    @Override
    public void notAcknowledged(List<NotAcknowledged> reasons) throws SQLException {
        List<Object[]> rows = new ArrayList<>(reasons.size());
        for (NotAcknowledged r : reasons) {
            rows.add(new Object[] {r.conversationId(), r.messageId(), EVENT_NOT_ACKNOWLEDGED,
                    Columns.text(r.reason(), 500), r.at()});
        }
        Sql.insertRows(c, "INSERT INTO automation_events (conversation_id, message_id, kind, detail, created_at) "
                + "VALUES ", rows);
    }

    @Override
    public void afterCommit(Message stored, Runnable action) {
        afterFor.apply(stored.id()).run(action);
    }

    @Override
    public void agentAnswered(String conversationId, Instant at) throws SQLException {
        mark(conversationId, "last_agent_reply_at", at);
    }

    /** The timeline entry kind of a customer message that got no acknowledgement. */
    static final String EVENT_NOT_ACKNOWLEDGED = "ACK_NOT_SENT";

    // UPDATE, then INSERT when there was no row: portable (H2 and PostgreSQL); the writer is the only one writing it.
    private void mark(String conversationId, String column, Instant at) throws SQLException {
        if (Sql.update(c, "UPDATE conversation_automation SET " + column + " = ? WHERE conversation_id = ?", at,
                conversationId) == 0) {
            Sql.update(c, "INSERT INTO conversation_automation (conversation_id, " + column + ") VALUES (?, ?)",
                    conversationId, at);
        }
    }
}
