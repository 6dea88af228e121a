package dev.omnibridge.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.Choice;
import dev.omnibridge.spi.SentParts;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Messenger and Instagram Send API ({@code POST /{send-account}/messages}: the page id for Messenger; for Instagram
 * the page id or {@code me} with a Page token, or the Instagram account id with Instagram Login). A Send API message
 * holds either text or one attachment, so a reply is its text (within the product's limit: the hub splits a longer
 * one into several sends) followed by one message per file. Messenger files from the hub's storage are uploaded first (Attachment Upload API) and sent by
 * {@code attachment_id}; files at an https URL are sent by {@code payload.url}, which is the only way Instagram
 * takes them (see {@link MediaPreparer}).
 *
 * <p>Limits: Messenger text is at most 2,000 characters (counted here in UTF-16 code units, which is never fewer);
 * Instagram text at most 1,000 <em>bytes</em> of UTF-8, so 1,000 Latin letters fit but only about 500 Cyrillic ones.
 */
final class MessagingSender {
    static final int MESSENGER_TEXT_MAX = 2000;
    static final int INSTAGRAM_TEXT_MAX_BYTES = 1000;
    /** Quick replies: at most 13 per message, titles shown up to 20 characters, payloads of at most 1000. */
    static final int MAX_QUICK_REPLIES = 13;
    static final int QUICK_REPLY_TITLE_MAX = 20;
    static final int QUICK_REPLY_PAYLOAD_MAX = 1000;

    private final GraphApi api;
    private final Product product;
    private final MediaUploader uploader;
    private final String path;

    MessagingSender(GraphApi api, Product product, String sendAccount, String uploadAccount) {
        this.api = api;
        this.product = product;
        this.uploader = new MediaUploader(api, uploadAccount);
        this.path = sendAccount + "/messages";
    }

    /**
     * Returns the first message's id. Uploads all happen before the first message goes out; messages an earlier
     * attempt got accepted ({@code progress}) are not sent again.
     */
    String reply(String psid, String text, boolean humanAgentTag, List<OutboundMedia> media, List<Choice> choices,
                 IntFunction<SentParts> progress) throws GraphException, InterruptedException {
        List<ObjectNode> messages = new ArrayList<>();
        if (!text.isEmpty()) {
            // The hub split a longer text into several sends (MetaConnector.capabilities()): this one fits.
            messages.add(GraphApi.JSON.createObjectNode().put("text", text));
        }
        if (!choices.isEmpty() && !messages.isEmpty()) {
            // Quick replies ride on a text message and show above the composer until one is tapped.
            com.fasterxml.jackson.databind.node.ArrayNode quick = messages.get(messages.size() - 1)
                    .putArray("quick_replies");
            for (Choice c : choices) {
                quick.addObject().put("content_type", "text")
                        .put("title", WhatsAppSender.cut(c.title(), QUICK_REPLY_TITLE_MAX)).put("payload", c.id());
            }
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
        SentParts sent = progress.apply(messages.size());
        for (int i = sent.sent(); i < messages.size(); i++) {
            ObjectNode req = GraphApi.JSON.createObjectNode();
            req.putObject("recipient").put("id", psid);
            req.put("messaging_type", humanAgentTag ? "MESSAGE_TAG" : "RESPONSE");
            if (humanAgentTag) {
                req.put("tag", "HUMAN_AGENT");
            }
            req.set("message", messages.get(i));
            sent.accepted(id(api.post(path, req)));
        }
        return sent.firstId();
    }

    /** Whether the options fit quick replies: at most 13, payloads of at most 1000 characters. */
    static boolean fitQuickReplies(List<Choice> choices) {
        return choices.size() <= MAX_QUICK_REPLIES
                && choices.stream().allMatch(c -> c.id().length() <= QUICK_REPLY_PAYLOAD_MAX);
    }

    private static String id(JsonNode res) throws GraphException {
        String id = res.path("message_id").asText("");
        if (id.isEmpty()) {
            throw new GraphException("the Send API answered without message_id", 200, null, null, null, null);
        }
        return id;
    }
}
