package dev.omnibridge.deskkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps a connector under a desk's documented request limit: at most {@code permits} requests per {@code period},
 * spread evenly (a token bucket refilled continuously, holding at most {@code permits}). After a 429 the desk's
 * Retry-After holds every caller, not only the one that was refused, so the whole instance backs off together.
 */
public final class RatePacer {
    private final double permitsPerNano;
    private final double capacity;
    private final Clock clock;
    private double available;
    private long lastRefillNanos;
    private Instant pausedUntil = Instant.MIN;

    public RatePacer(int permits, Duration period) {
        this(permits, period, Clock.systemUTC());
    }

    RatePacer(int permits, Duration period, Clock clock) {
        if (permits <= 0 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate limit needs a positive number of requests and period");
        }
        this.permitsPerNano = permits / (double) period.toNanos();
        this.capacity = permits;
        this.available = permits;
        this.clock = clock;
        this.lastRefillNanos = System.nanoTime();
    }

    /** A pacer that never waits, for desks or tests without a limit. */
    public static RatePacer unlimited() {
        return new RatePacer(Integer.MAX_VALUE, Duration.ofNanos(1));
    }

    /** Waits until a request may be sent. */
    public void acquire() throws InterruptedException {
        while (true) {
            long waitNanos;
            synchronized (this) {
                Duration paused = Duration.between(clock.instant(), pausedUntil);
                if (!paused.isNegative() && !paused.isZero()) {
                    waitNanos = paused.toNanos();
                } else {
                    refill();
                    if (available >= 1) {
                        available -= 1;
                        return;
                    }
                    waitNanos = (long) Math.ceil((1 - available) / permitsPerNano);
                }
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(Math.max(waitNanos, 1_000_000));
        }
    }

    /**
     * Counts a request the desk charges to the same limit but that this pacer did not let through, without waiting:
     * e.g. a desk's automation webhook calling the hub, which Freshdesk counts against the account's API limit. The
     * next {@link #acquire} calls wait for it. At most one period's worth is owed, since the desk's own window has
     * moved on by then.
     */
    public synchronized void consume() {
        refill();
        available = Math.max(available - 1, -capacity);
    }

    /** Holds all requests for {@code delay}, e.g. the Retry-After of a 429. */
    public synchronized void pause(Duration delay) {
        Instant until = clock.instant().plus(delay);
        if (until.isAfter(pausedUntil)) {
            pausedUntil = until;
        }
        available = 0;
    }

    /** How long callers are held by a {@link #pause}, zero when not paused. */
    public synchronized Duration pausedFor() {
        Duration d = Duration.between(clock.instant(), pausedUntil);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private void refill() {
        long now = System.nanoTime();
        available = Math.min(capacity, available + (now - lastRefillNanos) * permitsPerNano);
        lastRefillNanos = now;
    }
}
