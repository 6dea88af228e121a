package dev.omnibridge.connector.webchat;

import dev.omnibridge.live.LiveSocket;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorBase;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.HandOff;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;

/**
 * One {@code webchat} instance: serves the widget and its HTTP API under {@code /hooks/<id>/}, accepts the widget's
 * WebSocket, stores visitors' messages and files, and pushes agents' replies to the visitor's open sockets.
 * This class only runs the lifecycle and hands work to its parts: {@link HttpRouter} (HTTP API),
 * {@link SocketEndpoint} (socket), {@link VisitorRegistry} (visitors and their sockets) and {@link HandOffPolicy}.
 * Every request is hostile until proven otherwise: origin, token, rate limits, sizes and file contents are checked
 * before anything is stored.
 */
public final class WebchatConnector extends ConnectorBase<ChatInstance> implements ChannelConnector {
    private static final Logger LOG = LoggerFactory.getLogger(WebchatConnector.class);
    /** Message metadata: the visitor's unverified pre-chat email. */
    static final String META_EMAIL = "webchat.email";
    /** Message metadata: the site the widget was embedded in. */
    static final String META_ORIGIN = "webchat.origin";
    /** Reply options the widget shows as buttons under one reply ({@link #capabilities}). */
    static final int MAX_CHOICES = 10;

    private final Clock clock;
    private final VisitorRegistry visitors;
    private final HttpRouter http;
    private final SocketEndpoint sockets;
    private final HandOffPolicy handOff;

    public WebchatConnector() {
        this(Clock.systemUTC());
    }

    WebchatConnector(Clock clock) {
        this.clock = clock;
        this.visitors = new VisitorRegistry(clock);
        VisitorAuth auth = new VisitorAuth(visitors);
        VisitorMessages messages = new VisitorMessages(visitors);
        ReceiptRecorder receipts = new ReceiptRecorder(visitors);
        this.http = new HttpRouter(new ChatApi(visitors, auth, messages, receipts), new FileEndpoint(auth, messages));
        this.sockets = new SocketEndpoint(visitors, messages, receipts, this::runningOrNull);
        this.handOff = new HandOffPolicy(visitors);
    }

    @Override
    protected ChatInstance open(ConnectorContext context) {
        ChatInstance r = ChatInstance.start(context, clock);
        // Issue 25: replies delivered on another hub node reach this node's sockets of the visitor.
        context.liveFanout().onFrame(visitors::push);
        LOG.info("{}: webchat started; {} allowed origin(s), {}", r.instanceId(),
                context.settings().list(WebchatType.ALLOWED_ORIGINS).size(),
                r.hours().isAlwaysOpen() ? "always open" : "business hours of calendar " + r.hours().name());
        return r;
    }

    @Override
    protected void close(ChatInstance was) {
        visitors.closeAllSockets("chat stopped");
        LOG.info("{}: webchat stopped", was.instanceId());
    }

    /**
     * The running instance, or null: the widget's HTTP API and socket answer a stopped chat themselves (503 "the chat
     * is not running", with the API's security headers), so they take null rather than {@link #runningForWebhook}.
     */
    private ChatInstance runningOrNull() {
        return current().orElse(null);
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        return http.handle(runningOrNull(), request);
    }

    @Override
    public LiveSocket.Listener onSocket(WebhookRequest handshake, LiveSocket socket) {
        return sockets.open(runningOrNull(), handshake, socket);
    }

    /**
     * Pushes a reply to every open socket of the visitor; with none it stays in the history for their return, or is
     * handed off to the follow-up channel when {@link HandOffPolicy} says the visitor is gone.
     */
    @Override
    public String send(OutboundMessage outbound) throws DeliveryException {
        ChatInstance r = running();
        Message message = outbound.customerFacing();
        Conversation conversation = outbound.conversation();
        if (conversation == null) {
            throw DeliveryException.permanent("a chat reply needs its conversation");
        }
        String key = conversation.threadKey();
        String id = Frames.outboundId(message, outbound.idempotencyKey());
        Frames.MessageView view = Frames.view(message.toBuilder()
                .receivedAt(message.receivedAt() == null ? clock.instant() : message.receivedAt()).build(), id);
        String frame = Frames.write(new Frames.Push(view));
        int pushed = visitors.push(key, frame);
        // Issue 25: the visitor's sockets may be open on other hub nodes (nothing to do for a hub on its own).
        r.context().liveFanout().publish(key, frame);
        if (pushed == 0 && handOff.gone(r, conversation)) {
            Optional<String> email = handOff.handOffAddress(r, conversation);
            if (email.isPresent()) {
                LOG.info("{}: visitor {} left the chat; reply {} goes to {}", r.instanceId(),
                        VisitorRegistry.shortKey(key), id, r.followUpChannel().get());
                throw new HandOff(r.followUpChannel().get(), Address.email(email.get()), "visitor left the chat");
            }
            LOG.info("{}: visitor {} left the chat; reply {} stays in the chat history, the hub is told the visitor "
                    + "is unreachable here", r.instanceId(), VisitorRegistry.shortKey(key), id);
            throw DeliveryException.unreachable("the chat visitor left (no open chat for over "
                    + r.handOffAfter().toSeconds() + "s); the reply stays in the chat history for their return");
        }
        LOG.debug("{}: reply {} for visitor {} pushed to {} socket(s)", r.instanceId(), id,
                VisitorRegistry.shortKey(key), pushed);
        return id;
    }

    /**
     * What the widget shows of a reply: text of any length (the widget wraps it; {@code maxTextLength} limits what
     * visitors send), up to {@link #MAX_CHOICES} options as buttons, any file from the hub's storage (the widget
     * downloads it through this instance with the visitor's token; a file only at a URL goes as a link), the agent's
     * typing and the visitor's read receipts.
     */
    @Override
    public ChannelCapabilities capabilities() {
        return CAPABILITIES;
    }

    static final ChannelCapabilities CAPABILITIES = ChannelCapabilities.builder().buttons(MAX_CHOICES, 0)
            .media("*/*", 0).mediaSource(ChannelCapabilities.MediaSource.STORED_ONLY).typing(true)
            .readReceipts(true).build();

    @Override
    public void agentTyping(Conversation conversation) {
        ChatInstance r = runningOrNull();
        if (r == null || conversation == null || !r.instanceId().equals(conversation.channel().instanceId())) {
            return;
        }
        Visitor v = visitors.find(conversation.threadKey());
        if (v != null) {
            v.agentTypingAt = clock.instant();   // for polling widgets, which learn it from GET messages
        }
        String frame = Frames.write(Frames.Typing.agent());
        visitors.push(conversation.threadKey(), frame);
        r.context().liveFanout().publish(conversation.threadKey(), frame);
    }
}
