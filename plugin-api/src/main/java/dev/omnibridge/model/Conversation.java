package dev.omnibridge.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A thread with one customer on one channel instance.
 *
 * @param id           hub id
 * @param channel      the channel instance the conversation lives on; replies leave through it
 * @param threadKey    the channel's own thread key (chat id, phone pair, email thread root...)
 * @param contactId    the customer
 * @param customer     where the customer is reached on this channel
 * @param status       open or resolved
 * @param deskTickets  per desk instance id, the desk's ticket reference
 * @param createdAt    when the first message arrived
 */
public record Conversation(String id, ChannelRef channel, String threadKey, String contactId, Address customer,
                           ConversationStatus status, Map<String, String> deskTickets, Instant createdAt) {
    public Conversation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(threadKey, "threadKey");
        Objects.requireNonNull(status, "status");
        deskTickets = deskTickets == null ? Map.of() : Map.copyOf(deskTickets);
    }
}
