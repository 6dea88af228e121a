package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST files} (a visitor sends a file) and {@code GET files/<sha256>} (the widget shows one). A file is
 * accepted only if its type is allowed and its bytes are that type, and served only to the conversation it is in.
 */
final class FileEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(WebchatConnector.class);
    /** How far back a file is looked up: what the widget's history can show. */
    private static final int RECENT = 500;

    private final VisitorAuth auth;
    private final VisitorMessages messages;

    FileEndpoint(VisitorAuth auth, VisitorMessages messages) {
        this.auth = auth;
        this.messages = messages;
    }

    WebhookResponse post(ChatInstance r, WebhookRequest request, String origin) {
        TokenSigner.Verified token = auth.authorize(r, request);
        String clientId = VisitorInput.clientId(request.queryParam("clientId").<JsonNode>map(TextNode::valueOf)
                .orElse(MissingNode.getInstance()));
        String declared = FileTypes.mediaType(request.header("Content-Type").orElse(null));
        if (!r.allowedFileTypes().contains(declared)) {
            throw new Refusal(415, "files of type '" + (declared.length() > 60 ? declared.substring(0, 60) : declared)
                    + "' are not accepted; allowed: " + r.allowedFileTypes());
        }
        byte[] bytes = request.body();
        if (bytes.length == 0) {
            throw new Refusal(400, "the file is empty");
        }
        if (bytes.length > r.maxFileBytes()) {
            throw new Refusal(413, "the file is larger than " + r.maxFileBytes() + " bytes");
        }
        // The declared type is the visitor's claim; the magic bytes are the fact.
        Optional<String> actual = FileTypes.sniff(bytes);
        if (actual.isEmpty() || !actual.get().equals(declared)) {
            throw new Refusal(415, "the file's content is not " + declared
                    + actual.map(a -> " (it looks like " + a + ")").orElse(""));
        }
        r.limitVisitor(token.conversationKey());
        String name = FileTypes.safeName(request.queryParam("name").orElse(null), declared);
        Attachment stored;
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            stored = r.context().attachments().store(name, declared, in, r.maxFileBytes());
        } catch (AttachmentStore.AttachmentTooLargeException e) {
            throw new Refusal(413, "the file is larger than " + r.maxFileBytes() + " bytes");
        } catch (IOException e) {
            LOG.warn("{}: storing a visitor's file failed: {}", r.instanceId(), e.getMessage());
            throw new Refusal(503, "the file could not be stored; retry later");
        }
        Message message = messages.acceptFile(r, token, clientId, stored, origin);
        return ChatApi.json(200, new Frames.Sent(clientId, "sent", message.receivedAt().toString(),
                List.of(Frames.file(stored))));
    }

    WebhookResponse get(ChatInstance r, WebhookRequest request, String fileId) {
        String key = auth.authorize(r, request).conversationKey();
        String sha = VisitorInput.fileId(fileId);
        Conversation conversation = r.context().findConversation(key)
                .orElseThrow(() -> new Refusal(404, "no such file in this conversation"));
        Attachment found = null;
        for (Message m : r.context().recentMessages(conversation.id(), RECENT)) {
            for (Attachment a : m.attachments()) {
                if (sha.equals(a.sha256())) {
                    found = a;
                }
            }
        }
        if (found == null) {
            // Another conversation's file and a file that does not exist look the same to the visitor.
            throw new Refusal(404, "no such file in this conversation");
        }
        byte[] bytes;
        try (InputStream in = r.context().attachments().open(found)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new Refusal(404, "the file is no longer stored");
        }
        // Served as what it was verified to be, sandboxed, and downloaded unless it is an image.
        String type = FileTypes.VERIFIABLE.contains(found.mediaType()) ? found.mediaType() : "application/octet-stream";
        boolean inline = FileTypes.IMAGES.contains(type);
        String name = FileTypes.safeName(found.fileName(), type).replaceAll("[^\\x20-\\x7e]", "_");
        return new WebhookResponse(200, type, bytes).withHeaders(Map.of(
                "Content-Disposition", (inline ? "inline" : "attachment") + "; filename=\"" + name + "\"",
                "Content-Security-Policy", "default-src 'none'; sandbox",
                "Cache-Control", "private, max-age=3600",
                "Cross-Origin-Resource-Policy", "cross-origin"));
    }
}
