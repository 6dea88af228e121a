package dev.omnibridge.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * A help desk or CRM: turns canonical messages into tickets and ticket additions, and agents' replies into
 * {@link DeskReply DeskReplies} (through webhooks or {@link ConnectorContext#submit}).
 */
public interface DeskConnector extends Connector {
    /**
     * Creates a ticket for the conversation when {@link DeskDelivery#ticketRef()} is null, otherwise adds the
     * message to that ticket. Must be safe to repeat with the same {@link DeskDelivery#idempotencyKey()}: after a
     * crash the hub may deliver a message again.
     *
     * @throws DeliveryException classified as retryable or permanent
     */
    DeskResult deliver(DeskDelivery delivery) throws DeliveryException;

    /**
     * The most messages the desk takes in one {@link #deliverAll} call; 1 (the default) means one {@link #deliver}
     * call per message. A desk that can apply several messages of one ticket in one request, in order (a batch
     * endpoint, or one comment carrying several messages), says how many here, so a busy conversation does not
     * wait for a round trip per message.
     */
    default int maxBatch() {
        return 1;
    }

    /**
     * Adds several messages of one conversation to its existing ticket, in the list's order. The hub calls it only
     * with deliveries that share one non-null {@link DeskDelivery#ticketRef()} (a message that opens a ticket always
     * goes alone, through {@link #deliver}), at most {@link #maxBatch()} of them, oldest first. Returns one result
     * per delivery, in the same order. Like {@code deliver}, it must be safe to repeat: every delivery keeps its own
     * {@link DeskDelivery#idempotencyKey()}, and after a crash any of them may come again, alone or in another
     * batch.
     *
     * <p>When only the first {@code k} messages were applied, throw the failure
     * {@link DeliveryException#afterDelivering with their results}: the hub records those {@code k} as delivered
     * and handles the failure as that of message {@code k} alone (retried with its attempt counted, or
     * dead-lettered); the messages after it stay queued, no attempt counted. A failure thrown without results means
     * none was applied. The default delivers one by one and does exactly that. The hub's probe of a target whose
     * deliveries are paused always goes alone, through {@link #deliver}.
     *
     * @throws DeliveryException classified as retryable or permanent, with the results of the applied prefix
     */
    default List<DeskResult> deliverAll(List<DeskDelivery> batch) throws DeliveryException {
        List<DeskResult> results = new ArrayList<>(batch.size());
        for (DeskDelivery delivery : batch) {
            try {
                results.add(deliver(delivery));
            } catch (DeliveryException e) {
                throw e.afterDelivering(results);
            }
        }
        return results;
    }

    /**
     * Erases the customer's requester in the desk, where its API allows it (GDPR deletion), when the hub erases the
     * contact. Called once per erasure and again when an interrupted erasure resumes, so repeating must be harmless
     * (a requester already gone is {@link RequesterErasure.Result#NOT_FOUND}). The default: the desk offers none.
     *
     * @throws DeliveryException retryable (the hub asks again later) or permanent (reported as failed)
     */
    default RequesterErasure.Outcome eraseRequester(RequesterErasure request) throws DeliveryException {
        return RequesterErasure.Outcome.unsupported("this desk connector does not erase requesters");
    }

    /**
     * The address of the ticket in the desk's own agent interface, for a link in the hub's console; empty (the
     * default) when the desk has none or the connector does not know it. Must not call the desk: the console asks for
     * every conversation it shows.
     *
     * @param ticketRef the ticket reference this connector returned in its {@link DeskResult}
     */
    default java.util.Optional<java.net.URI> ticketUrl(String ticketRef) {
        return java.util.Optional.empty();
    }
}
