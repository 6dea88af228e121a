package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.privacy.Redact;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The widget's JSON endpoints: {@code config}, {@code session}, {@code messages} (history and sending) and
 * {@code receipts}. Origin, CORS and the per-address limit are already checked by {@link HttpRouter}.
 */
final class ChatApi {
    private static final Logger LOG = LoggerFactory.getLogger(WebchatConnector.class);
    /** An agent's typing hint stays visible to a polling widget for this long. */
    private static final Duration AGENT_TYPING_SHOWN = Duration.ofSeconds(6);

    private final VisitorRegistry visitors;
    private final VisitorAuth auth;
    private final VisitorMessages messages;
    private final ReceiptRecorder receipts;

    ChatApi(VisitorRegistry visitors, VisitorAuth auth, VisitorMessages messages, ReceiptRecorder receipts) {
        this.visitors = visitors;
        this.auth = auth;
        this.messages = messages;
        this.receipts = receipts;
    }

    WebhookResponse config(ChatInstance r) {
        return json(200, new Frames.Config(r.title(), r.color(), r.greeting(), r.position(), r.isOpen(),
                r.offlineMessage(), r.maxFileBytes(), r.allowedFileTypes(), r.maxTextLength()));
    }

    /**
     * A new conversation, or with a valid bearer token the same one with a renewed token (and updated profile). A
     * token is carried over only for the same identity: a site's user logging in or out, or another user at the
     * same browser, starts a new conversation, so nobody sees another person's chat.
     */
    WebhookResponse session(ChatInstance r, WebhookRequest request) {
        JsonNode body = VisitorInput.readJson(request.body(), true);
        String verifiedEmail = r.identities().verify(body);
        String name = VisitorInput.name(body.path("name"));
        String email = VisitorInput.email(body.path("email"));
        String key = null;
        Optional<String> bearer = VisitorAuth.bearer(request);
        if (bearer.isPresent()) {
            TokenSigner.Result verified = r.tokens().verify(bearer.get());
            if (verified.ok() && Objects.equals(verified.token().verifiedEmail(), verifiedEmail)) {
                key = verified.token().conversationKey();   // keep the conversation, renew the token
            }
        }
        if (key == null) {
            // No token, one that does not verify, or another identity's: never carry anything over from it.
            key = r.tokens().newConversationKey();
        }
        visitors.visitor(key).profile(name, email);
        String token = r.tokens().issue(key, verifiedEmail);
        TokenSigner.Verified t = r.tokens().verify(token).token();
        LOG.debug("{}: session for visitor {}{}{}", r.instanceId(), VisitorRegistry.shortKey(key),
                email == null ? "" : " with email", verifiedEmail == null ? "" : ", verified as "
                        + Redact.email(verifiedEmail));
        return json(200, new Frames.Session(token, t.expiresAt().toString(), r.isOpen()));
    }

    /** The latest {@code historyLimit} messages of the token's conversation, oldest first. */
    WebhookResponse history(ChatInstance r, WebhookRequest request) {
        String key = auth.authorize(r, request).conversationKey();
        Visitor v = visitors.visitor(key);
        List<Frames.MessageView> views = new ArrayList<>();
        Optional<Conversation> conversation = r.context().findConversation(key);
        if (conversation.isPresent()) {
            for (Message m : r.context().recentMessages(conversation.get().id(), r.historyLimit())) {
                if (m.direction() != Direction.INTERNAL) {
                    views.add(Frames.view(m, Frames.outboundId(m, m.channelMessageId())));
                }
            }
        }
        boolean typing = v.agentTypingAt.plus(AGENT_TYPING_SHOWN).isAfter(r.clock().instant());
        return json(200, new Frames.History(views, r.isOpen(), typing));
    }

    WebhookResponse postMessage(ChatInstance r, WebhookRequest request, String origin) {
        HttpRouter.requireMethod(request.method(), "POST");
        TokenSigner.Verified token = auth.authorize(r, request);
        JsonNode body = VisitorInput.readJson(request.body(), false);
        Frames.Ack ack = messages.acceptText(r, token, body, origin);
        return json(200, new Frames.Sent(ack.clientId(), ack.status(), ack.at(), List.of()));
    }

    WebhookResponse receipts(ChatInstance r, WebhookRequest request) {
        String key = auth.authorize(r, request).conversationKey();
        JsonNode body = VisitorInput.readJson(request.body(), false);
        int recorded = receipts.record(r, key, body.path("delivered"), body.path("read"));
        return json(200, Map.of("recorded", recorded));
    }

    static WebhookResponse json(int status, Object body) {
        return new WebhookResponse(status, "application/json", Frames.bytes(body));
    }
}
