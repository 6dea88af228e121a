package dev.omnibridge.hub.access;

import java.time.Duration;

/** A refused account change or login, with the HTTP status that says why (400, 401, 404, 409, 423, 429...). */
public final class AccessException extends Exception {
    private final int status;
    private final Duration retryAfter;

    public AccessException(int status, String message) {
        this(status, message, null);
    }

    public AccessException(int status, String message, Duration retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    /** How long to wait before trying again (a lock, a rate limit), else null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
