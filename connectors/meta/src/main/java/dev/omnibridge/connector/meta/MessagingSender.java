package dev.omnibridge.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Messenger and Instagram Send API ({@code POST /{page-id|ig-account-id}/messages}). A Send API message holds
 * either text or one attachment, so a reply is its text (split at 2000 characters) followed by one message per
 * file. Messenger files from the hub's storage are uploaded first (Attachment Upload API) and sent by
 * {@code attachment_id}; files at an https URL are sent by {@code payload.url}, which is the only way Instagram
 * takes them (see {@link MediaPreparer}).
 */
final class MessagingSender {
    static final int TEXT_MAX = 2000;

    private final GraphApi api;
    private final MediaUploader uploader;
    private final String path;

    MessagingSender(GraphApi api, String accountId) {
        this.api = api;
        this.uploader = new MediaUploader(api, accountId);
        this.path = accountId + "/messages";
    }

    /** Returns the first message's id. Uploads all happen before the first message goes out. */
    String reply(String psid, String text, boolean humanAgentTag, List<OutboundMedia> media)
            throws GraphException, InterruptedException {
        List<ObjectNode> messages = new ArrayList<>();
        for (String chunk : MetaConnector.chunks(text, TEXT_MAX)) {
            messages.add(GraphApi.JSON.createObjectNode().put("text", chunk));
        }
        for (OutboundMedia m : media) {
            ObjectNode message = GraphApi.JSON.createObjectNode();
            ObjectNode payload = message.putObject("attachment").put("type", m.kind()).putObject("payload");
            if (m.byLink()) {
                payload.put("url", m.link().toString());
            } else {
                payload.put("attachment_id", uploader.messenger(m));
            }
            messages.add(message);
        }
        String first = null;
        for (ObjectNode message : messages) {
            ObjectNode req = GraphApi.JSON.createObjectNode();
            req.putObject("recipient").put("id", psid);
            req.put("messaging_type", humanAgentTag ? "MESSAGE_TAG" : "RESPONSE");
            if (humanAgentTag) {
                req.put("tag", "HUMAN_AGENT");
            }
            req.set("message", message);
            String id = id(api.post(path, req));
            first = first == null ? id : first;
        }
        return first;
    }

    private static String id(JsonNode res) throws GraphException {
        String id = res.path("message_id").asText("");
        if (id.isEmpty()) {
            throw new GraphException("the Send API answered without message_id", 200, null, null, null, null);
        }
        return id;
    }
}
