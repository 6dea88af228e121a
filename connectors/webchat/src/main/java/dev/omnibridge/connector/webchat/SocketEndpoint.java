package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.live.LiveSocket;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The widget's WebSocket: decides the handshake (origin, address limit, token) and handles the visitor's frames.
 * A frame is answered with an ack or an error frame and never throws, so one bad frame does not close the socket.
 */
final class SocketEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(WebchatConnector.class);
    private static final int MAX_FRAME_CHARS = 64 * 1024;
    /** More tabs than this for one visitor is a script, not a person. */
    private static final int MAX_SOCKETS_PER_VISITOR = 8;
    /** Agents see "typing" for a few seconds; telling the hub more often is only load. */
    private static final Duration TYPING_THROTTLE = Duration.ofSeconds(2);

    private final VisitorRegistry visitors;
    private final VisitorMessages messages;
    private final ReceiptRecorder receipts;
    /** The instance now: frames arriving after a stop are not handled with a stale configuration. */
    private final Supplier<ChatInstance> current;

    SocketEndpoint(VisitorRegistry visitors, VisitorMessages messages, ReceiptRecorder receipts,
                   Supplier<ChatInstance> current) {
        this.visitors = visitors;
        this.messages = messages;
        this.receipts = receipts;
        this.current = current;
    }

    /** Runs on the HTTP event loop: decides from the handshake alone and never blocks. */
    LiveSocket.Listener open(ChatInstance r, WebhookRequest handshake, LiveSocket socket) {
        if (r == null) {
            throw new WebhookRejectedException(503, "the chat is not running");
        }
        if (!"socket".equals(handshake.subPath())) {
            throw new WebhookRejectedException(404, "the chat's WebSocket is at socket");
        }
        String origin = handshake.header("Origin").orElse(null);
        if (origin == null || !r.origins().allows(origin, handshake)) {
            LOG.info("{}: refused a socket from {}: origin not allowed", r.instanceId(), handshake.remoteAddress());
            throw WebhookRejectedException.forbidden("this site (origin) may not use the chat");
        }
        if (r.perIp().acquire(handshake.remoteAddress()) > 0) {
            throw new WebhookRejectedException(429, "too many requests from this address");
        }
        // Browsers cannot set headers on a WebSocket, hence the token in the query.
        TokenSigner.Verified token = VisitorAuth.verify(r, handshake.queryParam("token").orElse(null));
        Visitor v = visitors.visitor(token.conversationKey());
        if (v.sockets.size() >= MAX_SOCKETS_PER_VISITOR) {
            throw new WebhookRejectedException(429, "too many open chat windows for this visitor");
        }
        v.sockets.add(socket);
        v.lastSeen = r.clock().instant();
        String key = token.conversationKey();
        r.context().liveFanout().connected(key);   // issue 25: other hub nodes know the visitor is here
        socket.send(Frames.write(new Frames.Hello(r.isOpen(), r.offlineMessage())));
        String ip = handshake.remoteAddress();
        return new LiveSocket.Listener() {
            @Override
            public void onText(String text) {
                frame(token, ip, origin, socket, text);
            }

            @Override
            public void onClose() {
                if (v.sockets.remove(socket)) {
                    r.context().liveFanout().disconnected(key);
                }
                v.lastSeen = r.clock().instant();
            }
        };
    }

    /** One frame from a visitor's socket: handled, answered with an ack or an error frame, never thrown. */
    void frame(TokenSigner.Verified token, String ip, String origin, LiveSocket socket, String text) {
        ChatInstance r = current.get();
        if (r == null) {
            socket.close(1001, "chat stopped");
            return;
        }
        String key = token.conversationKey();
        Visitor v = visitors.seen(key);
        r.context().liveFanout().seen(key);
        String clientId = null;
        try {
            if (text.length() > MAX_FRAME_CHARS) {
                throw new Refusal(413, "frame is too large");
            }
            JsonNode frame = VisitorInput.readJson(text.getBytes(StandardCharsets.UTF_8), false);
            String type = frame.path("type").asText("");
            if (frame.path("clientId").isTextual() && VisitorInput.isClientId(frame.path("clientId").asText())) {
                clientId = frame.path("clientId").asText();   // only a valid one is echoed in an error frame
            }
            switch (type) {
                case "typing" -> visitorTyping(r, key, v);
                case "message" -> socket.send(Frames.write(messages.acceptText(r, token, frame, origin)));
                case "delivered", "read" -> {
                    r.limitIp(ip);
                    receipts.record(r, key, "delivered".equals(type) ? frame.path("ids") : null,
                            "read".equals(type) ? frame.path("ids") : null);
                }
                case "ping" -> {
                    r.limitIp(ip);
                    socket.send(Frames.write(Frames.Pong.pong()));
                }
                default -> throw new Refusal(400, "unknown frame type; expected message, typing, delivered, read "
                        + "or ping");
            }
        } catch (WebhookRejectedException e) {
            long retry = Refusal.retryAfter(e);
            socket.send(Frames.write(new Frames.Error("error", clientId, e.status(), e.getMessage(),
                    retry > 0 ? retry : null)));
        }
    }

    private static void visitorTyping(ChatInstance r, String key, Visitor v) {
        Instant now = r.clock().instant();
        if (v.lastTyping.plus(TYPING_THROTTLE).isAfter(now)) {
            return;
        }
        v.lastTyping = now;
        try {
            r.context().customerTyping(key);
        } catch (RuntimeException e) {
            LOG.debug("{}: typing hint failed: {}", r.instanceId(), e.getMessage());   // a hint, never an error
        }
    }
}
