package dev.omnibridge.hub.automation;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Message;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The store as the automation sees it, for the length of one writer transaction: a few reads and writes, each
 * taking part in the transaction that stores the messages the automation was told about.
 */
public interface AutomationStore {
    /**
     * When each conversation was last acknowledged and last answered by an agent (conversations with neither are
     * missing from the map). One statement for the whole collection.
     */
    Map<String, ConversationFacts> facts(Collection<String> conversationIds) throws SQLException;

    /** What the store knows of the customer's address (none for a null or unknown address). */
    AddressFacts address(Address address) throws SQLException;

    /**
     * Stores {@code ack} (an outbound message of {@code answered}'s conversation) and queues it for the
     * conversation's channel and, as a note, for the desks the channel feeds, through the outbox that carries agent
     * replies; records the conversation as acknowledged at {@code at}. The store gives {@code ack} its id.
     */
    void sendAcknowledgement(Message ack, Message answered, Instant at) throws SQLException;

    /** Records why customer messages got no acknowledgement, for the conversations' timelines. */
    void notAcknowledged(List<NotAcknowledged> reasons) throws SQLException;

    /** Runs {@code action} once the transaction that stored {@code stored} has committed (never if it rolls back). */
    void afterCommit(Message stored, Runnable action);

    /** Records that an agent answered the conversation at {@code at}. */
    void agentAnswered(String conversationId, Instant at) throws SQLException;

    /**
     * @param lastAcknowledgedAt when the hub last acknowledged a customer message of the conversation, or null
     * @param lastAgentReplyAt   when an agent last answered in it, or null
     */
    record ConversationFacts(Instant lastAcknowledgedAt, Instant lastAgentReplyAt) {
    }

    /**
     * @param unreachable        why the address takes no messages (an opt-out, a block, failed sends), or null
     * @param lastAcknowledgedAt when the hub last acknowledged a message from this address, in any conversation
     */
    record AddressFacts(String unreachable, Instant lastAcknowledgedAt) {
        public static final AddressFacts NONE = new AddressFacts(null, null);
    }

    /** A customer message that got no acknowledgement, and why (shown in the conversation's timeline). */
    record NotAcknowledged(String conversationId, String messageId, String reason, Instant at) {
    }
}
