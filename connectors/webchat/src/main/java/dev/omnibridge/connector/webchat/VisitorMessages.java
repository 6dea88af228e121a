package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what a visitor sends (over HTTP or the socket) into a stored customer message and shows it in the visitor's
 * other tabs. The channel message id is {@code <conversationKey>.<clientId>}, so a resent message is stored once.
 */
final class VisitorMessages {
    private final VisitorRegistry visitors;

    VisitorMessages(VisitorRegistry visitors) {
        this.visitors = visitors;
    }

    /** How many of the conversation's latest messages a pick's options are looked for in. */
    static final int CHOICES_LOOK_BACK = 20;

    /**
     * Validates, stores and echoes a text message ({@code clientId}, {@code text}, optional name and email). With
     * {@code choice} it is a pick of a reply option: the id must be one a recent reply in this conversation offered,
     * and the stored text is that option's title (whatever text the client sent).
     */
    Frames.Ack acceptText(ChatInstance r, TokenSigner.Verified token, JsonNode body, String origin) {
        String clientId = VisitorInput.clientId(body.path("clientId"));
        String choice = VisitorInput.choice(body.path("choice"));
        String text = VisitorInput.text(body.path("text"), r.maxTextLength());
        String key = token.conversationKey();
        if (choice != null) {
            text = offeredTitle(r, key, choice);
        }
        if (text.isBlank()) {
            throw new Refusal(400, "text must not be empty");
        }
        Visitor v = visitors.visitor(key);
        v.profile(VisitorInput.name(body.path("name")), VisitorInput.email(body.path("email")));
        r.limitVisitor(key);
        Message message = store(r, token, v, clientId, text, List.of(), origin, choice);
        return new Frames.Ack(clientId, message.receivedAt().toString());
    }

    /** Stores a message carrying an already stored file. */
    Message acceptFile(ChatInstance r, TokenSigner.Verified token, String clientId, Attachment file, String origin) {
        return store(r, token, visitors.visitor(token.conversationKey()), clientId, "", List.of(file), origin, null);
    }

    /**
     * The title of the option {@code choice} among those the conversation's recent replies offered; a refusal when
     * none did (a forged or stale pick is never stored as one).
     */
    private static String offeredTitle(ChatInstance r, String key, String choice) {
        var conversation = r.context().findConversation(key);
        if (conversation.isPresent()) {
            List<Message> recent = r.context().recentMessages(conversation.get().id(), CHOICES_LOOK_BACK);
            for (int i = recent.size() - 1; i >= 0; i--) {
                Message m = recent.get(i);
                if (m.direction() == Direction.OUTBOUND) {
                    for (Choice c : Choices.of(m)) {
                        if (c.id().equals(choice)) {
                            return c.title();
                        }
                    }
                }
            }
        }
        throw new Refusal(400, "choice is not one of the options offered in this chat");
    }

    private Message store(ChatInstance r, TokenSigner.Verified token, Visitor v, String clientId, String text,
                          List<Attachment> files, String origin, String choice) {
        Message message = build(r, token, v, clientId, text, files, origin, choice);
        r.store(Inbound.messages(List.of(message)));
        visitors.push(token.conversationKey(), Frames.write(new Frames.Push(Frames.view(message, null))));
        return message;
    }

    private static Message build(ChatInstance r, TokenSigner.Verified token, Visitor v, String clientId, String text,
                                 List<Attachment> files, String origin, String choice) {
        String key = token.conversationKey();
        Map<String, String> metadata = new LinkedHashMap<>();
        if (choice != null) {
            metadata.put(Choices.CHOSEN, choice);
        }
        if (v.email != null) {
            // Unverified: agents see it, a hand-off may use it, but it never becomes the contact's address.
            metadata.put(WebchatConnector.META_EMAIL, v.email);
        }
        if (origin != null) {
            String site = OriginPolicy.normalise(origin);
            metadata.put(WebchatConnector.META_ORIGIN, site == null ? "invalid" : site);
        }
        Instant now = r.clock().instant();
        String name = v.name != null ? v.name : "Visitor " + key.substring(0, 4);
        return Message.builder().direction(Direction.INBOUND).channel(r.channel())
                .channelMessageId(key + "." + clientId).threadKey(key)
                .author(Author.customer(name, author(token))).text(text).attachments(files)
                .receivedAt(now).channelTimestamp(now).metadata(metadata).build();
    }

    /**
     * Who wrote it: the email the site verified (so the hub links the conversation to that customer's contact and
     * desks find the requester by email), else the conversation key as an anonymous chat user.
     */
    private static Address author(TokenSigner.Verified token) {
        return token.verifiedEmail() != null ? Address.email(token.verifiedEmail())
                : Address.chatUser(token.conversationKey());
    }
}
