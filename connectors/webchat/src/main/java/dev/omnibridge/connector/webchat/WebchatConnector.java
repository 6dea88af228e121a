package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.Settings;
import dev.omnibridge.live.LiveSocket;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.HandOff;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * One {@code webchat} instance: serves the widget and its HTTP API under {@code /hooks/<id>/}, accepts the widget's
 * WebSocket, stores visitors' messages and files, and pushes agents' replies to the visitor's open sockets.
 * Every request is hostile until proven otherwise: origin, token, rate limits, sizes and file contents are checked
 * here, before anything is stored.
 */
public final class WebchatConnector implements ChannelConnector {
    private static final Logger LOG = LoggerFactory.getLogger(WebchatConnector.class);
    static final String META_EMAIL = "webchat.email";
    static final String META_ORIGIN = "webchat.origin";
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern EMAIL = Pattern.compile("[^\\s@<>()\",;:]{1,64}@[^\\s@<>()\",;:]{1,190}\\.[^\\s@<>()\",;:]{1,63}");
    private static final int MAX_FRAME_CHARS = 64 * 1024;
    private static final int MAX_SOCKETS_PER_VISITOR = 8;
    private static final int MAX_VISITORS_IN_MEMORY = 50_000;
    private static final Duration TYPING_THROTTLE = Duration.ofSeconds(2);
    private static final Duration AGENT_TYPING_SHOWN = Duration.ofSeconds(6);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(15);

    /** Settings and helpers of a running instance; replaced as a whole on start. */
    record Running(ConnectorContext context, String instanceId, ChannelRef channel, TokenSigner tokens,
                   OriginPolicy origins, RateLimiter perIp, RateLimiter perVisitor, BusinessHours hours,
                   String title, String color, String greeting, String offlineMessage, String position,
                   Optional<String> followUpChannel, Duration handOffAfter, long maxFileBytes,
                   List<String> allowedFileTypes, int maxTextLength, int historyLimit, Instant startedAt) {
    }

    /** What the instance remembers about a visitor between requests (in memory; the messages hold the rest). */
    static final class Visitor {
        volatile String name;
        volatile String email;
        volatile Instant lastSeen;
        volatile Instant lastTyping = Instant.EPOCH;
        volatile Instant agentTypingAt = Instant.EPOCH;
        final Set<String> delivered = ConcurrentHashMap.newKeySet();
        final Set<String> read = ConcurrentHashMap.newKeySet();
        final Set<LiveSocket> sockets = new CopyOnWriteArraySet<>();

        Visitor(Instant now) {
            this.lastSeen = now;
        }
    }

    /** A refusal answered with JSON and the CORS headers, so the widget can read why. */
    static final class Refusal extends WebhookRejectedException {
        final long retryAfter;

        Refusal(int status, String message) {
            this(status, message, 0);
        }

        Refusal(int status, String message, long retryAfter) {
            super(status, message);
            this.retryAfter = retryAfter;
        }
    }

    private final Clock clock;
    private final Map<String, Visitor> visitors = new ConcurrentHashMap<>();
    private volatile Running running;

    public WebchatConnector() {
        this(Clock.systemUTC());
    }

