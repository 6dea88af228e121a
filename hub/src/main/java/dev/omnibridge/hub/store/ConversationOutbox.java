package dev.omnibridge.hub.store;

import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The writes the hub's conversation automation (issue 21) makes inside the writer's transaction: messages of its own
 * to the customer, stored messages released to the desks, notes for the agents. Every one is an outbox row scheduled
 * once the transaction commits, like an agent's reply, so it keeps the relay's guarantees (stored before sent, sent
 * once, in order per conversation and target, retried, dead-lettered, replayable).
 */
public final class ConversationOutbox {
    private final InboundWriter writer;

    ConversationOutbox(InboundWriter writer) {
        this.writer = writer;
    }

    /**
     * Stores the hub's own message to the customer (direction OUTBOUND, e.g. author role BOT) in its conversation and
     * queues it for the conversation's channel only. Once-only: its {@link Message#channelMessageId()} is its source
     * id on the channel instance, so a second message with the same id is not stored (empty is returned).
     *
     * @param outbound the message with conversation, channel, thread key set; the store gives it its id
     */
    public Optional<Message> sendToCustomer(Connection c, AfterCommit after, Message outbound, Instant now)
            throws SQLException {
        if (outbound.direction() != Direction.OUTBOUND || outbound.conversationId() == null) {
            throw new IllegalArgumentException("an outbound message of a known conversation is required");
        }
        return Optional.ofNullable(writer.storeHubMessage(c, after, outbound, now));
    }

    /**
     * Queues messages already stored in a conversation to the desks, in the list's order (after anything queued
     * before in the transaction): what the automation kept, released when a person takes over. Customer messages
     * start the first-response clock as they would have when stored; the hub's own outbound messages reach the desks
     * as internal notes ({@code DeskNotes}).
     */
    public void queueToDesks(Connection c, AfterCommit after, List<Message> stored, List<String> desks, Instant now)
            throws SQLException {
        writer.queueStoredToDesks(c, after, stored, desks, now);
    }

    /** The desks the conversation's messages go to: those recorded for it, else the channel's plain routes'. */
    public List<String> desksOf(Connection c, AfterCommit after, String conversationId, String channelInstance)
            throws SQLException {
        return writer.desksOf(c, after, conversationId, channelInstance);
    }

    /** Stores the hub's note for the agents and queues it to the conversation's desks ({@link InternalNote}). */
    public List<String> note(Connection c, AfterCommit after, InternalNote note, Instant now) throws SQLException {
        return writer.storeInternalNote(c, after, note, now);
    }

    /**
     * Stores an agent's internal note (issue 22: direction INTERNAL, the agent as author) and queues it to the
     * conversation's desks, never to the customer's channel. Once-only by the note's source id.
     */
    public List<String> agentNote(Connection c, AfterCommit after, InternalNote note, String agentName, Instant now)
            throws SQLException {
        return writer.storeInternalNote(c, after, note, dev.omnibridge.model.Author.agent(agentName), now);
    }

    /** Stored messages by hub id, in the list's order (a missing one is an error: the store never loses one). */
    public List<Message> messages(Connection c, List<String> ids) throws SQLException {
        List<Message> found = new ArrayList<>(ids.size());
        for (String id : ids) {
            found.add(DeliveryStore.message(c, id));
        }
        return found;
    }

    /**
     * Stores the hub's note for the agents and queues it to {@code desks} only, in that order (issue 22: what happened
     * at one desk, told to the others). Once-only by the note's source id, like {@link #note}.
     *
     * @return the desks it was queued to; empty when the conversation is unknown or the note was stored before
     */
    public List<String> noteTo(Connection c, AfterCommit after, InternalNote note, List<String> desks, Instant now)
            throws SQLException {
        return writer.storeInternalNoteTo(c, after, note, List.copyOf(desks), now);
    }

    /**
     * Whether the desk has the conversation: its ticket, or a delivery of it still waiting (the ticket is opened by
     * it). A desk added to the route later, or whose deliveries of it all failed, has not.
     */
    public boolean onDesk(Connection c, String conversationId, String desk) throws SQLException {
        return Sql.string(c, "SELECT ticket_ref FROM desk_tickets WHERE conversation_id = ? AND desk_instance = ?",
                conversationId, desk).isPresent()
                || Sql.string(c, "SELECT message_id FROM outbox WHERE conversation_id = ? AND target_instance = ? "
                + "FETCH FIRST 1 ROWS ONLY", conversationId, desk).isPresent();
    }
}
