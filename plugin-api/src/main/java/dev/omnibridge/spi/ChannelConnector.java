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

    /**
     * The thread key under which this channel would open a new conversation with {@code address}, the hub starting
     * it (a reply that could not reach the customer on their own channel, {@code identity.replyFallback}); null when
     * the channel cannot write first to such an address (a chat, a bot that needs the customer to start).
     * The hub then sends through {@link #send} a conversation on this channel with that thread key and the address as
     * its customer.
     *
     * @param address      the customer's address, normalised (an E.164 number, a lower-case email)
     * @param suggestedKey a short key stable for the hub's conversation, for channels whose threads are the hub's to
     *                     name (an email subject token)
     */
    default String threadToStart(dev.omnibridge.model.Address address, String suggestedKey) {
        return null;
    }

    /**
     * How many reply options ({@link dev.omnibridge.model.Choices}) the channel can show as buttons or quick replies
     * on one message; 0 (the default) when it has none. A message offering more options than this reaches the
     * channel with the options numbered in its text instead (the hub does that), never with some left out.
     *
     * @deprecated declare {@link #capabilities()} instead ({@link ChannelCapabilities.Builder#buttons}); the hub
     * reads only {@code capabilities()}, whose default is derived from this method so that older connectors keep
     * their buttons.
     */
    @Deprecated
    default int maxChoices() {
        return 0;
    }

    /**
     * What the channel can carry: text length and how it is counted, buttons, files, rich text, and the extras the
     * console shows. The hub fits every outbound message to it before {@link #send} (splits a long text into
     * several sends in order, numbers options beyond the buttons, turns files the channel does not take into links,
     * flattens HTML), so {@code send} gets only what the channel can send. Read once the instance has started; it
     * may depend on the instance's settings.
     *
     * <p>The default, for connectors written before this method: {@link ChannelCapabilities#undeclared()} (the message
     * as it is, files and HTML included, as before) with as many buttons as {@link #maxChoices()} says.
     */
    @SuppressWarnings("deprecation")
    default ChannelCapabilities capabilities() {
        int buttons = Math.max(0, maxChoices());
        return buttons == 0 ? ChannelCapabilities.undeclared()
                : ChannelCapabilities.undeclared().toBuilder().buttons(buttons, 0).build();
    }
}
