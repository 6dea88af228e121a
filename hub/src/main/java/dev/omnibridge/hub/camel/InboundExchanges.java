package dev.omnibridge.hub.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.model.json.MalformedJsonException;
import dev.omnibridge.spi.DeskReply;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Turns what a route hands the hub into a canonical message or a desk reply: a body in canonical JSON
 * ({@code "schema":"omnibridge.message/v1"}), or plain text with the {@link RouteHeaders} naming thread, message id,
 * author and address. A problem is an {@link IllegalArgumentException} naming the header or field, never echoing a
 * value.
 */
final class InboundExchanges {
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    private static final List<String> SET_BY_HUB = List.of("id", "conversationId", "direction", "channel",
            "receivedAt");

    private InboundExchanges() {
    }

    static Message message(Exchange exchange, ChannelRef channel, AddressKind bareAddressKind, Instant now) {
        String body = exchange.getMessage().getBody(String.class);
        ObjectNode canonical = canonical(body);
        if (canonical != null) {
            return fromJson(canonical, channel, now);
        }
        String threadKey = required(exchange, RouteHeaders.THREAD_KEY);
        String messageId = required(exchange, RouteHeaders.MESSAGE_ID);
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("the body is empty: a message needs its text (or canonical JSON)");
        }
        Address address = address(header(exchange, RouteHeaders.ADDRESS), bareAddressKind);
        return Message.builder().direction(Direction.INBOUND).channel(channel).channelMessageId(messageId)
                .threadKey(threadKey).author(new Author(Role.CUSTOMER, header(exchange, RouteHeaders.AUTHOR_NAME),
                        address))
                .text(body).channelTimestamp(instant(exchange, RouteHeaders.SENT_AT))
                .language(header(exchange, RouteHeaders.LANGUAGE)).receivedAt(now).build();
    }

    static DeskReply reply(Exchange exchange, Instant now) {
        String ticketRef = required(exchange, RouteHeaders.TICKET_REF);
        String replyId = required(exchange, RouteHeaders.REPLY_ID);
        String text = exchange.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the body is empty: a reply needs its text");
        }
        Instant sentAt = instant(exchange, RouteHeaders.SENT_AT);
        return DeskReply.builder(ticketRef, replyId, Author.agent(header(exchange, RouteHeaders.AUTHOR_NAME)))
                .text(text).createdAt(sentAt == null ? now : sentAt).build();
    }

    /** The body as canonical JSON, or null when it is not a JSON object naming the message schema. */
    private static ObjectNode canonical(String body) {
        if (body == null) {
            return null;
        }
        String text = body.strip();
        if (!text.startsWith("{") || !text.contains(CanonicalJson.MESSAGE_V1)) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the body looks like canonical JSON but does not parse"
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
                    ? " (line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + ")"
                    : ""));
        }
        return node instanceof ObjectNode o && CanonicalJson.MESSAGE_V1.equals(o.path(CanonicalJson.SCHEMA_FIELD)
                .asText()) ? o : null;
    }

    private static Message fromJson(ObjectNode node, ChannelRef channel, Instant now) {
        for (String field : List.of("channelMessageId", "threadKey")) {
            if (node.path(field).asText("").isBlank()) {
                throw new IllegalArgumentException("canonical JSON: field '" + field + "' is missing or blank");
            }
        }
        if (!node.hasNonNull("author")) {
            throw new IllegalArgumentException("canonical JSON: field 'author' is missing");
        }
        node.remove(SET_BY_HUB);
        node.put("direction", Direction.INBOUND.name());
        node.set("channel", JSON.valueToTree(channel));
        try {
            return CanonicalJson.read(node).toBuilder().receivedAt(now).build();
        } catch (MalformedJsonException e) {
            throw new IllegalArgumentException("canonical JSON: " + e.getMessage());
        }
    }

    /**
     * {@code email:..}, {@code phone:..}, {@code chat-user:..} (also {@code chat_user:}), or a bare value in the
     * channel's own kind. Null when not given.
     */
    static Address address(String value, AddressKind bareKind) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        int colon = v.indexOf(':');
        AddressKind kind = bareKind;
        if (colon > 0) {
            String prefix = v.substring(0, colon).toLowerCase(Locale.ROOT).replace('-', '_');
            for (AddressKind k : AddressKind.values()) {
                if (k.name().toLowerCase(Locale.ROOT).equals(prefix)) {
                    kind = k;
                    v = v.substring(colon + 1);
                    break;
                }
            }
        }
        try {
            return new Address(kind, v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header " + RouteHeaders.ADDRESS + ": " + e.getMessage());
        }
    }

    private static String required(Exchange exchange, String name) {
        String value = header(exchange, name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("header " + name + " is missing: the hub needs it to store the "
                    + "message (docs/camel.md)");
        }
        return value;
    }

    private static String header(Exchange exchange, String name) {
        Object value = exchange.getMessage().getHeader(name);
        return value == null ? null : String.valueOf(value);
    }

    private static Instant instant(Exchange exchange, String name) {
        Object value = exchange.getMessage().getHeader(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.util.Date d) {
            return d.toInstant();
        }
        if (value instanceof Number n) {
            return Instant.ofEpochMilli(n.longValue());
        }
        try {
            return Instant.parse(String.valueOf(value).strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("header " + name + " must be an ISO instant such as "
                    + "2026-12-04T21:00:00Z");
        }
    }
}