    WebchatConnector(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void start(ConnectorContext context) {
        Settings s = context.settings();
        String id = context.instanceId();
        Duration ttl = s.duration(WebchatType.TOKEN_TTL);
        BusinessHours hours = BusinessHours.parse(s.string(WebchatType.BUSINESS_HOURS),
                ZoneId.of(s.string(WebchatType.TIME_ZONE)));
        running = new Running(context, id, new ChannelRef(WebchatType.NAME, id),
                new TokenSigner(s.secret(WebchatType.TOKEN_SECRET).reveal(), id, ttl, clock),
                new OriginPolicy(s.list(WebchatType.ALLOWED_ORIGINS), safeWebhookUrl(context)),
                new RateLimiter(s.integer(WebchatType.REQUESTS_PER_MINUTE_PER_IP), clock),
                new RateLimiter(s.integer(WebchatType.MESSAGES_PER_MINUTE), clock), hours,
                s.string(WebchatType.TITLE), s.string(WebchatType.COLOR), s.string(WebchatType.GREETING),
                s.string(WebchatType.OFFLINE_MESSAGE), s.string(WebchatType.POSITION),
                s.optionalString(WebchatType.FOLLOW_UP_CHANNEL), s.duration(WebchatType.HAND_OFF_AFTER),
                s.longValue(WebchatType.MAX_FILE_BYTES), s.list(WebchatType.ALLOWED_FILE_TYPES),
                s.integer(WebchatType.MAX_TEXT_LENGTH), s.integer(WebchatType.HISTORY_LIMIT), clock.instant());
        LOG.info("{}: webchat started; {} allowed origin(s), {}", id, s.list(WebchatType.ALLOWED_ORIGINS).size(),
                hours.alwaysOpen() ? "always open" : "business hours set");
    }

    @Override
    public void stop() {
        Running was = running;
        running = null;
        for (Visitor v : visitors.values()) {
            for (LiveSocket socket : v.sockets) {
                socket.close(1001, "chat stopped");
            }
            v.sockets.clear();
        }
        if (was != null) {
            LOG.info("{}: webchat stopped", was.instanceId());
        }
    }

    private static java.net.URI safeWebhookUrl(ConnectorContext context) {
        try {
            return context.webhookUrl();
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = running;
        String origin = request.header("Origin").orElse(null);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Content-Type-Options", "nosniff");
        try {
            if (r == null) {
                throw new Refusal(503, "the chat is not running");
            }
            if (origin != null) {
                if (!r.origins().allows(origin, request)) {
                    throw new Refusal(403, "this site (origin) may not use the chat");
                }
                headers.put("Access-Control-Allow-Origin", origin);
            }
            headers.put("Vary", "Origin");
            long wait = r.perIp().acquire(request.remoteAddress());
            if (wait > 0) {
                throw new Refusal(429, "too many requests from this address; retry in " + wait + " s", wait);
            }
            String method = request.method();
            String path = request.subPath();
            if ("OPTIONS".equals(method)) {
                headers.put("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
                headers.put("Access-Control-Allow-Headers", "Authorization, Content-Type");
                headers.put("Access-Control-Max-Age", "600");
                return WebhookOutcome.respond(new WebhookResponse(204, null, null, headers));
            }
            WebhookResponse asset = StaticAssets.asset(path);
            if (asset != null) {
                requireMethod(method, "GET");
                return WebhookOutcome.respond(asset.withHeaders(headers));
            }
            if (!"GET".equals(method) && origin == null) {
                // Browsers always send Origin on POST; without one this is not the widget.
                throw new Refusal(403, "requests must carry an Origin header");
            }
            WebhookResponse response = switch (path) {
                case "config" -> {
                    requireMethod(method, "GET");
                    yield json(200, config(r));
                }
                case "session" -> {
                    requireMethod(method, "POST");
                    yield session(r, request);
                }
                case "messages" -> "GET".equals(method) ? history(r, request) : postMessage(r, request, origin);
                case "receipts" -> {
                    requireMethod(method, "POST");
                    yield receipts(r, request);
                }
                case "files" -> {
                    requireMethod(method, "POST");
                    yield postFile(r, request, origin);
                }
                case "socket" -> throw new Refusal(426, "open this path as a WebSocket");
                default -> {
                    if (path.startsWith("files/")) {
                        requireMethod(method, "GET");
                        yield getFile(r, request, path.substring("files/".length()));
                    }
                    throw new Refusal(404, "no such chat resource; see docs/contracts.md, webchat wire protocol");
                }
            };
            headers.putIfAbsent("Cache-Control", "no-store");
            return WebhookOutcome.respond(response.withHeaders(headers).withHeaders(response.headers()));
        } catch (WebhookRejectedException e) {
            if (e instanceof Refusal refusal && refusal.retryAfter > 0) {
                headers.put("Retry-After", Long.toString(refusal.retryAfter));
            }
            headers.put("Cache-Control", "no-store");
            if (e.status() >= 500 || e.status() == 403) {
                LOG.info("{}: refused {} {} from {} with {}: {}", r == null ? "webchat" : r.instanceId(),
                        request.method(), request.subPath(), request.remoteAddress(), e.status(), e.getMessage());
            }
            return WebhookOutcome.respond(new WebhookResponse(e.status(), "application/json",
                    Frames.bytes(Map.of("error", e.getMessage())), headers));
        }
    }

    private static void requireMethod(String method, String allowed) {
        if (!allowed.equals(method)) {
            throw new Refusal(405, "method " + method + " not allowed here; use " + allowed);
        }
    }

    private static WebhookResponse json(int status, Object body) {
        return new WebhookResponse(status, "application/json", Frames.bytes(body));
    }

    boolean isOpen(Running r) {
        return r.hours().isOpen(clock.instant()) && r.context().deskAvailable();
    }

    private Frames.Config config(Running r) {
        return new Frames.Config(r.title(), r.color(), r.greeting(), r.position(), isOpen(r), r.offlineMessage(),
                r.maxFileBytes(), r.allowedFileTypes(), r.maxTextLength());
    }

    private WebhookResponse session(Running r, WebhookRequest request) {
        JsonNode body = readJson(request.body(), true);
        String name = name(body.path("name"));
        String email = email(body.path("email"));
        String key = null;
        Optional<String> bearer = bearer(request);
        if (bearer.isPresent()) {
            TokenSigner.Result verified = r.tokens().verify(bearer.get());
            if (verified.ok()) {
                key = verified.token().conversationKey();   // keep the conversation, renew the token
            }
        }
        if (key == null) {
            key = r.tokens().newConversationKey();
        }
        Visitor v = visitor(key);
        profile(v, name, email);
        String token = r.tokens().issue(key);
        TokenSigner.Verified t = r.tokens().verify(token).token();
        LOG.debug("{}: session for visitor {}{}", r.instanceId(), shortKey(key), email == null ? "" : " with email");
        return json(200, new Frames.Session(token, t.expiresAt().toString(), isOpen(r)));
    }

    private WebhookResponse history(Running r, WebhookRequest request) {
        String key = authorize(r, request);
        Visitor v = visitor(key);
        List<Frames.MessageView> views = new ArrayList<>();
        Optional<Conversation> conversation = r.context().findConversation(key);
        if (conversation.isPresent()) {
            for (Message m : r.context().recentMessages(conversation.get().id(), r.historyLimit())) {
                if (m.direction() != Direction.INTERNAL) {
                    views.add(Frames.view(m, Frames.outboundId(m, m.channelMessageId())));
                }
            }
        }
        boolean typing = v.agentTypingAt.plus(AGENT_TYPING_SHOWN).isAfter(clock.instant());
        return json(200, new Frames.History(views, isOpen(r), typing));
    }

    private WebhookResponse postMessage(Running r, WebhookRequest request, String origin) {
        requireMethod(request.method(), "POST");
        String key = authorize(r, request);
        JsonNode body = readJson(request.body(), false);
        Frames.Ack ack = acceptText(r, key, body, origin);
        return json(200, new Frames.Sent(ack.clientId(), ack.status(), ack.at(), List.of()));
    }

    /** Validates, stores and echoes a visitor's text message; used by HTTP POST and by socket frames. */
    private Frames.Ack acceptText(Running r, String key, JsonNode body, String origin) {
        String clientId = clientId(body.path("clientId"));
        String text = text(r, body.path("text"));
        if (text.isBlank()) {
            throw new Refusal(400, "text must not be empty");
        }
        Visitor v = visitor(key);
        profile(v, name(body.path("name")), email(body.path("email")));
        rateLimitVisitor(r, key);
        Message message = visitorMessage(r, key, v, clientId, text, List.of(), origin);
        store(r, Inbound.messages(List.of(message)));
        echo(key, message);
        return new Frames.Ack(clientId, message.receivedAt().toString());
    }

    private WebhookResponse postFile(Running r, WebhookRequest request, String origin) {
        String key = authorize(r, request);
        String clientId = clientId(request.queryParam("clientId")
                .<JsonNode>map(com.fasterxml.jackson.databind.node.TextNode::valueOf)
                .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance()));
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
        Optional<String> actual = FileTypes.sniff(bytes);
        if (actual.isEmpty() || !actual.get().equals(declared)) {
            throw new Refusal(415, "the file's content is not " + declared
                    + actual.map(a -> " (it looks like " + a + ")").orElse(""));
        }
        Visitor v = visitor(key);
        rateLimitVisitor(r, key);
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
        Message message = visitorMessage(r, key, v, clientId, "", List.of(stored), origin);
        store(r, Inbound.messages(List.of(message)));
        echo(key, message);
        return json(200, new Frames.Sent(clientId, "sent", message.receivedAt().toString(),
                List.of(Frames.file(stored))));
    }

    private WebhookResponse getFile(Running r, WebhookRequest request, String sha) {
        String key = authorize(r, request);
        if (!SHA256.matcher(sha).matches()) {
            throw new Refusal(400, "a file id is a lower-case hex SHA-256");
        }
        Conversation conversation = r.context().findConversation(key)
                .orElseThrow(() -> new Refusal(404, "no such file in this conversation"));
        Attachment found = null;
        for (Message m : r.context().recentMessages(conversation.id(), 500)) {
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
        String type = FileTypes.VERIFIABLE.contains(found.mediaType()) ? found.mediaType() : "application/octet-stream";
        boolean inline = FileTypes.IMAGES.contains(type);
        String name = FileTypes.safeName(found.fileName(), type).replaceAll("[^\\x20-\\x7e]", "_");
        return new WebhookResponse(200, type, bytes).withHeaders(Map.of(
                "Content-Disposition", (inline ? "inline" : "attachment") + "; filename=\"" + name + "\"",
                "Content-Security-Policy", "default-src 'none'; sandbox",
                "Cache-Control", "private, max-age=3600",
                "Cross-Origin-Resource-Policy", "cross-origin"));
    }

    private WebhookResponse receipts(Running r, WebhookRequest request) {
        String key = authorize(r, request);
        JsonNode body = readJson(request.body(), false);
        int recorded = receipts(r, key, body.path("delivered"), body.path("read"));
        return json(200, Map.of("recorded", recorded));
    }

    /** Records DELIVERED/READ for replies of the visitor's own conversation; returns how many were news. */
    private int receipts(Running r, String key, JsonNode delivered, JsonNode read) {
        Visitor v = visitor(key);
        List<String> wantDelivered = ids(delivered);
        List<String> wantRead = ids(read);
        if (wantDelivered.isEmpty() && wantRead.isEmpty()) {
            return 0;
        }
        Optional<Conversation> conversation = r.context().findConversation(key);
        if (conversation.isEmpty()) {
            return 0;
        }
        Set<String> ours = ConcurrentHashMap.newKeySet();
        for (Message m : r.context().recentMessages(conversation.get().id(), 500)) {
            if (m.direction() == Direction.OUTBOUND && m.id() != null) {
                ours.add(Frames.outboundId(m, m.id()));
            }
        }
        Instant now = clock.instant();
        List<DeliveryStatus> statuses = new ArrayList<>();
        for (String id : wantDelivered) {
            if (ours.contains(id) && !v.delivered.contains(id) && !v.read.contains(id)) {
                statuses.add(new DeliveryStatus(id, DeliveryStatus.State.DELIVERED, null, null, now));
            }
        }
        for (String id : wantRead) {
            if (ours.contains(id) && !v.read.contains(id)) {
                statuses.add(new DeliveryStatus(id, DeliveryStatus.State.READ, null, null, now));
            }
        }
        if (statuses.isEmpty()) {
            return 0;
        }
        store(r, Inbound.statuses(statuses));
        for (DeliveryStatus s : statuses) {
            (s.state() == DeliveryStatus.State.READ ? v.read : v.delivered).add(s.channelMessageId());
        }
        return statuses.size();
    }

    private static List<String> ids(JsonNode node) {
        List<String> ids = new ArrayList<>();
        if (node != null && node.isArray()) {
            for (int i = 0; i < Math.min(node.size(), 100); i++) {
                JsonNode n = node.get(i);
                if (n.isTextual() && n.asText().length() <= 80 && n.asText().startsWith("out-")) {
                    ids.add(n.asText());
                }
            }
        }
        return ids;
    }

    // ------------------------------------------------------------------------------------------------ socket

    @Override
    public LiveSocket.Listener onSocket(WebhookRequest handshake, LiveSocket socket) {
        Running r = running;
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
        String key = verifiedKey(r, handshake.queryParam("token").orElse(null));
        Visitor v = visitor(key);
        if (v.sockets.size() >= MAX_SOCKETS_PER_VISITOR) {
            throw new WebhookRejectedException(429, "too many open chat windows for this visitor");
        }
        v.sockets.add(socket);
        v.lastSeen = clock.instant();
        socket.send(Frames.write(new Frames.Hello(r.hours().isOpen(clock.instant()) && r.context().deskAvailable(),
                r.offlineMessage())));
        String ip = handshake.remoteAddress();
        return new LiveSocket.Listener() {
            @Override
            public void onText(String text) {
                frame(key, ip, origin, socket, text);
            }

            @Override
            public void onClose() {
                v.sockets.remove(socket);
                v.lastSeen = clock.instant();
            }
        };
    }

    /** One frame from a visitor's socket: handled, answered with an ack or an error frame, never thrown. */
    void frame(String key, String ip, String origin, LiveSocket socket, String text) {
        Running r = running;
        if (r == null) {
            socket.close(1001, "chat stopped");
            return;
        }
        Visitor v = visitor(key);
        v.lastSeen = clock.instant();
        String clientId = null;
        try {
            if (text.length() > MAX_FRAME_CHARS) {
                throw new Refusal(413, "frame is too large");
            }
            JsonNode frame = readJson(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
            String type = frame.path("type").asText("");
            if (frame.path("clientId").isTextual()) {
                clientId = frame.path("clientId").asText();
                clientId = CLIENT_ID.matcher(clientId).matches() ? clientId : null;
            }
            switch (type) {
                case "typing" -> visitorTyping(r, key, v);
                case "message" -> socket.send(Frames.write(acceptText(r, key, frame, origin)));
                case "delivered", "read" -> {
                    limitIp(r, ip);
                    receipts(r, key, "delivered".equals(type) ? frame.path("ids") : null,
                            "read".equals(type) ? frame.path("ids") : null);
                }
                case "ping" -> {
                    limitIp(r, ip);
                    socket.send(Frames.write(Frames.Pong.pong()));
                }
                default -> throw new Refusal(400, "unknown frame type; expected message, typing, delivered, read "
                        + "or ping");
            }
        } catch (WebhookRejectedException e) {
            long retry = e instanceof Refusal refusal ? refusal.retryAfter : 0;
            socket.send(Frames.write(new Frames.Error("error", clientId, e.status(), e.getMessage(),
                    retry > 0 ? retry : null)));
        }
    }

    private void limitIp(Running r, String ip) {
        long wait = r.perIp().acquire(ip);
        if (wait > 0) {
            throw new Refusal(429, "too many requests from this address; retry in " + wait + " s", wait);
        }
    }

    private void visitorTyping(Running r, String key, Visitor v) {
        Instant now = clock.instant();
        if (v.lastTyping.plus(TYPING_THROTTLE).isAfter(now)) {
            return;
        }
        v.lastTyping = now;
        try {
            r.context().customerTyping(key);
        } catch (RuntimeException e) {
            LOG.debug("{}: typing hint failed: {}", r.instanceId(), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------ outbound

    @Override
    public String send(OutboundMessage outbound) throws DeliveryException {
        Running r = running;
        if (r == null) {
            throw DeliveryException.retryable("instance is not running", null);
        }
        Message message = outbound.message();
        if (message.direction() == Direction.INTERNAL) {
            throw DeliveryException.permanent("internal messages are never sent to customers");
        }
        Conversation conversation = outbound.conversation();
        if (conversation == null) {
            throw DeliveryException.permanent("a chat reply needs its conversation");
        }
        String key = conversation.threadKey();
        String id = Frames.outboundId(message, outbound.idempotencyKey());
        Frames.MessageView view = Frames.view(message.toBuilder()
                .receivedAt(message.receivedAt() == null ? clock.instant() : message.receivedAt()).build(), id);
        int pushed = push(key, Frames.write(new Frames.Push(view)));
        if (pushed == 0) {
            Optional<String> email = handOffAddress(r, conversation);
            if (email.isPresent()) {
                LOG.info("{}: visitor {} left the chat; reply {} goes to {}", r.instanceId(), shortKey(key), id,
                        r.followUpChannel().get());
                throw new HandOff(r.followUpChannel().get(), Address.email(email.get()), "visitor left the chat");
            }
        }
        LOG.debug("{}: reply {} for visitor {} pushed to {} socket(s)", r.instanceId(), id, shortKey(key), pushed);
        return id;
    }

    /**
     * The email to hand a reply off to, when the visitor is gone: no socket open, not seen for handOffAfter, left
     * an email, and a follow-up channel is configured.
     */
    Optional<String> handOffAddress(Running r, Conversation conversation) {
        if (r.followUpChannel().isEmpty()) {
            return Optional.empty();
        }
        String key = conversation.threadKey();
        Visitor v = visitors.get(key);
        if (v != null && !v.sockets.isEmpty()) {
            return Optional.empty();
        }
        Instant lastSeen = v != null ? v.lastSeen : r.startedAt();
        if (lastSeen.plus(r.handOffAfter()).isAfter(clock.instant())) {
            return Optional.empty();
        }
        String email = v == null ? null : v.email;
        if (email == null) {
            List<Message> recent = r.context().recentMessages(conversation.id(), 50);
            for (int i = recent.size() - 1; i >= 0 && email == null; i--) {
                Message m = recent.get(i);
                if (m.direction() == Direction.INBOUND) {
                    email = m.metadata().get(META_EMAIL);
                }
            }
        }
        return Optional.ofNullable(email);
    }

    @Override
    public void agentTyping(Conversation conversation) {
        Running r = running;
        if (r == null || conversation == null || !r.instanceId().equals(conversation.channel().instanceId())) {
            return;
        }
        Visitor v = visitors.get(conversation.threadKey());
        if (v != null) {
            v.agentTypingAt = clock.instant();
        }
        push(conversation.threadKey(), Frames.write(Frames.Typing.agent()));
    }

    /** Sends a frame to every open socket of the visitor; returns how many took it. */
    int push(String key, String frame) {
        Visitor v = visitors.get(key);
        if (v == null) {
            return 0;
        }
        int n = 0;
        for (LiveSocket socket : v.sockets) {
            if (socket.isOpen() && socket.send(frame)) {
                n++;
            } else if (!socket.isOpen()) {
                v.sockets.remove(socket);
            }
        }
        if (n > 0) {
            v.lastSeen = clock.instant();
        }
        return n;
    }

    /** Shows a visitor's message in the visitor's other tabs. */
    private void echo(String key, Message message) {
        push(key, Frames.write(new Frames.Push(Frames.view(message, null))));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Message visitorMessage(Running r, String key, Visitor v, String clientId, String text,
                                   List<Attachment> files, String origin) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (v.email != null) {
            metadata.put(META_EMAIL, v.email);
        }
        if (origin != null) {
            metadata.put(META_ORIGIN, OriginPolicy.normalise(origin) == null ? "invalid" : OriginPolicy.normalise(origin));
        }
        Instant now = clock.instant();
        String name = v.name != null ? v.name : "Visitor " + key.substring(0, 4);
        return Message.builder().direction(Direction.INBOUND).channel(r.channel())
                .channelMessageId(key + "." + clientId).threadKey(key)
                .author(Author.customer(name, Address.chatUser(key))).text(text).attachments(files)
                .receivedAt(now).channelTimestamp(now).metadata(metadata).build();
    }

    private void store(Running r, Inbound inbound) {
        try {
            r.context().submit(inbound).toCompletableFuture().get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal(503, "the message could not be stored; retry later");
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: storing visitor input failed: {}", r.instanceId(),
                    e.getCause() == null ? e.toString() : e.getCause().getMessage());
            throw new Refusal(503, "the message could not be stored; retry later");
        }
    }

    private void rateLimitVisitor(Running r, String key) {
        long wait = r.perVisitor().acquire(key);
        if (wait > 0) {
            throw new Refusal(429, "too many messages; retry in " + wait + " s", wait);
        }
    }

    private String authorize(Running r, WebhookRequest request) {
        String key = verifiedKey(r, bearer(request).orElse(null));
        visitor(key).lastSeen = clock.instant();
        return key;
    }

    /** The conversation key of a valid token; 401 without a usable token, 403 for a forged or foreign one. */
    private String verifiedKey(Running r, String token) {
        TokenSigner.Result result = r.tokens().verify(token);
        if (!result.ok()) {
            int status = result.problem() == TokenSigner.Problem.BAD_SIGNATURE ? 403 : 401;
            throw new Refusal(status, TokenSigner.problemText(result.problem()).orElse("invalid token"));
        }
        return result.token().conversationKey();
    }

    private static Optional<String> bearer(WebhookRequest request) {
        return request.header("Authorization").filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip());
    }

    Visitor visitor(String key) {
        if (visitors.size() > MAX_VISITORS_IN_MEMORY) {
            Instant cutoff = clock.instant().minus(Duration.ofHours(12));
            visitors.entrySet().removeIf(e -> e.getValue().sockets.isEmpty() && e.getValue().lastSeen.isBefore(cutoff));
        }
        return visitors.computeIfAbsent(key, k -> new Visitor(clock.instant()));
    }

    private static void profile(Visitor v, String name, String email) {
        if (name != null) {
            v.name = name;
        }
        if (email != null) {
            v.email = email;
        }
    }

    private static JsonNode readJson(byte[] body, boolean emptyIsObject) {
        if (body.length == 0 && emptyIsObject) {
            return Frames.JSON.createObjectNode();
        }
        try {
            JsonNode node = Frames.JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new Refusal(400, "body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Refusal(400, "body is not valid JSON");
        }
    }

    private static String clientId(JsonNode node) {
        if (!node.isTextual() || !CLIENT_ID.matcher(node.asText()).matches()) {
            throw new Refusal(400, "clientId must be 8 to 64 letters, digits, '-' or '_'");
        }
        return node.asText();
    }

    private static String text(Running r, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new Refusal(400, "text must be a string");
        }
        String text = node.asText();
        if (text.codePointCount(0, text.length()) > r.maxTextLength()) {
            throw new Refusal(413, "text is longer than " + r.maxTextLength() + " characters");
        }
        // Control characters other than line breaks and tabs have no place in a chat line.
        return text.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "").strip();
    }

    private static String name(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new Refusal(400, "name must be a string");
        }
        String name = node.asText().replaceAll("\\p{Cntrl}", " ").strip();
        if (name.length() > 80) {
            throw new Refusal(400, "name is longer than 80 characters");
        }
        return name.isEmpty() ? null : name;
    }

    private static String email(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new Refusal(400, "email must be a string");
        }
        String email = node.asText().strip();
        if (email.isEmpty()) {
            return null;
        }
        if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
            throw new Refusal(400, "email is not a valid address");
        }
        return Address.email(email).value();
    }

    static String shortKey(String key) {
        return key == null || key.length() < 4 ? "****" : key.substring(0, 4) + "****";
    }
}
