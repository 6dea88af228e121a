package dev.omnibridge.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.spi.SentParts;
import dev.omnibridge.text.TextParts;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Sends through {@code POST /{phone-number-id}/messages}: text, media and the out-of-window template.
 *
 * <p>A reply becomes one or more messages. With exactly one image, video or document and a text of at most 1024
 * characters, the text is that file's caption and the file goes first; otherwise the text goes first (split at
 * 4096 characters) and every file follows as its own message. All uploads happen before the first message is sent,
 * so an upload failure (retried by the hub) never leaves the customer with a part of the reply.
 */
final class WhatsAppSender {
    static final int TEXT_MAX = 4096;
    static final int CAPTION_MAX = 1024;

    private final GraphApi api;
    private final MediaUploader uploader;
    private final String path;

    WhatsAppSender(GraphApi api, String phoneNumberId) {
        this.api = api;
        this.uploader = new MediaUploader(api, phoneNumberId);
        this.path = phoneNumberId + "/messages";
    }

    String template(String to, String name, String language) throws GraphException, InterruptedException {
        ObjectNode req = base(to).put("type", "template");
        req.putObject("template").put("name", name).putObject("language").put("code", language);
        return id(api.post(path, req));
    }

    /** Returns the first message's wamid: the one the desk's reply is known by. */
    String reply(String to, String text, String replyTo, List<OutboundMedia> media, IntFunction<SentParts> progress)
            throws GraphException, InterruptedException {
        List<OutboundMedia> captionable = media.stream().filter(OutboundMedia::captionable).toList();
        OutboundMedia captioned = !text.isEmpty() && captionable.size() == 1 && text.length() <= CAPTION_MAX
                ? captionable.get(0) : null;
        Map<OutboundMedia, String> ids = new IdentityHashMap<>();
        for (OutboundMedia m : media) {
            if (!m.byLink()) {
                ids.put(m, uploader.whatsApp(m));
            }
        }
        List<ObjectNode> messages = new ArrayList<>();
        if (captioned != null) {
            messages.add(mediaMessage(to, captioned, ids.get(captioned), text));
        } else {
            for (String chunk : TextParts.split(text, TEXT_MAX, TextParts.UTF16_UNITS)) {
                ObjectNode one = base(to).put("type", "text");
                one.putObject("text").put("body", chunk);
                messages.add(one);
            }
        }
        for (OutboundMedia m : media) {
            if (m != captioned) {
                messages.add(mediaMessage(to, m, ids.get(m), null));
            }
        }
        if (replyTo != null && !replyTo.isBlank() && !messages.isEmpty()) {
            messages.get(0).putObject("context").put("message_id", replyTo);
        }
        SentParts sent = progress.apply(messages.size());
        for (int i = sent.sent(); i < messages.size(); i++) {
            sent.accepted(id(api.post(path, messages.get(i))));
        }
        return sent.firstId();
    }

    private ObjectNode mediaMessage(String to, OutboundMedia m, String mediaId, String caption) {
        ObjectNode req = base(to).put("type", m.kind());
        ObjectNode media = req.putObject(m.kind());
        if (mediaId != null) {
            media.put("id", mediaId);
        } else {
            media.put("link", m.link().toString());
        }
        if (caption != null) {
            media.put("caption", caption);
        }
        if (m.kind().equals("document")) {
            media.put("filename", m.fileName());
        }
        return req;
    }

    private static ObjectNode base(String to) {
        return GraphApi.JSON.createObjectNode().put("messaging_product", "whatsapp")
                .put("recipient_type", "individual").put("to", to);
    }

    private static String id(JsonNode res) throws GraphException {
        String id = res.path("messages").path(0).path("id").asText("");
        if (id.isEmpty()) {
            throw new GraphException("the Cloud API answered without messages[0].id", 200, null, null, null, null);
        }
        return id;
    }
}
