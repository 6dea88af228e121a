package dev.omnibridge.hub.sla;

import dev.omnibridge.model.Priority;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The first-response targets of one channel instance (or the default for all): how long, in business time of
 * {@code calendar}, a customer may wait for the first public agent reply at each priority, and when to warn.
 *
 * @param enabled       whether conversations of the channel get a clock at all
 * @param targets       the target per priority; every priority has one
 * @param warnAtPercent the share of the target after which the warning fires (1-99), or 0 for no warning
 * @param warningNote   whether the warning also sends the desks an internal note (the breach always does)
 * @param calendar      the business calendar the targets count in, by name; null: around the clock
 */
public record FirstResponsePolicy(boolean enabled, Map<Priority, Duration> targets, int warnAtPercent,
                                  boolean warningNote, String calendar) {
    public FirstResponsePolicy {
        targets = Map.copyOf(targets);
        for (Priority p : Priority.values()) {
            if (!targets.containsKey(p)) {
                throw new IllegalArgumentException("no first-response target for priority " + p);
            }
        }
        if (warnAtPercent < 0 || warnAtPercent > 99) {
            throw new IllegalArgumentException("warnAtPercent must be between 0 and 99");
        }
    }

    public Duration target(Priority priority) {
        return targets.get(priority);
    }

    /** The business time after which the warning fires, or empty when there is none. */
    public Optional<Duration> warnAfter(Priority priority) {
        if (warnAtPercent == 0) {
            return Optional.empty();
        }
        Duration warn = Duration.ofMillis(target(priority).toMillis() * warnAtPercent / 100);
        return warn.isZero() ? Optional.empty() : Optional.of(warn);
    }
}
