package dev.omnibridge.hub.runtime;

/**
 * A request the hub refuses for a reason the caller can fix (bad input, a conflict with the current state), with the
 * HTTP status the admin API answers it with (400, 404, 409...). Services throw it; the web layer only maps it.
 */
public final class Refused extends Exception {
    private final int status;

    public Refused(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
