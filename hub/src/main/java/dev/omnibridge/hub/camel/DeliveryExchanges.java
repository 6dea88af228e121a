package dev.omnibridge.hub.camel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.OutboundMessage;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a route reading {@code from: omnibridge:<instance>} gets: for a desk, the {@code omnibridge.desk-event/v1}
 * document the webhook desk posts (docs/contracts.md), for a channel the canonical JSON of the outbound message;
 * and the headers naming the delivery.
 */
final class DeliveryExchanges {
    static final String DESK_EVENT_SCHEMA = "omnibridge.desk-event/v1";
    static final String STATUS_EVENT_SCHEMA = "omnibridge.status-event/v1";
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();

    private DeliveryExchanges() {
    }

    static void deskDelivery(Exchange exchange, String instanceId, DeskDelivery delivery, String conversationRef) {
        var m = exchange.getMessage();
        m.setBody(deskEvent(delivery));
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader(RouteHeaders.EVENT, RouteHeaders.EVENT_MESSAGE);
        m.setHeader(RouteHeaders.INSTANCE_ID, instanceId);
        m.setHeader(RouteHeaders.IDEMPOTENCY_KEY, delivery.idempotencyKey());
        m.setHeader(RouteHeaders.CONVERSATION_ID, delivery.conversation().id());
        if (conversationRef != null) {
            m.setHeader(RouteHeaders.CONVERSATION_REF, conversationRef);
        }
        if (delivery.ticketRef() != null) {
            m.setHeader(RouteHeaders.TICKET_REF, delivery.ticketRef());
        }
        m.setHeader(RouteHeaders.MESSAGE_ID, delivery.message().id());
    }

    /**
     * A conversation's status change for a camel-desk with {@code events: [messages, status]}: body
     * {@code {"schema":"omnibridge.status-event/v1","event":"conversation.status","status":..,"previousStatus":..,
     * "at":..,"fromDesk":..,"idempotencyKey":..,"ticketRef":..,"conversation":{..}}}, header {@code OmnibridgeEvent:
     * status} and {@code OmnibridgeStatus}.
     */
    static void statusEvent(Exchange exchange, String instanceId, DeskDelivery delivery, String conversationRef,
                            String status) {
        deskDelivery(exchange, instanceId, delivery, conversationRef);
        var m = exchange.getMessage();
        ObjectNode event = JSON.createObjectNode();
        event.put("schema", STATUS_EVENT_SCHEMA);
        event.put("event", "conversation.status");
        event.put("status", status);
        String before = delivery.message().metadata().get(CamelStatusEvents.BEFORE);
        event.put("previousStatus", before == null || before.isEmpty() ? null : before);
        event.put("at", delivery.message().receivedAt() == null ? null : delivery.message().receivedAt().toString());
        event.put("fromDesk", delivery.message().metadata().get(CamelStatusEvents.FROM_DESK));
        event.put("idempotencyKey", delivery.idempotencyKey());
        event.put("ticketRef", delivery.ticketRef());
        event.set("conversation", conversation(delivery.conversation()));
        try {
            m.setBody(JSON.writeValueAsString(event));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the status event", e);
        }
        m.setHeader(RouteHeaders.EVENT, RouteHeaders.EVENT_STATUS);
        m.setHeader(RouteHeaders.STATUS, status);
    }

    static void channelMessage(Exchange exchange, String instanceId, OutboundMessage outbound) {
        var m = exchange.getMessage();
        m.setBody(CanonicalJson.writeString(outbound.customerFacing()));
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader(RouteHeaders.EVENT, RouteHeaders.EVENT_MESSAGE);
        m.setHeader(RouteHeaders.INSTANCE_ID, instanceId);
        m.setHeader(RouteHeaders.IDEMPOTENCY_KEY, outbound.idempotencyKey());
        Conversation c = outbound.conversation();
        if (c != null) {
            m.setHeader(RouteHeaders.CONVERSATION_ID, c.id());
            m.setHeader(RouteHeaders.THREAD_KEY, c.threadKey());
        }
        m.setHeader(RouteHeaders.MESSAGE_ID, outbound.message().id());
        m.setHeader(RouteHeaders.TEXT, outbound.message().text() == null ? "" : outbound.message().text());
    }

    /** The webhook desk's event: schema, event, idempotencyKey, ticketRef, assignment, conversation, contact, message. */
    static String deskEvent(DeskDelivery delivery) {
        ObjectNode event = JSON.createObjectNode();
        event.put("schema", DESK_EVENT_SCHEMA);
        event.put("event", delivery.message().editOf() != null ? "message.edited" : "message.created");
        event.put("idempotencyKey", delivery.idempotencyKey());
        event.put("ticketRef", delivery.ticketRef());
        if (delivery.opensTicket() && !delivery.assignment().isEmpty()) {
            ObjectNode assignment = event.putObject("assignment");
            for (Map.Entry<String, String> e : new TreeMap<>(delivery.assignment()).entrySet()) {
                assignment.put(e.getKey(), e.getValue());
            }
        }
        event.set("conversation", conversation(delivery.conversation()));
        event.set("contact", contact(delivery.contact()));
        try {
            event.set("message", JSON.readTree(CanonicalJson.write(delivery.message())));
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the desk event", e);
        }
    }

    static ObjectNode conversation(Conversation conversation) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", conversation.id());
        ObjectNode channel = node.putObject("channel");
        channel.put("type", conversation.channel().type());
        channel.put("instanceId", conversation.channel().instanceId());
        node.put("threadKey", conversation.threadKey());
        return node;
    }

    private static ObjectNode contact(Contact contact) {
        if (contact == null) {
            return null;
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
}
