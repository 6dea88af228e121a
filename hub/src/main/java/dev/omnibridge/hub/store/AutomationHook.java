package dev.omnibridge.hub.store;

import dev.omnibridge.hub.automation.ConversationAutomation;
import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where the writer hands stored messages to the hub's {@link ConversationAutomation}, in the transaction that stored
 * them: one call per unit or batch of customer messages, one per agent reply. Set once at start, before the first
 * unit runs; until then (and in tests that set none) it does nothing.
 */
final class AutomationHook {
    /** The desks of the channel's plain routes: where a message not routed by triage goes. */
    private final Function<String, List<String>> desksForChannel;
    private final Consumer<DeliveryTask> scheduler;
    private final RecentMessages recent;
    private volatile ConversationAutomation automation = ConversationAutomation.NONE;

    AutomationHook(Function<String, List<String>> desksForChannel, Consumer<DeliveryTask> scheduler,
                   RecentMessages recent) {
        this.desksForChannel = desksForChannel;
        this.scheduler = scheduler;
        this.recent = recent;
    }

    void set(ConversationAutomation automation) {
        this.automation = automation;
    }

    /** Whether any automation listens: without one, the writer need not even collect what it stored. */
    boolean active() {
        return automation != ConversationAutomation.NONE;
    }

    /**
     * @param afterFor the after-commit actions of the unit that stored each message, by the message's hub id
     * @param desksFor the desks each message went to, by its hub id: an acknowledgement's note goes to the same ones
     */
    void customerMessagesStored(Connection c, List<Message> stored, Function<String, AfterCommit> afterFor,
                                Function<String, List<String>> desksFor, Instant now) throws SQLException {
        ConversationAutomation a = automation;
        if (a != ConversationAutomation.NONE && !stored.isEmpty()) {
            a.customerMessagesStored(new AutomationTables(c, afterFor, desksFor, scheduler, recent), stored, now);
        }
    }

    void agentReplyStored(Connection c, AfterCommit after, Message reply, Instant now) throws SQLException {
        ConversationAutomation a = automation;
        if (a != ConversationAutomation.NONE) {
            // Nothing is acknowledged for an agent's reply; the channel's plain desks are only a safe default.
            a.agentReplyStored(new AutomationTables(c, id -> after,
                    id -> desksForChannel.apply(reply.channel().instanceId()), scheduler, recent), reply, now);
        }
    }
}
