package dev.omnibridge.hub.runtime;

import dev.omnibridge.webhook.WebhookRejectedException;

/**
 * A request for a configured instance that cannot take it now (starting, restarting, stopped or failed): answered
 * 503 with {@code Retry-After}, never 404, so that a vendor keeps the message and sends it again.
 */
public final class InstanceUnavailableException extends WebhookRejectedException {
    private final int retryAfterSeconds;

    InstanceUnavailableException(String message, int retryAfterSeconds) {
        super(503, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
