package dev.omnibridge.spi;

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
}
