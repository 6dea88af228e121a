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
import java.util.ArrayList;
import java.util.List;

/**
 * The outbound half of the desk wire format: the {@code omnibridge.desk-event/v1} envelope the desk receives, and
 * the desk's answer {@code {"ticketRef":"...","itemId":"..."}}; for several follow-ups of one ticket, the
 * {@code omnibridge.desk-events/v1} batch of such events and its answer {@code {"results":[...]}}.
 */
final class DeskEvents {
    static final String SCHEMA = "omnibridge.desk-event/v1";
    static final String BATCH_SCHEMA = "omnibridge.desk-events/v1";
    static final String MESSAGE_CREATED = "message.created";
    /** A customer changed an earlier message; the message's metadata names the original. */
    static final String MESSAGE_EDITED = "message.edited";

    private static final ObjectMapper JSON = CanonicalJson.mapper();

    private DeskEvents() {
    }

    static byte[] messageCreated(DeskDelivery delivery) {
        return bytes(event(delivery));
    }

    /**
     * Several follow-ups of one ticket in one request: {@code {"schema":"omnibridge.desk-events/v1","events":[...]}},
     * each event exactly the single form, in conversation order.
     */
    static byte[] batch(List<DeskDelivery> deliveries) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", BATCH_SCHEMA);
        ArrayNode events = root.putArray("events");
        for (DeskDelivery delivery : deliveries) {
            events.add(event(delivery));
        }
        return bytes(root);
    }

    private static ObjectNode event(DeskDelivery delivery) {
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise desk event", e);
        }
        return root;
    }

    private static byte[] bytes(ObjectNode root) {
        try {
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

    /**
     * Reads the desk's 2xx answer to a batch: {@code {"results":[{"ticketRef":"...","itemId":"..."}, ...]}}, one
     * entry per event applied, in order. An entry without {@code ticketRef} keeps the known ticket. Fewer entries
     * than events means only that prefix was applied.
     *
     * @throws DeliveryException retryable, carrying the applied prefix, when fewer entries came back than events
     *                           were sent; permanent when there is no {@code results} array (a receiver that does
     *                           not read the batch form: retrying would not help, and nothing may pass for applied)
     */
    static List<DeskResult> readBatchAnswer(int status, byte[] body, List<DeskDelivery> batch) {
        JsonNode answer = null;
        if (body.length > 0) {
            try {
                answer = JSON.readTree(body);
            } catch (IOException notJson) {
                answer = null;
            }
        }
        JsonNode entries = answer == null || !answer.isObject() ? null : answer.get("results");
        if (entries == null || !entries.isArray()) {
            throw DeliveryException.permanent("desk answered HTTP " + status + " to a batch of " + batch.size()
                    + " events without a results array; set batchSize to 1 unless the receiver reads "
                    + BATCH_SCHEMA);
        }
        List<DeskResult> results = new ArrayList<>(batch.size());
        String ticketRef = batch.get(0).ticketRef();
        for (int i = 0; i < Math.min(entries.size(), batch.size()); i++) {
            String ref = text(entries.get(i), "ticketRef");
            ticketRef = ref != null ? ref : ticketRef;
            results.add(new DeskResult(ticketRef, text(entries.get(i), "itemId")));
        }
        if (results.size() < batch.size()) {
            // The receiver answered, so the target is up: the stop is about the next event, not the instance.
            throw DeliveryException.retryableForThisRecord("desk applied " + results.size() + " of " + batch.size()
                    + " events of the batch", null).afterDelivering(results);
        }
        return results;
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
