package dev.omnibridge.spi;

import dev.omnibridge.model.Conversation;

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
     * @throws HandOff when the customer has left this channel but asked to be answered on another one
     */
    String send(OutboundMessage outbound) throws DeliveryException;

    /**
     * An agent is writing a reply in this conversation (e.g. typing in the operator console). Channels that can show
     * it (a chat widget, Telegram's chat action) do; it is a hint, never stored, so failures are ignored.
     */
    default void agentTyping(Conversation conversation) {
    }

    /**
     * How long after the customer's last message the channel still takes a free-form message from the business
     * (WhatsApp's 24-hour customer service window), or null when the channel has no such limit. The hub sends no
     * automatic acknowledgement for a customer message written longer ago than this: the channel would refuse it,
     * or send a paid template instead.
     */
    default java.time.Duration replyWindow() {
        return null;
    }
}
