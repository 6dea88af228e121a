package dev.omnibridge.spi;

import dev.omnibridge.model.ConversationStatus;

/** A desk ticket changed state, e.g. an agent solved it: the hub marks the conversation accordingly. */
public record TicketUpdate(String ticketRef, ConversationStatus status) {
}
