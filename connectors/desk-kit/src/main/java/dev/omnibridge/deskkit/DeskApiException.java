package dev.omnibridge.deskkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.spi.DeliveryException;

import java.time.Duration;
import java.util.Optional;

/**
 * A desk API call that failed: an error answer, or no answer at all ({@link #status()} 0). The message names the
 * call and the desk's own error text; secrets are scrubbed from it before it is built.
 */
public final class DeskApiException extends Exception {
    private final int status;
    private final boolean retryable;
    private final Duration retryAfter;
    private final transient JsonNode body;
    private final boolean oneRecord;
    private final boolean deferred;

    public DeskApiException(String message, int status, boolean retryable, Duration retryAfter, JsonNode body) {
        this(message, status, retryable, retryAfter, body, false);
    }

    /** @param oneRecord a retryable answer about the record called for, not the desk as a whole */
    public DeskApiException(String message, int status, boolean retryable, Duration retryAfter, JsonNode body,
                            boolean oneRecord) {
        this(message, status, retryable, retryAfter, body, oneRecord, false);
    }

    private DeskApiException(String message, int status, boolean retryable, Duration retryAfter, JsonNode body,
                             boolean oneRecord, boolean deferred) {
        super(message);
        this.status = status;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
        this.body = body;
        this.oneRecord = oneRecord;
        this.deferred = deferred;
    }

    /**
     * The desk's budget for the whole account is used up: retry after {@code retryAfter}, not counted as a failed
     * attempt ({@link DeliveryException#deferred}).
     *
     * @param status the desk's answer, or 0 when the call was not sent
     */
    public static DeskApiException deferred(String message, int status, Duration retryAfter, JsonNode body) {
        return new DeskApiException(message, status, true, java.util.Objects.requireNonNull(retryAfter), body, false,
                true);
    }

    public boolean deferred() {
        return deferred;
    }

    /** The HTTP status, or 0 when the desk could not be reached. */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The error answer's JSON body, or null without an answer. */
    public JsonNode body() {
        return body;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /**
     * The same failure for the hub's delivery loop: retried with backoff (honouring Retry-After) or dead-lettered;
     * a failure about one record is marked so, and does not pause the hub's deliveries to the desk.
     */
    public DeliveryException toDelivery() {
        if (deferred) {
            return DeliveryException.deferred(getMessage(), retryAfter);
        }
        return retryable
                ? new DeliveryException(DeliveryException.Kind.RETRYABLE, getMessage(), retryAfter, null, oneRecord)
                : DeliveryException.permanent(getMessage());
    }
}
