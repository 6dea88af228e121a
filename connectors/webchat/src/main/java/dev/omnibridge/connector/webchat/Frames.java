package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;

import java.util.List;

/**
 * The wire protocol's JSON shapes (docs/contracts.md, "webchat wire protocol"): what the server sends, over the
 * socket and in HTTP answers. What the client sends is read field by field, as untrusted input, by the connector.
 */
final class Frames {
    static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Frames() {
    }

    /** A file of a message; {@code id} is its SHA-256, fetched with {@code GET files/<id>}. */
    record FileView(String id, String name, String type, long size, boolean image) {
    }

    /**
     * A message as the widget shows it.
     *
     * @param id   for the visitor's own messages the client id it chose; for replies {@code out-<hub id>}, the id
     *             delivery and read receipts name
     * @param from {@code visitor}, {@code agent}, {@code bot} or {@code system}
     * @param name the agent's display name, if any
     * @param choices reply options the widget shows as buttons under a reply (absent when none); a click sends the
     *                option's title as the visitor's message with {@code choice} = its id
     */
    record MessageView(String id, String from, String name, String text, String at, List<FileView> files,
                       List<ChoiceView> choices) {
    }

    /** A reply option: {@code id} goes back with the visitor's pick, {@code title} is the button's label. */
    record ChoiceView(String id, String title) {
    }

    // Server -> client socket frames. Each has a "type".
    record Hello(String type, boolean open, String offlineMessage) {
        Hello(boolean open, String offlineMessage) {
            this("hello", open, offlineMessage);
        }
    }

    record Ack(String type, String clientId, String status, String at) {
        Ack(String clientId, String at) {
            this("ack", clientId, "sent", at);
        }
    }

    record Push(String type, MessageView message) {
        Push(MessageView message) {
            this("message", message);
        }
    }

    record Typing(String type, String from) {
        static Typing agent() {
            return new Typing("typing", "agent");
        }
    }

    record Error(String type, String clientId, int status, String error, Long retryAfter) {
    }

    record Pong(String type) {
        static Pong pong() {
            return new Pong("pong");
        }
    }

    // HTTP answers.
    record Session(String token, String expiresAt, boolean open) {
    }

    record History(List<MessageView> messages, boolean open, boolean agentTyping) {
    }

    record Sent(String id, String status, String at, List<FileView> files) {
    }

    record Config(String title, String color, String greeting, String position, boolean open,
                  String offlineMessage, long maxFileBytes, List<String> allowedFileTypes, int maxTextLength) {
    }

    static String write(Object frame) {
        try {
            return JSON.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + frame.getClass().getSimpleName(), e);
        }
    }

    static byte[] bytes(Object frame) {
        try {
            return JSON.writeValueAsBytes(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + frame.getClass().getSimpleName(), e);
        }
    }

    /** The view of a stored or outgoing message; {@code outboundId} is the id {@code send} gave it, if outbound. */
    static MessageView view(Message m, String outboundId) {
        boolean inbound = m.direction() == Direction.INBOUND;
        String id;
        if (inbound) {
            String cid = m.channelMessageId();
            int dot = cid.indexOf('.');
            id = dot < 0 ? cid : cid.substring(dot + 1);
        } else {
            id = outboundId;
        }
        String from = inbound ? "visitor" : m.author().role() == Role.BOT ? "bot"
                : m.author().role() == Role.SYSTEM ? "system" : "agent";
        String name = inbound ? null : m.author().displayName();
        var at = m.channelTimestamp() != null ? m.channelTimestamp() : m.receivedAt();
        List<FileView> files = m.attachments().stream().filter(a -> a.sha256() != null).map(Frames::file).toList();
        String text = m.text();
        List<ChoiceView> choices = null;
        List<Choice> offered = inbound ? List.of() : Choices.of(m);
        if (offered.size() > WebchatConnector.MAX_CHOICES) {
            // As the hub's fallback sent it: the history shows the reply the visitor got.
            text = Choices.numbered(text, offered);
        } else if (!offered.isEmpty()) {
            choices = offered.stream().map(c -> new ChoiceView(c.id(), c.title())).toList();
        }
        return new MessageView(id, from, name, text, at == null ? null : at.toString(), files, choices);
    }

    static FileView file(Attachment a) {
        return new FileView(a.sha256(), a.fileName(), a.mediaType(), a.size(), FileTypes.IMAGES.contains(a.mediaType()));
    }

    /** The id {@code send} returns for an outbound message, and that replies carry in history and pushes. */
    static String outboundId(Message m, String fallback) {
        return "out-" + (m.id() != null ? m.id() : fallback);
    }
}
