package dev.omnibridge.spi;

import dev.omnibridge.model.ConversationStatus;

/**
 * A desk ticket changed state, e.g. an agent solved it: the hub marks the conversation accordingly. Make one with
 * {@link #of}: the record may gain components, and its constructor stays only for plugins compiled against older
 * versions of this API.
 */
public record TicketUpdate(String ticketRef, ConversationStatus status) {
    /** @deprecated use {@link #of}: this constructor changes whenever a component is added */
    @Deprecated(since = "1.1.0")
    public TicketUpdate {
    }

    /** Ticket {@code ticketRef} is now in {@code status}. */
    public static TicketUpdate of(String ticketRef, ConversationStatus status) {
        return new TicketUpdate(ticketRef, status);
    }
}
