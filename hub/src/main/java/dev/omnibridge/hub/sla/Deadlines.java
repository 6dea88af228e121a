package dev.omnibridge.hub.sla;

import dev.omnibridge.model.Priority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** When a clock's warning and breach are due: its channel's targets, counted in business time of its calendar. */
final class Deadlines {
    private static final Logger LOG = LoggerFactory.getLogger(Deadlines.class);

    private final FirstResponseConfig config;
    private final WorkingHours.Lookup calendars;
    private final Set<String> unknownReported = ConcurrentHashMap.newKeySet();
    private final Map<String, WorkingHours> resolved = new ConcurrentHashMap<>();
    private final Map<String, WorkingHours> byChannel = new ConcurrentHashMap<>();

    Deadlines(FirstResponseConfig config, WorkingHours.Lookup calendars) {
        this.config = config;
        this.calendars = calendars;
    }

    FirstResponsePolicy policy(String channelInstance) {
        return config.policy(channelInstance);
    }

    /** The working hours of the channel's calendar (around the clock without one). */
    WorkingHours hours(String channelInstance) {
        String name = policy(channelInstance).calendar();
        if (name == null) {
            // Counted in the channel's own calendar (the instance's `calendar:`), around the clock without one.
            return byChannel.computeIfAbsent(channelInstance,
                    id -> calendars.ofChannel(id).orElse(WorkingHours.ALWAYS));
        }
        return resolved.computeIfAbsent(name, n -> calendars.find(n).orElseGet(() -> {
            // `omnibridge validate` reports unknown calendar names; should one get through, count rather than stop.
            if (unknownReported.add(n)) {
                LOG.warn("First-response timers: no calendar named '{}'; counting around the clock", n);
            }
            return WorkingHours.ALWAYS;
        }));
    }

    /** The due times of a clock of the channel that started at {@code start}. */
    TimerRows.Due due(String channelInstance, Priority priority, Instant start) {
        FirstResponsePolicy policy = policy(channelInstance);
        WorkingHours hours = hours(channelInstance);
        Instant breach = hours.plus(start, policy.target(priority)).orElse(null);
        Instant warn = policy.warnAfter(priority).flatMap(after -> hours.plus(start, after)).orElse(null);
        return new TimerRows.Due(warn, breach);
    }
}
