package dev.omnibridge.hub.automation;

import dev.omnibridge.model.Message;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What the store's writer tells the hub's automation, inside the transaction that stores the messages: whatever
 * the automation writes through {@link AutomationStore} commits with them, or not at all. The writer calls it once
 * per unit (or batch of units) of work, so its cost per message stays small; an implementation that has nothing to
 * do for a channel must return at once, without touching the store.
 */
public interface ConversationAutomation {
    /**
     * Customer messages the writer has just stored (new ones only, never a duplicate), in the order stored.
     */
    void customerMessagesStored(AutomationStore store, List<Message> stored, Instant now) throws SQLException;

    /** An agent's reply (from a desk or the console) has just been stored in the conversation. */
    void agentReplyStored(AutomationStore store, Message reply, Instant now) throws SQLException;

    /** Does nothing. */
    ConversationAutomation NONE = new ConversationAutomation() {
        @Override
        public void customerMessagesStored(AutomationStore store, List<Message> stored, Instant now) {
        }

        @Override
        public void agentReplyStored(AutomationStore store, Message reply, Instant now) {
        }
    };
}
