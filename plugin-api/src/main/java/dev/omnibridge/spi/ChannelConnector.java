package dev.omnibridge.spi;

/**
 * A customer channel: turns the channel's traffic into canonical messages (through webhooks or
 * {@link ConnectorContext#submit}) and sends outbound messages back out.
 */
public interface ChannelConnector extends Connector {
    /**
     * Sends an agent's reply to the customer.
     *
     * @return the channel's id for the sent message
     * @throws DeliveryException classified as retryable or permanent
     */
    String send(OutboundMessage outbound) throws DeliveryException;
}
