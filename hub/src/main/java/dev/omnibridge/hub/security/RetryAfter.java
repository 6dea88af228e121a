package dev.omnibridge.hub.security;

import java.time.Duration;

/** The {@code Retry-After} header value for a wait: whole seconds, rounded up, at least 1. */
public final class RetryAfter {
    private RetryAfter() {
    }

    public static String seconds(Duration wait) {
        long ms = Math.max(0, wait.toMillis());
        return String.valueOf(Math.max(1, (ms + 999) / 1000));
    }
}
