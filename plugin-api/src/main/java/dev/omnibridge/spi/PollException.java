package dev.omnibridge.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * A failed poll, classified. The hub shows the message as the instance's problem in {@code /health} until a poll
 * works again, so it must name the problem without secrets or customer data.
 * <ul>
 *   <li>{@link #retryable}: the vendor or the network failed for now; the hub backs off (doubling, with jitter, up
 *       to the schedule's maximum).</li>
 *   <li>{@link #retryAfter}: the server said when to ask again (HTTP 429/503 Retry-After, Telegram's
 *       {@code retry_after}); the hub waits at least that long.</li>
 *   <li>{@link #needsAttention}: trying again soon will not help (a rejected token, a missing field or permission);
 *       the hub waits the schedule's longest backoff between tries and keeps the problem shown.</li>
 * </ul>
 */
public final class PollException extends Exception {
    private final boolean needsAttention;
    private final Duration retryAfter;

    private PollException(String message, Throwable cause, boolean needsAttention, Duration retryAfter) {
        super(message, cause);
        this.needsAttention = needsAttention;
        this.retryAfter = retryAfter;
    }

    public static PollException retryable(String message) {
        return new PollException(message, null, false, null);
    }

    public static PollException retryable(String message, Throwable cause) {
        return new PollException(message, cause, false, null);
    }

    /** @param retryAfter the server's wait; null: like {@link #retryable(String)} */
    public static PollException retryAfter(String message, Duration retryAfter) {
        return new PollException(message, null, false, retryAfter);
    }

    public static PollException needsAttention(String message) {
        return new PollException(message, null, true, null);
    }

    public boolean needsAttention() {
        return needsAttention;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
