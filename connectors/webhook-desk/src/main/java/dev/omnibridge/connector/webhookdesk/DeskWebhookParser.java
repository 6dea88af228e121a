package dev.omnibridge.connector.webhookdesk;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Role;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.TicketUpdate;
import dev.omnibridge.webhook.WebhookRejectedException;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The inbound half of the desk wire format: one item or {@code {"replies":[...]}}, where an item is a reply
 * {@code {"ticketRef","replyId","author","text","html","internal","createdAt","conversationId"}} (createdAt optional,
 * ISO-8601; conversationId optional, the hub conversation id from the desk event, lets a reply reach a ticket the hub
 * has not linked yet) or a
 * status change {@code {"ticketRef","status"}}. A reply may carry a status too (answered and solved at once).
 * Unknown fields are refused, so that a misspelt {@code internal} never lets a note reach a customer. Problems become
 * 400 rejections naming the field, without echoing values.
 */
final class DeskWebhookParser {
    /** What a desk webhook carries; internal notes are counted and dropped. */
    record Parsed(List<DeskReply> replies, List<TicketUpdate> ticketUpdates, int internalNotes) {
    }

    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    private static final Set<String> ITEM_FIELDS = Set.of("ticketRef", "replyId", "author", "text", "html",
            "internal", "createdAt", "status", "conversationId", "choices");
    /** Any of these makes an item a reply (a bare {ticketRef, status} is a status change). */
    private static final List<String> REPLY_ONLY_FIELDS = List.of("replyId", "author", "text", "html", "internal",
            "createdAt", "conversationId", "choices");
    /** Reply options on one reply: more than any channel shows as buttons would only ever be numbered text. */
    static final int MAX_CHOICES = 13;
    private static final int MAX_CHOICE_TITLE = 100;
    private static final Set<String> AUTHOR_FIELDS = Set.of("role", "displayName", "address");
    private static final Set<String> ADDRESS_FIELDS = Set.of("kind", "value");

    Parsed parse(byte[] body, Instant receivedAt) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw bad("body is not valid JSON" + at(e.getLocation()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw bad("body is not valid JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw bad("body is empty; expected a reply, a status change or {\"replies\":[...]}");
        }
        if (!root.isObject()) {
            throw bad("body must be a JSON object: a reply, a status change or {\"replies\":[...]}");
        }
        Parsed parsed = new Parsed(new ArrayList<>(), new ArrayList<>(), 0);
        if (root.has("replies")) {
            onlyKnownFields(root, "", Set.of("replies"));
            JsonNode items = root.get("replies");
            if (!items.isArray()) {
                throw bad("field 'replies' must be an array");
            }
            for (int i = 0; i < items.size(); i++) {
                parsed = item(items.get(i), "replies[" + i + "]", receivedAt, parsed);
            }
            return parsed;
        }
        return item(root, "", receivedAt, parsed);
    }

    private Parsed item(JsonNode node, String path, Instant receivedAt, Parsed acc) {
        if (!node.isObject()) {
            throw bad("field '" + path + "' must be an object");
        }
        onlyKnownFields(node, path, ITEM_FIELDS);
        String ticketRef = requiredId(node, path, "ticketRef");
        ConversationStatus status = optionalEnum(node, path, "status", ConversationStatus.class);
        boolean reply = status == null || REPLY_ONLY_FIELDS.stream().anyMatch(f -> present(node, f));
        int internalNotes = acc.internalNotes();
        if (status != null) {
            acc.ticketUpdates().add(TicketUpdate.of(ticketRef, status));
        }
        if (reply) {
            String replyId = requiredId(node, path, "replyId");
            Author author = author(node.get("author"), join(path, "author"));
            String text = optionalText(node, path, "text");
            String html = optionalText(node, path, "html");
            boolean internal = optionalBoolean(node, path, "internal");
            Instant createdAt = optionalInstant(node, path, "createdAt");
            String conversationId = optionalText(node, path, "conversationId");
            if ((text == null || text.isBlank()) && (html == null || html.isBlank())) {
                throw bad("field '" + join(path, "text") + "': a reply needs text or html");
            }
            if (internal) {
                internalNotes++;
            } else {
                java.util.Map<String, String> metadata = new java.util.HashMap<>();
                if (conversationId != null && !conversationId.isBlank()) {
                    metadata.put(DeskReply.CONVERSATION_ID, conversationId);
                }
                List<Choice> choices = choices(node.get("choices"), join(path, "choices"));
                if (!choices.isEmpty()) {
                    metadata.put(Choices.OFFERED, Choices.encode(choices));
                }
                acc.replies().add(DeskReply.builder(ticketRef, replyId, author).text(text).html(html)
                        .createdAt(createdAt == null ? receivedAt : createdAt).metadata(metadata).build());
            }
        }
        return new Parsed(acc.replies(), acc.ticketUpdates(), internalNotes);
    }

    private static Author author(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            throw bad("missing required field '" + path + "'");
        }
        if (!node.isObject()) {
            throw bad("field '" + path + "' must be an object");
        }
        onlyKnownFields(node, path, AUTHOR_FIELDS);
        Role role = optionalEnum(node, path, "role", Role.class);
        if (role == null) {
            throw bad("missing required field '" + join(path, "role") + "'");
        }
        String displayName = optionalText(node, path, "displayName");
        Address address = null;
        JsonNode addressNode = node.get("address");
        if (addressNode != null && !addressNode.isNull()) {
            String addressPath = join(path, "address");
            if (!addressNode.isObject()) {
                throw bad("field '" + addressPath + "' must be an object");
            }
            onlyKnownFields(addressNode, addressPath, ADDRESS_FIELDS);
            AddressKind kind = optionalEnum(addressNode, addressPath, "kind", AddressKind.class);
            String value = optionalText(addressNode, addressPath, "value");
            if (kind == null || value == null) {
                throw bad("missing required field '" + join(addressPath, kind == null ? "kind" : "value") + "'");
            }
            try {
                address = new Address(kind, value);
            } catch (IllegalArgumentException e) {
                throw bad("field '" + addressPath + "': " + e.getMessage());
            }
        }
        return new Author(role, displayName, address);
    }

