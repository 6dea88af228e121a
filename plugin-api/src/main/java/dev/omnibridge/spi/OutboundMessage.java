package dev.omnibridge.spi;

import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;

/**
 * A message for a channel to send.
 *
 * @param message        the canonical message (direction OUTBOUND)
 * @param conversation   the conversation it belongs to; its thread key and customer address say where to send it
 * @param idempotencyKey stable across retries of this delivery; pass it on where the channel accepts one
 */
public record OutboundMessage(Message message, Conversation conversation, String idempotencyKey) {
    /** The message to send; an internal note never reaches a customer, so being handed one is a permanent failure. */
    public Message customerFacing() {
        if (message.direction() == Direction.INTERNAL) {
            throw DeliveryException.permanent("internal messages are never sent to customers");
        }
        return message;
    }
}
