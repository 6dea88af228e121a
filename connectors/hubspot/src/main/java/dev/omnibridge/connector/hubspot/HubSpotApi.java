package dev.omnibridge.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.Multipart;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HubSpot calls the connector makes, one method each, with HubSpot's JSON shapes. References:
 * <ul>
 * <li>Contacts, tickets, notes: https://developers.hubspot.com/docs/api-reference/crm-tickets-v3/guide,
 *     https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide (properties + associations in the
 *     create body; {@code idProperty} reads a record by a unique-value property)</li>
 * <li>GDPR delete: {@code POST /crm/v3/objects/contacts/gdpr-delete} ({@code objectId}; "Permanently delete a contact
 *     (GDPR-compliant)"); archive: {@code DELETE /crm/v3/objects/{type}/{id}}</li>
 * <li>CRM search: {@code POST /crm/v3/objects/{type}/search} with filterGroups</li>
 * <li>Associations v4: {@code GET /crm/v4/objects/{from}/{id}/associations/{to}}</li>
 * <li>Files: https://developers.hubspot.com/docs/api-reference/files-files-v3/guide (multipart file, folderPath,
 *     options)</li>
 * <li>Batch create: {@code POST /crm/v3/objects/{type}/batch/create} with {@code inputs[]}, at most 100
 *     (https://developers.hubspot.com/docs/api-reference/legacy/crm/activities/notes/batch/create-notes and
 *     https://developers.hubspot.com/docs/api-reference/latest/crm/using-object-apis: "Limits", "Multi-status
 *     errors for batch create requests")</li>
 * <li>Conversations: {@code GET /conversations/v3/conversations/threads/{threadId}[?association=TICKET]} and
 *     {@code .../threads/{threadId}/messages/{messageId}}</li>
 * </ul>
 */
final class HubSpotApi {
    /** HubSpot-defined association type ids: ticket to contact, note to ticket. */
    static final int TICKET_TO_CONTACT = 16;
    static final int NOTE_TO_TICKET = 228;
    /** Inputs one object batch request takes. */
    static final int BATCH_LIMIT = 100;

    /** One record of a batch create: its properties, the record it is associated with, and its trace id. */
    record BatchInput(String traceId, ObjectNode properties, String toId, int associationTypeId) {
    }

    private final DeskHttp http;

    HubSpotApi(DeskHttp http) {
        this.http = http;
    }

    DeskHttp http() {
        return http;
    }

    /** A cheap authenticated call for start-up: one ticket id. */
    void checkAccess() throws DeskApiException, InterruptedException {
        http.get("/crm/v3/objects/tickets?limit=1");
    }

    /** A record by a unique-value property (or {@code email} for contacts), if it exists. */
    Optional<JsonNode> byUniqueProperty(String objectType, String property, String value, String... properties)
            throws DeskApiException, InterruptedException {
        String path = "/crm/v3/objects/" + objectType + "/" + enc(value) + "?idProperty=" + enc(property)
                + (properties.length == 0 ? "" : "&properties=" + enc(String.join(",", properties)));
        try {
            return Optional.of(http.get(path).body());
        } catch (DeskApiException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The first record whose {@code property} equals {@code value} (CRM search; eventually consistent). */
    Optional<JsonNode> searchOne(String objectType, String property, String value)
            throws DeskApiException, InterruptedException {
        ObjectNode body = DeskHttp.JSON.createObjectNode();
        ObjectNode filter = body.putArray("filterGroups").addObject().putArray("filters").addObject();
        filter.put("propertyName", property).put("operator", "EQ").put("value", value);
        body.put("limit", 1);
        JsonNode results = http.post("/crm/v3/objects/" + objectType + "/search", body).body().path("results");
        return results.isArray() && !results.isEmpty() ? Optional.of(results.get(0)) : Optional.empty();
    }

    JsonNode create(String objectType, ObjectNode properties, String toId, int associationTypeId)
            throws DeskApiException, InterruptedException {
        return http.post("/crm/v3/objects/" + objectType, input(properties, toId, associationTypeId)).body();
    }

    /**
     * Creates up to {@link #BATCH_LIMIT} records in one request. Each input carries a unique
     * {@code objectWriteTraceId}, which turns on HubSpot's multi-status answer: inputs that fail are listed in
     * {@code errors[]} (with {@code context.objectWriteTraceId}) while the others are created, answered 207. The
     * answer's {@code results[]} are not in input order.
     */
    JsonNode batchCreate(String objectType, List<BatchInput> inputs) throws DeskApiException, InterruptedException {
        if (inputs.size() > BATCH_LIMIT) {
            throw new IllegalArgumentException("at most " + BATCH_LIMIT + " inputs per batch, not " + inputs.size());
        }
        ObjectNode body = DeskHttp.JSON.createObjectNode();
        ArrayNode array = body.putArray("inputs");
        for (BatchInput in : inputs) {
            array.add(input(in.properties(), in.toId(), in.associationTypeId()).put("objectWriteTraceId",
                    in.traceId()));
        }
        return http.post("/crm/v3/objects/" + objectType + "/batch/create", body).body();
    }

    private static ObjectNode input(ObjectNode properties, String toId, int associationTypeId) {
        ObjectNode body = DeskHttp.JSON.createObjectNode();
        body.set("properties", properties);
        if (toId != null) {
            ObjectNode association = body.putArray("associations").addObject();
            association.putObject("to").put("id", toId);
            association.putArray("types").addObject().put("associationCategory", "HUBSPOT_DEFINED")
                    .put("associationTypeId", associationTypeId);
        }
        return body;
    }

    /** {@code PATCH /crm/v3/objects/{type}/{id}}: changes only the properties given. */
    JsonNode update(String objectType, String id, ObjectNode properties) throws DeskApiException, InterruptedException {
        ObjectNode body = DeskHttp.JSON.createObjectNode();
        body.set("properties", properties);
        return http.patch("/crm/v3/objects/" + objectType + "/" + enc(id), body).body();
    }

    /**
     * {@code POST /crm/v3/objects/contacts/gdpr-delete} with {@code {"objectId": id}}: permanently deletes the contact
     * and its associated content (HubSpot's GDPR deletion; 204). By id, never by email: an email HubSpot does not know
     * would be blocklisted. False when there is no such contact (404).
     */
    boolean gdprDeleteContact(String contactId) throws DeskApiException, InterruptedException {
        ObjectNode body = DeskHttp.JSON.createObjectNode().put("objectId", contactId);
        try {
            http.post("/crm/v3/objects/contacts/gdpr-delete", body);
            return true;
        } catch (DeskApiException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    /**
     * {@code DELETE /crm/v3/objects/{type}/{id}}: archives the record (204; HubSpot keeps it restorable for 90 days,
     * then deletes it). False when there is no such record (404).
     */
    boolean archive(String objectType, String id) throws DeskApiException, InterruptedException {
        try {
            http.send("DELETE", "/crm/v3/objects/" + objectType + "/" + enc(id), null, Map.of());
            return true;
        } catch (DeskApiException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    JsonNode get(String objectType, String id, String... properties) throws DeskApiException, InterruptedException {
        return http.get("/crm/v3/objects/" + objectType + "/" + enc(id)
                + (properties.length == 0 ? "" : "?properties=" + enc(String.join(",", properties)))).body();
    }

    /** Ids of the notes associated with a ticket, all pages. */
    List<String> noteIdsOfTicket(String ticketId) throws DeskApiException, InterruptedException {
        List<String> ids = new ArrayList<>();
        String path = "/crm/v4/objects/tickets/" + enc(ticketId) + "/associations/notes?limit=500";
        while (path != null) {
            JsonNode page = http.get(path).body();
            for (JsonNode r : page.path("results")) {
                ids.add(r.path("toObjectId").asText());
            }
            String after = page.at("/paging/next/after").asText("");
            path = after.isEmpty() ? null : "/crm/v4/objects/tickets/" + enc(ticketId)
                    + "/associations/notes?limit=500&after=" + enc(after);
        }
        return ids;
    }

    /** Notes by id with the given properties, 100 per call (the batch limit). */
    List<JsonNode> readNotes(List<String> ids, String... properties) throws DeskApiException, InterruptedException {
        List<JsonNode> notes = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += 100) {
            ObjectNode body = DeskHttp.JSON.createObjectNode();
            ArrayNode props = body.putArray("properties");
            for (String p : properties) {
                props.add(p);
            }
            ArrayNode inputs = body.putArray("inputs");
            ids.subList(from, Math.min(ids.size(), from + 100)).forEach(id -> inputs.addObject().put("id", id));
            http.post("/crm/v3/objects/notes/batch/read", body).body().path("results").forEach(notes::add);
        }
        return notes;
    }

    /**
     * Uploads a private file; an identical file already in the folder is returned instead of stored twice (a
     * retried delivery uploads again).
     */
    String uploadFile(String folderPath, String fileName, String mediaType, byte[] bytes)
            throws DeskApiException, InterruptedException {
        Multipart form = new Multipart()
                .file("file", fileName, mediaType, bytes)
                .field("folderPath", folderPath)
                .field("options", "{\"access\":\"PRIVATE\",\"overwrite\":false,"
                        + "\"duplicateValidationStrategy\":\"RETURN_EXISTING\","
                        + "\"duplicateValidationScope\":\"EXACT_FOLDER\"}");
        JsonNode answer = http.multipart("POST", "/files/v3/files", form, Map.of()).body();
        String id = answer.path("id").asText("");
        if (id.isEmpty()) {
            throw new DeskApiException("POST /files/v3/files answered without a file id", 200, false, null, answer);
        }
        return id;
    }

    JsonNode thread(String threadId) throws DeskApiException, InterruptedException {
        return http.get("/conversations/v3/conversations/threads/" + enc(threadId) + "?association=TICKET").body();
    }

    JsonNode message(String threadId, String messageId) throws DeskApiException, InterruptedException {
        return http.get("/conversations/v3/conversations/threads/" + enc(threadId) + "/messages/" + enc(messageId))
                .body();
    }

    /** A short-lived download URL for a private file in the File Manager. */
    String signedUrl(String fileId) throws DeskApiException, InterruptedException {
        return http.get("/files/v3/files/" + enc(fileId) + "/signed-url").body().path("url").asText("");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
