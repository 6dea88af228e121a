package dev.omnibridge.hub.store;

import dev.omnibridge.model.Priority;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A note the hub itself adds to a conversation for the agents (direction INTERNAL, author SYSTEM "Omnibridge"),
 * delivered to the desks the conversation's channel feeds through the outbox like any message
 * ({@link InboundWriter#storeInternalNote}).
 *
 * @param conversationId   the conversation
 * @param channelInstance  the channel instance it is recorded under; its routes name the desks that get it
 * @param sourceId         what makes it once-only: a second note with the same source id (on the same instance) is
 *                         not stored
 * @param text             what the agents read
 * @param tags             tags of the note (desks may show or route by them)
 * @param priority         the note's priority (null: NORMAL)
 * @param metadata         the hub's bookkeeping keys
 */
public record InternalNote(String conversationId, String channelInstance, String sourceId, String text,
                           Set<String> tags, Priority priority, Map<String, String> metadata) {
    public InternalNote {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(channelInstance, "channelInstance");
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(text, "text");
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
