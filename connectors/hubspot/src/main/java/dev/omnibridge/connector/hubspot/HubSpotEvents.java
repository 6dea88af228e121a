package dev.omnibridge.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.webhook.WebhookRejectedException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * HubSpot webhook bodies: a JSON array of events ({@code subscriptionType}, {@code objectId}, and per type
 * {@code messageId}/{@code messageType} or {@code propertyName}/{@code propertyValue}). Only the two kinds the
 * connector subscribes to are kept; anything else in the batch is ignored.
 * Reference: https://developers.hubspot.com/docs/api-reference/legacy/webhooks/guide
 */
final class HubSpotEvents {
    static final String TICKET_OBJECT_TYPE = "0-5";
    static final String STAGE = "hs_pipeline_stage";

    sealed interface Event permits NewMessage, StageChange {
    }

    /** {@code conversation.newMessage}: objectId is the thread id. */
    record NewMessage(String threadId, String messageId, String messageType) implements Event {
    }

    /** {@code ticket.propertyChange} (or generic {@code object.propertyChange} on tickets) of the pipeline stage. */
    record StageChange(String ticketId, String stage) implements Event {
    }

    private HubSpotEvents() {
    }

    static List<Event> parse(byte[] body) {
        JsonNode root;
        try {
            root = DeskHttp.JSON.readTree(body);
        } catch (IOException e) {
            throw WebhookRejectedException.badRequest("body is not valid JSON");
        }
        if (root == null || !(root.isArray() || root.isObject())) {
            throw WebhookRejectedException.badRequest("body must be a JSON array of HubSpot events");
        }
        List<Event> events = new ArrayList<>();
        for (JsonNode e : root.isArray() ? root : List.of(root)) {
            String type = e.path("subscriptionType").asText("");
            String objectId = e.path("objectId").asText("");
            if (objectId.isEmpty()) {
                continue;
            }
            if ("conversation.newMessage".equals(type) && !e.path("messageId").asText("").isEmpty()) {
                events.add(new NewMessage(objectId, e.path("messageId").asText(), e.path("messageType").asText("")));
            } else if (STAGE.equals(e.path("propertyName").asText(""))
                    && ("ticket.propertyChange".equals(type) || ("object.propertyChange".equals(type)
                    && TICKET_OBJECT_TYPE.equals(e.path("objectTypeId").asText(""))))) {
                events.add(new StageChange(objectId, e.path("propertyValue").asText("")));
            }
        }
        return events;
    }
}