    private static void onlyKnownFields(JsonNode node, String path, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw bad("unknown field '" + join(path, name) + "'");
            }
        }
    }

    private static boolean present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    /** A desk's reference: a non-blank string, or a number (desks with numeric ids). */
    private static String requiredId(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw bad("missing required field '" + join(path, field) + "'");
        }
        if (!(value.isTextual() || value.isIntegralNumber()) || value.asText().isBlank()) {
            throw bad("field '" + join(path, field) + "' must be a non-blank string");
        }
        return value.asText().strip();
    }

    /**
     * Optional reply options ({@code [{"id":"yes","title":"Yes"}]}): channels with buttons show them, others get
     * them numbered in the text; the customer's pick comes back with metadata {@code omnibridge.choice}.
     */
    private static List<Choice> choices(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_CHOICES) {
            throw bad("field '" + path + "' must be an array of at most " + MAX_CHOICES + " options");
        }
        List<Choice> out = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode c = node.get(i);
            String at = path + "[" + i + "]";
            if (!c.isObject()) {
                throw bad("field '" + at + "' must be an object with id and title");
            }
            onlyKnownFields(c, at, Set.of("id", "title"));
            String id = c.path("id").asText(null);
            String title = c.path("title").isTextual() ? c.get("title").asText().strip() : "";
            if (!c.path("id").isTextual() || !Choices.plausibleId(id) || !ids.add(id)) {
                throw bad("field '" + join(at, "id") + "' must be unique, 1 to 64 letters, digits, '_', '.', ':' "
                        + "or '-'");
            }
            if (title.isEmpty() || title.length() > MAX_CHOICE_TITLE) {
                throw bad("field '" + join(at, "title") + "' must be 1 to " + MAX_CHOICE_TITLE + " characters");
            }
            out.add(new Choice(id, title));
        }
        return out;
    }

    private static String optionalText(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw bad("field '" + join(path, field) + "' must be a string");
        }
        return value.asText();
    }

    private static boolean optionalBoolean(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw bad("field '" + join(path, field) + "' must be true or false");
        }
        return value.booleanValue();
    }

    private static Instant optionalInstant(JsonNode node, String path, String field) {
        String text = optionalText(node, path, field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw bad("field '" + join(path, field) + "' must be an ISO-8601 instant such as 2025-01-31T09:30:00Z");
        }
    }

    private static <E extends Enum<E>> E optionalEnum(JsonNode node, String path, String field, Class<E> type) {
        String text = optionalText(node, path, field);
        if (text == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad("field '" + join(path, field) + "' must be one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static WebhookRejectedException bad(String message) {
        return WebhookRejectedException.badRequest(message);
    }
}
