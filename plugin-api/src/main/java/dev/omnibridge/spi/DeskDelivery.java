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

    /**
     * Whether {@code batch} is what the hub promises {@link DeskConnector#deliverAll} (2 to {@code maxBatch}
     * follow-ups of one existing ticket), so a desk may send it as one request; anything else is best delivered one
     * by one (the default {@code deliverAll}).
     */
    public static boolean isBatchForOneTicket(java.util.List<DeskDelivery> batch, int maxBatch) {
        if (batch.size() < 2 || batch.size() > maxBatch) {
            return false;
        }
        String ticket = batch.get(0).ticketRef();
        return ticket != null && batch.stream().allMatch(d -> ticket.equals(d.ticketRef()));
    }
}
