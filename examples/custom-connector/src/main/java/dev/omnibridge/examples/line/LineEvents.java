package dev.omnibridge.examples.line;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.Skipped;
import dev.omnibridge.webhook.WebhookRejectedException;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A LINE webhook body, {@code {"destination", "events": [...]}}, as what the hub stores.
 * <ul>
 *   <li>A {@code message} event with a {@code text} message from a user becomes a customer message. Its dedupe id is
 *   the event's {@code webhookEventId}, which LINE keeps when it redelivers the event
 *   ({@code deliveryContext.isRedelivery}), so a redelivery or a replayed request is stored once. Its thread key is
 *   {@code source.userId}: one conversation per LINE user, which is also where a push reply goes.</li>
 *   <li>Other message types (image, sticker, location...) are recorded as skipped in the user's conversation: this
 *   example carries text only.</li>
 *   <li>Other events (follow, unfollow, postback...) and events without a user id (LINE leaves it out for users who
 *   have not consented in some group chats) are left out.</li>
 * </ul>
 * An empty {@code events} array is LINE's check of the webhook URL: nothing is stored, the answer is 200.
 */
final class LineEvents {
    /** This plugin's own mapper, never the hub's. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChannelRef channel;

    LineEvents(ChannelRef channel) {
        this.channel = channel;
    }

    Inbound read(byte[] body, Instant receivedAt) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw WebhookRejectedException.badRequest("body is not valid JSON");
        }
        if (root == null || !root.path("events").isArray()) {
            throw WebhookRejectedException.badRequest("body has no events array");
        }
        List<Message> messages = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (JsonNode event : root.path("events")) {
            String eventId = event.path("webhookEventId").asText("");
            String userId = event.path("source").path("userId").asText("");
            if (!"message".equals(event.path("type").asText()) || eventId.isBlank() || userId.isBlank()) {
                continue;
            }
            JsonNode message = event.path("message");
            String messageType = message.path("type").asText("");
            if (!"text".equals(messageType)) {
                skipped.add(Skipped.ignored(eventId, "LINE " + safeType(messageType)
                        + " message: this connector carries text only", null).withThreadKey(userId));
                continue;
            }
            messages.add(Message.builder()
                    .direction(Direction.INBOUND)
                    .channel(channel)
                    .channelMessageId(eventId)
                    .threadKey(userId)
                    .author(Author.customer(null, Address.chatUser(userId)))
                    .text(message.path("text").asText(""))
                    .channelTimestamp(Instant.ofEpochMilli(event.path("timestamp").asLong(receivedAt.toEpochMilli())))
                    .receivedAt(receivedAt)
                    .metadata(Map.of("line.messageId", message.path("id").asText("")))
                    .build());
        }
        return Inbound.messages(messages).withSkipped(skipped);
    }

    /** A message type for an operator's eyes: LINE's names are short lower-case words; anything else is not shown. */
    private static String safeType(String type) {
        return type.matches("[a-z]{1,20}") ? type : "other";
    }
}
