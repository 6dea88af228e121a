package dev.omnibridge.connector.webhookdesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The outbound half of the desk wire format: the {@code omnibridge.desk-event/v1} envelope the desk receives, and
 * the desk's answer {@code {"ticketRef":"...","itemId":"..."}}.
 */
final class DeskEvents {
    static final String SCHEMA = "omnibridge.desk-event/v1";
    static final String MESSAGE_CREATED = "message.created";
    /** A customer changed an earlier message; the message's metadata names the original. */
    static final String MESSAGE_EDITED = "message.edited";

    private static final ObjectMapper JSON = CanonicalJson.mapper();

    private DeskEvents() {
    }

    static byte[] messageCreated(DeskDelivery delivery) {
        if (delivery.message() == null || delivery.conversation() == null) {
            throw DeliveryException.permanent("delivery has no message or no conversation");
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("event", delivery.message().editOf() != null ? MESSAGE_EDITED : MESSAGE_CREATED);
        root.put("idempotencyKey", delivery.idempotencyKey());
        root.put("ticketRef", delivery.ticketRef());
        root.set("conversation", conversation(delivery.conversation()));
        root.set("contact", contact(delivery.contact()));
        try {
            root.set("message", JSON.readTree(CanonicalJson.write(delivery.message())));
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise desk event", e);
        }
    }

    private static ObjectNode conversation(Conversation conversation) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", conversation.id());
        node.putObject("channel")
                .put("type", conversation.channel().type())
                .put("instanceId", conversation.channel().instanceId());
        node.put("threadKey", conversation.threadKey());
        return node;
    }

    private static JsonNode contact(Contact contact) {
        if (contact == null) {
            return JSON.nullNode();
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("id", contact.id());
        node.put("displayName", contact.displayName());
        ArrayNode addresses = node.putArray("addresses");
        for (Address address : contact.addresses()) {
            addresses.addObject().put("kind", address.kind().name()).put("value", address.value());
        }
        return node;
    }

    /**
     * Reads the desk's 2xx answer. The desk must name the ticket when the delivery opened one; for an addition to a
     * known ticket an answer without {@code ticketRef} (or without a JSON body) keeps the known reference.
     *
     * @throws DeliveryException permanent when a new ticket's reference is missing: repeating would not help
     */
    static DeskResult readAnswer(int status, byte[] body, DeskDelivery delivery) {
        JsonNode answer = null;
        if (body.length > 0) {
            try {
                answer = JSON.readTree(body);
            } catch (IOException notJson) {
                answer = null;
            }
        }
        String ticketRef = text(answer, "ticketRef");
        String itemId = text(answer, "itemId");
        if (ticketRef == null) {
            if (delivery.opensTicket()) {
                throw DeliveryException.permanent("desk answered HTTP " + status + " without a ticketRef for a new"
                        + " ticket" + (answer == null || !answer.isObject() ? " (the answer is not a JSON object)" : ""));
            }
            ticketRef = delivery.ticketRef();
        }
        return new DeskResult(ticketRef, itemId);
    }

    private static String text(JsonNode answer, String field) {
        if (answer == null || !answer.isObject()) {
            return null;
        }
        JsonNode value = answer.get(field);
        if (value == null || !(value.isTextual() || value.isNumber()) || value.asText().isBlank()) {
            return null;
        }
        return value.asText();
    }
}
