package dev.omnibridge.connector.webhookdesk;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /** This plugin's own mapper: its caches hold this plugin's classes and go with the plugin's class loader. */
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    /**
     * Writes a canonical message v1 document straight into the event's generator: the settings of
     * {@link CanonicalJson#write}, so the same bytes, without building a tree and parsing it back.
     */
    private static final ObjectWriter MESSAGE = JSON.writerFor(MessageDocument.class)
            .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    /** {@code {"schema":"omnibridge.message/v1", ...the message's fields}}, as {@link CanonicalJson#write} has it. */
    @JsonPropertyOrder({CanonicalJson.SCHEMA_FIELD})
    private record MessageDocument(String schema, @JsonUnwrapped Message message) {
    }

    private DeskEvents() {
    }

    static byte[] messageCreated(DeskDelivery delivery) {
        check(delivery);
        return write(gen -> event(gen, delivery));
    }

    /**
     * Several follow-ups of one ticket in one request: {@code {"schema":"omnibridge.desk-events/v1","events":[...]}},
     * each event exactly the single form, in conversation order.
     */
    static byte[] batch(List<DeskDelivery> deliveries) {
        deliveries.forEach(DeskEvents::check);
        return write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("schema", BATCH_SCHEMA);
            gen.writeArrayFieldStart("events");
            for (DeskDelivery delivery : deliveries) {
                event(gen, delivery);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
    }

    private interface Body {
        void writeTo(JsonGenerator gen) throws IOException;
    }

    /** The body streamed once into a buffer: no tree, no intermediate documents. */
    private static byte[] write(Body body) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(2048)) {
            try (JsonGenerator gen = JSON.getFactory().createGenerator(out)) {
                body.writeTo(gen);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise desk event", e);
        }
    }

    private static void check(DeskDelivery delivery) {
        if (delivery.message() == null || delivery.conversation() == null) {
            throw DeliveryException.permanent("delivery has no message or no conversation");
        }
    }

    /** One {@code omnibridge.desk-event/v1}; its fields and their order are the contract (docs/contracts.md). */
    private static void event(JsonGenerator gen, DeskDelivery delivery) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("schema", SCHEMA);
        gen.writeStringField("event", delivery.message().editOf() != null ? MESSAGE_EDITED : MESSAGE_CREATED);
        gen.writeStringField("idempotencyKey", delivery.idempotencyKey());
        gen.writeStringField("ticketRef", delivery.ticketRef());
        if (delivery.opensTicket() && !delivery.assignment().isEmpty()) {
            // Where the new ticket goes, as the route that chose this desk says; only on the event that opens the
            // ticket (a follow-up never moves it), and only when set, so an event without it keeps its bytes.
            gen.writeObjectFieldStart("assignment");
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(delivery.assignment()).entrySet()) {
                gen.writeStringField(e.getKey(), e.getValue());
            }
            gen.writeEndObject();
        }
        conversation(gen, delivery.conversation());
        contact(gen, delivery.contact());
        gen.writeFieldName("message");
        MESSAGE.writeValue(gen, new MessageDocument(CanonicalJson.MESSAGE_V1, delivery.message()));
        gen.writeEndObject();
    }

    private static void conversation(JsonGenerator gen, Conversation conversation) throws IOException {
        gen.writeObjectFieldStart("conversation");
        gen.writeStringField("id", conversation.id());
        gen.writeObjectFieldStart("channel");
        gen.writeStringField("type", conversation.channel().type());
        gen.writeStringField("instanceId", conversation.channel().instanceId());
        gen.writeEndObject();
        gen.writeStringField("threadKey", conversation.threadKey());
        gen.writeEndObject();
    }

    private static void contact(JsonGenerator gen, Contact contact) throws IOException {
        if (contact == null) {
            gen.writeNullField("contact");
            return;
        }
        gen.writeObjectFieldStart("contact");
        gen.writeStringField("id", contact.id());
        gen.writeStringField("displayName", contact.displayName());
        gen.writeArrayFieldStart("addresses");
        for (Address address : contact.addresses()) {
            gen.writeStartObject();
            gen.writeStringField("kind", address.kind().name());
            gen.writeStringField("value", address.value());
            gen.writeEndObject();
        }
        gen.writeEndArray();
        gen.writeEndObject();
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
        return DeskResult.of(ticketRef, itemId);
    }

    /**
     * The {@code results} array of a 2xx answer to a batch of {@code events} events.
     *
     * @throws DeliveryException permanent when there is none (a receiver that does not read the batch form: retrying
     *                           would not help, and nothing may pass for applied); {@code remedy} says what to set
     */
    static JsonNode resultsOf(int status, byte[] body, int events, String remedy) {
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
            throw DeliveryException.permanent("desk answered HTTP " + status + " to a batch of " + events
                    + " events without a results array; " + remedy + " unless the receiver reads " + BATCH_SCHEMA);
        }
        return entries;
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
        JsonNode entries = resultsOf(status, body, batch.size(), "set batchSize to 1");
        List<DeskResult> results = new ArrayList<>(batch.size());
        String ticketRef = batch.get(0).ticketRef();
        for (int i = 0; i < Math.min(entries.size(), batch.size()); i++) {
            String ref = text(entries.get(i), "ticketRef");
            ticketRef = ref != null ? ref : ticketRef;
            results.add(DeskResult.of(ticketRef, text(entries.get(i), "itemId")));
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
