package dev.omnibridge.connector.webhookchannel;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.model.json.MalformedJsonException;
import dev.omnibridge.webhook.WebhookRejectedException;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an inbound body: one canonical message or a JSON array of them. The sender's fields are kept; the ones the
 * hub owns ({@code id}, {@code conversationId}, {@code direction}, {@code channel}, {@code receivedAt}) are replaced.
 * Problems become 400 rejections naming the field, without echoing values.
 */
final class InboundMessageParser {
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    /** What a sender must give (contracts.md); the model itself allows a missing text. */
    private static final List<String> REQUIRED = List.of("channelMessageId", "threadKey", "author", "text");
    private static final List<String> NOT_BLANK = List.of("channelMessageId", "threadKey");
    private static final List<String> SET_BY_HUB = List.of("id", "conversationId", "direction", "channel",
            "receivedAt");

    private final ObjectNode channel;

    InboundMessageParser(ChannelRef channel) {
        // Made once: every message gets this same node, which is only read from then on.
        this.channel = JSON.valueToTree(channel);
    }

    List<Message> parse(byte[] body, Instant receivedAt) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw WebhookRejectedException.badRequest("body is not valid JSON" + at(e.getLocation()) + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw WebhookRejectedException.badRequest("body is not valid JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw WebhookRejectedException.badRequest("body is empty; expected a message or an array of messages");
        }
        if (root.isObject()) {
            return List.of(toMessage(root, "", receivedAt));
        }
        if (root.isArray()) {
            List<Message> messages = new ArrayList<>(root.size());
            for (int i = 0; i < root.size(); i++) {
                messages.add(toMessage(root.get(i), "[" + i + "]", receivedAt));
            }
            return messages;
        }
        throw WebhookRejectedException.badRequest("body must be a message object or an array of messages");
    }

    private Message toMessage(JsonNode node, String index, Instant receivedAt) {
        String prefix = index.isEmpty() ? "" : "message" + index + ": ";
        if (!node.isObject()) {
            throw WebhookRejectedException.badRequest(prefix + "must be a JSON object");
        }
        // The parser's own tree, read once: changed in place rather than copied.
        ObjectNode copy = (ObjectNode) node;
        for (String field : REQUIRED) {
            JsonNode value = copy.get(field);
            if (value == null || value.isNull()) {
                throw WebhookRejectedException.badRequest(prefix + "missing required field '" + field + "'");
            }
        }
        for (String field : NOT_BLANK) {
            JsonNode value = copy.get(field);
            if (value.isValueNode() && value.asText().isBlank()) {
                throw WebhookRejectedException.badRequest(prefix + "field '" + field + "' must not be blank");
            }
        }
        copy.remove(SET_BY_HUB);
        copy.put("direction", Direction.INBOUND.name());
        copy.set("channel", channel);
        try {
            return CanonicalJson.read(copy).toBuilder().receivedAt(receivedAt).build();
        } catch (MalformedJsonException e) {
            throw WebhookRejectedException.badRequest(prefix + e.getMessage());
        }
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
