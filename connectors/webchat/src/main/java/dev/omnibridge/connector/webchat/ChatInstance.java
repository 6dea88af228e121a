package dev.omnibridge.connector.webchat;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.config.Settings;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A started instance: its settings, read once, and the helpers built from them (token signer, origin policy, rate
 * limiters, business calendar). Replaced as a whole on start, so a request sees one consistent configuration.
 */
record ChatInstance(ConnectorContext context, Clock clock, String instanceId, ChannelRef channel, TokenSigner tokens,
                    IdentityVerifier identities,
                    OriginPolicy origins, RateLimiter perIp, RateLimiter perVisitor, BusinessCalendar hours,
                    String title, String color, String greeting, String offlineMessage, String position,
                    Optional<String> followUpChannel, Duration handOffAfter, long maxFileBytes,
                    List<String> allowedFileTypes, int maxTextLength, int historyLimit, Instant startedAt) {
    private static final Logger LOG = LoggerFactory.getLogger(WebchatConnector.class);
    /** How long a visitor's request waits for the hub to store its message before answering 503. */
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(15);

    static ChatInstance start(ConnectorContext context, Clock clock) {
        Settings s = context.settings();
        String id = context.instanceId();
        BusinessCalendar hours = hours(context);
        return new ChatInstance(context, clock, id, new ChannelRef(WebchatType.NAME, id),
                new TokenSigner(s.secret(WebchatType.TOKEN_SECRET).reveal(), id, s.duration(WebchatType.TOKEN_TTL),
                        clock),
                new IdentityVerifier(s.has(WebchatType.IDENTITY_SECRET)
                        ? s.secret(WebchatType.IDENTITY_SECRET).reveal() : null),
                new OriginPolicy(s.list(WebchatType.ALLOWED_ORIGINS), hubOrigin(context)),
                new RateLimiter(s.integer(WebchatType.REQUESTS_PER_MINUTE_PER_IP), clock),
                new RateLimiter(s.integer(WebchatType.MESSAGES_PER_MINUTE), clock), hours,
                s.string(WebchatType.TITLE), s.string(WebchatType.COLOR), s.string(WebchatType.GREETING),
                s.string(WebchatType.OFFLINE_MESSAGE), s.string(WebchatType.POSITION),
                s.optionalString(WebchatType.FOLLOW_UP_CHANNEL), s.duration(WebchatType.HAND_OFF_AFTER),
                s.longValue(WebchatType.MAX_FILE_BYTES), s.list(WebchatType.ALLOWED_FILE_TYPES),
                s.integer(WebchatType.MAX_TEXT_LENGTH), s.integer(WebchatType.HISTORY_LIMIT), clock.instant());
    }

    /**
     * The named calendar ({@code calendar}, declared in the hub's {@code calendars:}) or the inline weekly hours
     * ({@code businessHours} in {@code timeZone}); never both, so what decides "offline" is never in doubt.
     */
    static BusinessCalendar hours(ConnectorContext context) {
        Settings s = context.settings();
        Optional<String> name = s.optionalString(WebchatType.CALENDAR).filter(n -> !n.isBlank());
        if (name.isEmpty()) {
            return BusinessCalendar.weekly(context.instanceId(), s.string(WebchatType.TIME_ZONE),
                    s.string(WebchatType.BUSINESS_HOURS));
        }
        if (!s.string(WebchatType.BUSINESS_HOURS).isBlank()) {
            throw new IllegalArgumentException("set either calendar or businessHours, not both (calendar '"
                    + name.get() + "' already has the hours)");
        }
        return context.calendar(name.get()).orElseThrow(() -> new IllegalArgumentException("calendar '"
                + name.get() + "' is not declared in the hub's configuration (calendars:)"));
    }

    /** The hub's own webhook URL, whose origin (the demo page) is always allowed; null when the hub has none. */
    private static URI hubOrigin(ConnectorContext context) {
        try {
            return context.webhookUrl();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Open: inside business hours and a desk the chat is routed to is running. */
    boolean isOpen() {
        return hours.isOpen(clock.instant()) && context.deskAvailable();
    }

    /** Counts one request or frame of a client address; 429 once over the limit. */
    void limitIp(String ip) {
        long wait = perIp.acquire(ip);
        if (wait > 0) {
            throw new Refusal(429, "too many requests from this address; retry in " + wait + " s", wait);
        }
    }

    /** Counts one message or file of a visitor; 429 once over the limit. */
    void limitVisitor(String key) {
        long wait = perVisitor.acquire(key);
        if (wait > 0) {
            throw new Refusal(429, "too many messages; retry in " + wait + " s", wait);
        }
    }

    /**
     * Stores through the hub and waits for it: the widget shows "Sent" only for what is stored, and a failure
     * becomes a 503 the widget retries with the same client id.
     */
    void store(Inbound inbound) {
        try {
            context.submit(inbound).toCompletableFuture().get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal(503, "the message could not be stored; retry later");
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: storing visitor input failed: {}", instanceId,
                    e.getCause() == null ? e.toString() : e.getCause().getMessage());
            throw new Refusal(503, "the message could not be stored; retry later");
        }
    }
}
