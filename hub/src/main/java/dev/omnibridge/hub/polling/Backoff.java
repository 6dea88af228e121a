package dev.omnibridge.hub.polling;

import dev.omnibridge.spi.PollSchedule;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The wait after a failed poll: the schedule's backoff for the failures in a row (doubling, capped), less up to a
 * fifth at random so that instances failing together do not retry in step, and never less than a server's
 * retry-after (which may exceed the cap, up to {@link PollSchedule#LONGEST_RETRY_AFTER}). A failure that needs
 * attention waits the cap at once: trying again soon will not help.
 */
final class Backoff {
    static final double JITTER = 0.2;

    private final DoubleSupplier random;

    Backoff(DoubleSupplier random) {
        this.random = random;
    }

    Duration after(PollSchedule schedule, int failuresInARow, boolean needsAttention, Duration retryAfter) {
        Duration base = needsAttention ? schedule.maxBackoff() : schedule.backoffAfter(failuresInARow);
        double r = Math.min(1.0, Math.max(0.0, random.getAsDouble()));
        Duration wait = Duration.ofNanos((long) (base.toNanos() * (1.0 - JITTER * r)));
        if (retryAfter != null) {
            Duration server = retryAfter.compareTo(PollSchedule.LONGEST_RETRY_AFTER) > 0
                    ? PollSchedule.LONGEST_RETRY_AFTER : retryAfter;
            if (server.compareTo(wait) > 0) {
                wait = server;
            }
        }
        return wait;
    }
}
