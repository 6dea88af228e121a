package dev.omnibridge.spi;

import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;

/**
 * A message for a channel to send.
 *
 * @param message        the canonical message (direction OUTBOUND)
 * @param conversation   the conversation it belongs to; its thread key and customer address say where to send it
 * @param idempotencyKey stable across retries of this delivery; pass it on where the channel accepts one
 */
public record OutboundMessage(Message message, Conversation conversation, String idempotencyKey) {
}
