package dev.omnibridge.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Puts a file from the hub's storage onto Meta's servers and returns the id a message then names: WhatsApp's
 * {@code POST /{phone-number-id}/media} → {@code id}, Messenger's {@code POST /{page-id}/message_attachments} →
 * {@code attachment_id}.
 */
final class MediaUploader {
    private final GraphApi api;
    private final String accountId;

    MediaUploader(GraphApi api, String accountId) {
        this.api = api;
        this.accountId = accountId;
    }

    /** WhatsApp media id; the media lives 30 days on Meta's side, long enough for the message that follows. */
    String whatsApp(OutboundMedia media) throws GraphException, InterruptedException {
        Multipart form = new Multipart().field("messaging_product", "whatsapp").field("type", media.mediaType())
                .file("file", media.fileName(), media.mediaType(), media.bytes());
        return required(api.postMultipart(accountId + "/media", form), "id");
    }

    /** Messenger attachment id, uploaded with {@code is_reusable} as the Attachment Upload API documents it. */
    String messenger(OutboundMedia media) throws GraphException, InterruptedException {
        ObjectNode message = GraphApi.JSON.createObjectNode();
        message.putObject("attachment").put("type", media.kind()).putObject("payload").put("is_reusable", true);
        Multipart form = new Multipart().field("message", message.toString())
                .file("filedata", media.fileName(), media.mediaType(), media.bytes());
        return required(api.postMultipart(accountId + "/message_attachments", form), "attachment_id");
    }

    private static String required(JsonNode res, String field) throws GraphException {
        String id = res.path(field).asText("");
        if (id.isEmpty()) {
            throw new GraphException("the upload answered without " + field, 200, null, null, null, null);
        }
        return id;
    }
}
