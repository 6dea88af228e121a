package dev.omnibridge.spi;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * A failed delivery, classified. Retryable failures (network, 5xx, 429) are retried with backoff, honouring
 * {@link #retryAfter()}; permanent ones (other 4xx, validation) go straight to the dead-letter list. Messages must
 * not contain secrets or customer data: they are shown in the API and logs.
 *
 * <p>A retryable failure is taken to say the target as a whole is failing (down, overloaded, rate-limited): when
 * several conversations meet one, the hub pauses deliveries to that instance and probes it with one delivery at a
 * time until it answers again. A failure about one record only (a row an agent has locked) says nothing about the
 * target: mark it with {@link #retryableForThisRecord} so it is retried without pausing the instance.
 */
public class DeliveryException extends RuntimeException {
    public enum Kind { RETRYABLE, PERMANENT }

    private final Kind kind;
    private final Duration retryAfter;
    private final boolean oneRecord;
    private final boolean deferred;
    private final List<DeskResult> delivered;
    private final boolean customerUnreachable;

    public DeliveryException(Kind kind, String message, Duration retryAfter, Throwable cause) {
        this(kind, message, retryAfter, cause, false);
    }

    /** @param oneRecord the failure concerns the record delivered to, not the target instance as a whole */
    public DeliveryException(Kind kind, String message, Duration retryAfter, Throwable cause, boolean oneRecord) {
        this(kind, message, retryAfter, cause, oneRecord, false);
    }

    private DeliveryException(Kind kind, String message, Duration retryAfter, Throwable cause, boolean oneRecord,
                              boolean deferred) {
        this(kind, message, retryAfter, cause, oneRecord, deferred, List.of());
    }

    private DeliveryException(Kind kind, String message, Duration retryAfter, Throwable cause, boolean oneRecord,
                              boolean deferred, List<DeskResult> delivered) {
        this(kind, message, retryAfter, cause, oneRecord, deferred, delivered, false);
    }

    private DeliveryException(Kind kind, String message, Duration retryAfter, Throwable cause, boolean oneRecord,
                              boolean deferred, List<DeskResult> delivered, boolean customerUnreachable) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
        this.oneRecord = oneRecord;
        this.deferred = deferred;
        this.delivered = List.copyOf(delivered);
        this.customerUnreachable = customerUnreachable;
    }

    /**
     * This failure, for a {@link DeskConnector#deliverAll batch} whose first {@code delivered.size()} messages the
     * desk did apply (their results in order): the hub records those and retries from the next one. With none
     * applied, this failure itself.
     */
    public DeliveryException afterDelivering(List<DeskResult> delivered) {
        if (delivered.isEmpty()) {
            return this;
        }
        DeliveryException copy = new DeliveryException(kind, getMessage(), retryAfter, getCause(), oneRecord,
                deferred, delivered, customerUnreachable);
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /**
     * Not delivered because the vendor's budget for the whole account is used up (e.g. Salesforce's daily API
     * requests): try again after {@code retryAfter}, and do not count it as a failed attempt, so however long the
     * budget takes to come back the delivery is never dead-lettered for it. Only for account-wide limits with a
     * known time to wait; a failure of this delivery itself is {@link #retryAfter} or {@link #retryable}.
     */
    public static DeliveryException deferred(String message, Duration retryAfter) {
        return new DeliveryException(Kind.RETRYABLE, message, java.util.Objects.requireNonNull(retryAfter,
                "retryAfter"), null, false, true);
    }

    public static DeliveryException retryable(String message, Throwable cause) {
        return new DeliveryException(Kind.RETRYABLE, message, null, cause);
    }

    /**
     * The state of a started connector instance, or a retryable failure when there is none: a delivery that races
     * the instance's stop is tried again once it runs.
     */
    public static <T> T whileRunning(T state) {
        if (state == null) {
            throw retryable("instance is not running", null);
        }
        return state;
    }

    public static DeliveryException retryAfter(String message, Duration retryAfter) {
        return new DeliveryException(Kind.RETRYABLE, message, retryAfter, null);
    }

    /**
     * A retryable failure about the one record delivered to (e.g. Salesforce's UNABLE_TO_LOCK_ROW while an agent
     * edits the case): retried with backoff, and no sign that the instance is failing.
     */
    public static DeliveryException retryableForThisRecord(String message, Duration retryAfter) {
        return new DeliveryException(Kind.RETRYABLE, message, retryAfter, null, true);
    }

    /**
     * The channel says this customer cannot be reached on it any more, while nothing is wrong with the channel: the
     * chat visitor is gone, WhatsApp's 24-hour window is closed (Graph error 131047), the number opted out (Twilio
     * 21610), the mail bounced for good. A permanent failure for this channel, but not for the reply: the hub may send
     * it through another of the customer's verified addresses ({@code identity.replyFallback}) and tells the desk
     * which way it went; with none it is dead-lettered like any permanent failure.
     *
     * @param message why, for agents and operators (no customer data)
     */
    public static DeliveryException unreachable(String message) {
        return new DeliveryException(Kind.PERMANENT, message, null, null, true, false, List.of(), true);
    }

    public static DeliveryException permanent(String message) {
        return new DeliveryException(Kind.PERMANENT, message, null, null);
    }

    /**
     * Classifies an HTTP error answer: 408, 425, 429 and 5xx are retryable, any other status permanent.
     *
     * @param retryAfterHeader the Retry-After header value (seconds or an HTTP date), or null
     */
    public static DeliveryException forHttpStatus(int status, String retryAfterHeader, String message) {
        boolean retryable = status == 408 || status == 425 || status == 429 || status >= 500;
        String text = "HTTP " + status + (message == null || message.isBlank() ? "" : ": " + message);
        return new DeliveryException(retryable ? Kind.RETRYABLE : Kind.PERMANENT, text,
                retryable ? parseRetryAfter(retryAfterHeader).orElse(null) : null, null);
    }

    public static Optional<Duration> parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException notDate) {
                return Optional.empty();
            }
        }
    }

    public Kind kind() {
        return kind;
    }

    public boolean isRetryable() {
        return kind == Kind.RETRYABLE;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Whether this is a {@link #deferred} delivery: retried at {@link #retryAfter()}, not counted as an attempt. */
    public boolean isDeferred() {
        return deferred;
    }

    /** Results of a batch's messages the desk applied before this failure, in order; empty for one delivery. */
    public List<DeskResult> delivered() {
        return delivered;
    }

    /** Whether this is an {@link #unreachable} failure: the customer cannot be reached on this channel any more. */
    public boolean customerUnreachable() {
        return customerUnreachable;
    }

    /** True for a failure about the one record delivered to, which says nothing about the instance's health. */
    public boolean concernsOneRecord() {
        return oneRecord;
    }
}
