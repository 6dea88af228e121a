package dev.omnibridge.connector.webchat;

import dev.omnibridge.webhook.WebhookRejectedException;

/**
 * A refused visitor request. Over HTTP it is answered as {@code {"error":...}} with the CORS headers (so the widget
 * can show why), over the socket as an error frame; {@code retryAfter} becomes {@code Retry-After} for rate limits.
 */
final class Refusal extends WebhookRejectedException {
    final long retryAfter;

    Refusal(int status, String message) {
        this(status, message, 0);
    }

    Refusal(int status, String message, long retryAfter) {
        super(status, message);
        this.retryAfter = retryAfter;
    }

    /** The seconds to wait before retrying, for any rejection; 0 when it is not a rate limit. */
    static long retryAfter(WebhookRejectedException e) {
        return e instanceof Refusal refusal ? refusal.retryAfter : 0;
    }
}
