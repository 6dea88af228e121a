package dev.omnibridge.hub.store;

import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What the hub learns about who the customer is when a conversation is opened (issue 20): the channels an address
 * writes on, evidence that two contacts are one customer, the note of the customer's other conversations for the
 * desk. Called by the {@link InboundWriter} in the transaction that stores the conversation's first message, after
 * the message and its desk deliveries, so once per conversation and never for the messages that follow.
 */
@FunctionalInterface
public interface IdentityStep {
    /** Does nothing: a writer without identity (tests, tools). */
    IdentityStep NONE = (c, after, first, contactId, newContact, desks, now) -> { };

    /**
     * @param first      the conversation's first message as stored (hub id and conversation id set)
     * @param contactId  the conversation's contact
     * @param newContact whether the contact was created for this conversation
     * @param desks      the desk instances the message was queued to
     */
    void conversationOpened(Connection c, AfterCommit after, Message first, String contactId, boolean newContact,
                            List<String> desks, Instant now) throws SQLException;
}
