package dev.omnibridge.hub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The first-response timers' meters: {@code omnibridge_first_response_seconds} (histogram of the time customers
 * waited for the first agent reply, per channel instance), {@code omnibridge_first_response_warnings_total} and
 * {@code omnibridge_first_response_breaches_total} (per channel instance and the priority whose target it was).
 * Labels are configured instance ids and the four priorities: bounded.
 */
public final class FirstResponseMetrics {
    /**
     * The histogram's buckets: the targets support teams set (minutes for chat and urgent work, hours for email,
     * days for the slow cases), so that the share answered within a target can be read off a bucket.
     */
    private static final Duration[] BUCKETS = {Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4),
            Duration.ofHours(8), Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(7)};

    private final MeterRegistry registry;
    private final Map<String, Timer> waited = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public FirstResponseMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A conversation of the channel instance got its first agent reply after {@code waited} (wall-clock time). */
    public void answered(String instance, Duration waited) {
        this.waited.computeIfAbsent(instance, i -> Timer.builder("omnibridge.first.response")
                .description("Time customers waited for the first agent reply (from their first unanswered "
                        + "message), per channel instance.")
                .serviceLevelObjectives(BUCKETS).tag("instance", i).register(registry)).record(waited);
    }

    /** A first-response target of the channel instance was close to passing (the configured warning step). */
    public void warned(String instance, String priority) {
        counter("omnibridge.first.response.warnings", "First-response warnings, per channel instance and priority.",
                instance, priority).increment();
    }

    /** A first-response target passed unanswered; {@code priority} is the one whose target it was. */
    public void breached(String instance, String priority) {
        counter("omnibridge.first.response.breaches", "First-response targets passed unanswered, per channel "
                + "instance and the priority whose target it was.", instance, priority).increment();
    }

    private Counter counter(String name, String help, String instance, String priority) {
        return counters.computeIfAbsent(name + '\u0000' + instance + '\u0000' + priority, k -> Counter.builder(name)
                .description(help).tag("instance", instance).tag("priority", priority).register(registry));
    }
}
