package dev.omnibridge.spi;

import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;

/**
 * A message for a desk.
 *
 * @param message        the canonical message
 * @param conversation   its conversation
 * @param contact        the customer, with every address the hub knows for them
 * @param ticketRef      this desk's ticket for the conversation, or null when the message opens a new ticket
 * @param idempotencyKey stable across retries and restarts; send it where the desk honours one
 */
public record DeskDelivery(Message message, Conversation conversation, Contact contact, String ticketRef,
                           String idempotencyKey) {
    public boolean opensTicket() {
        return ticketRef == null;
    }
}
