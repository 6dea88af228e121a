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
 * @param assignment     where in the desk the ticket goes, as the route that chose this desk says (e.g. Zendesk
 *                       {@code group}); keys are those of {@link ConnectorType#assignment()}; empty = the desk's
 *                       default. Applies when the message opens a ticket.
 */
public record DeskDelivery(Message message, Conversation conversation, Contact contact, String ticketRef,
                           String idempotencyKey, java.util.Map<String, String> assignment) {
    public DeskDelivery {
        assignment = assignment == null ? java.util.Map.of() : java.util.Map.copyOf(assignment);
    }

    /** A delivery without assignment: the desk's default group or queue. */
    public DeskDelivery(Message message, Conversation conversation, Contact contact, String ticketRef,
                        String idempotencyKey) {
        this(message, conversation, contact, ticketRef, idempotencyKey, java.util.Map.of());
    }

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
