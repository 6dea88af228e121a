package dev.omnibridge.calendar;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * A named business calendar: a time zone, weekly opening hours, holidays and exceptions. Channels, acknowledgements
 * and first-response timers refer to one by name; the hub's configuration declares them ({@code calendars:}).
 * Immutable and thread-safe.
 *
 * <p>Skeleton of the API the hub and the connectors code against (issue 18); the parser and the business-time
 * arithmetic are filled in by the calendar work package. Until then every calendar is always open.
 */
public final class BusinessCalendar {
    private final String name;
    private final ZoneId zone;

    private BusinessCalendar(String name, ZoneId zone) {
        this.name = name;
        this.zone = zone;
    }

    /** A calendar that is open around the clock, every day, in UTC: what a channel without a calendar uses. */
    public static BusinessCalendar alwaysOpen() {
        return new BusinessCalendar("always", ZoneId.of("UTC"));
    }

    public String name() {
        return name;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Whether the business is open at {@code at}. */
    public boolean isOpen(Instant at) {
        return true;
    }

    /** The next instant at or after {@code at} at which the business is open (empty if it never opens again). */
    public Optional<Instant> nextOpening(Instant at) {
        return Optional.of(at);
    }

    /** The instant at which {@code amount} of business time has passed since {@code start} (empty: never). */
    public Optional<Instant> plusBusinessTime(Instant start, Duration amount) {
        return Optional.of(start.plus(amount));
    }

    /** The business time between {@code from} and {@code to} (zero when {@code to} is not after {@code from}). */
    public Duration businessTimeBetween(Instant from, Instant to) {
        return to.isAfter(from) ? Duration.between(from, to) : Duration.ZERO;
    }
}
