package dev.omnibridge.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the hub polls a {@link PolledSource}: the wait between polls that found nothing, the wait before the first
 * poll, the backoff after failures (doubling from {@code initial} up to {@code max}, with jitter; a server's
 * retry-after is honoured even above it) and the offset keys to read for each {@link PollRequest}. Create with
 * {@link #every(Duration)} or {@link #builder()}; the type may grow.
 */
public final class PollSchedule {
    /** The longest a server's retry-after is honoured; a longer one is taken as this. */
    public static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(24);

    private final Duration interval;
    private final Duration initialDelay;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final List<String> offsetKeys;

    private PollSchedule(Builder b) {
        this.interval = b.interval;
        this.initialDelay = b.initialDelay;
        this.initialBackoff = b.initialBackoff == null ? positive(interval, Duration.ofSeconds(1)) : b.initialBackoff;
        Duration max = b.maxBackoff == null ? Duration.ofMinutes(5) : b.maxBackoff;
        this.maxBackoff = max.compareTo(initialBackoff) < 0 ? initialBackoff : max;
        this.offsetKeys = List.copyOf(b.offsetKeys);
    }

    private static Duration positive(Duration d, Duration otherwise) {
        return d.isZero() ? otherwise : d;
    }

    /** Polls {@code interval} apart when nothing is new, at once while there is; backoff from the same wait. */
    public static PollSchedule every(Duration interval) {
        return builder().interval(interval).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The wait after a poll that found nothing (and asked for no other). */
    public Duration interval() {
        return interval;
    }

    /** The wait before the first poll. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** The wait after the first failure of a row. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** The longest wait the backoff grows to. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The offset keys the hub reads before each poll ({@link PollRequest#offset}). */
    public List<String> offsetKeys() {
        return offsetKeys;
    }

    /**
     * The backoff after {@code failures} failed polls in a row, before jitter: {@code initialBackoff} doubled
     * {@code failures - 1} times, at most {@code maxBackoff}; zero for none.
     */
    public Duration backoffAfter(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        Duration d = initialBackoff;
        for (int i = 1; i < failures && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    public static final class Builder {
        private Duration interval = Duration.ofSeconds(30);
        private Duration initialDelay = Duration.ZERO;
        private Duration initialBackoff;
        private Duration maxBackoff;
        private final java.util.LinkedHashSet<String> offsetKeys = new java.util.LinkedHashSet<>();

        private Builder() {
        }

        /** The wait after a poll that found nothing (default 30 s). */
        public Builder interval(Duration interval) {
            this.interval = nonNegative(interval, "interval");
            return this;
        }

        /** The wait before the first poll (default none). */
        public Builder initialDelay(Duration delay) {
            this.initialDelay = nonNegative(delay, "initialDelay");
            return this;
        }

        /** Backoff after failures: from {@code initial} (default: the interval, or 1 s), doubling up to {@code max}
         * (default 5 minutes). */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = nonNegative(initial, "initial backoff");
            this.maxBackoff = nonNegative(max, "max backoff");
            if (initialBackoff.isZero()) {
                throw new IllegalArgumentException("initial backoff must be above zero");
            }
            return this;
        }

        /** Offset keys to read for each request. */
        public Builder offsetKeys(String... keys) {
            for (String k : keys) {
                offsetKeys.add(Objects.requireNonNull(k, "offset key"));
            }
            return this;
        }

        public PollSchedule build() {
            return new PollSchedule(this);
        }

        private static Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative");
            }
            return d;
        }
    }
}
