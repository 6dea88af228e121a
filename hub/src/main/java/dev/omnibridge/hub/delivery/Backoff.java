package dev.omnibridge.hub.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: attempt n waits between half and all of min(max, initial * 2^(n-1)). */
public record Backoff(Duration initial, Duration max) {
    private static final Duration RETRY_AFTER_CEILING = Duration.ofHours(1);

    public Duration delay(int failedAttempts, Duration retryAfter) {
        long base = initial.toMillis() << Math.min(30, Math.max(0, failedAttempts - 1));
        long capped = Math.min(max.toMillis(), Math.max(1, base));
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        Duration backoff = Duration.ofMillis(jittered);
        if (retryAfter == null) {
            return backoff;
        }
        // The server said when to come back: never sooner, and not absurdly later.
        Duration asked = retryAfter.compareTo(RETRY_AFTER_CEILING) > 0 ? RETRY_AFTER_CEILING : retryAfter;
        return asked.compareTo(backoff) > 0 ? asked : backoff;
    }
}
