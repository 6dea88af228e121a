package dev.omnibridge.hub.sla;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A business calendar with closed hours for the timers' tests: Monday to Friday 09:00-17:00 UTC. It stands in for
 * the hub's calendars (another work package), whose skeleton is always open.
 */
final class OfficeHours implements WorkingHours {
    private static final LocalTime OPEN = LocalTime.of(9, 0);
    private static final LocalTime CLOSE = LocalTime.of(17, 0);
    private static final int MAX_DAYS = 3660;

    @Override
    public Optional<Instant> plus(Instant start, Duration amount) {
        long left = amount.toSeconds();
        ZonedDateTime t = start.atZone(ZoneOffset.UTC);
        for (int i = 0; i < MAX_DAYS; i++) {
            LocalDate day = t.toLocalDate();
            if (workday(day)) {
                ZonedDateTime open = day.atTime(OPEN).atZone(ZoneOffset.UTC);
                ZonedDateTime close = day.atTime(CLOSE).atZone(ZoneOffset.UTC);
                ZonedDateTime from = t.isBefore(open) ? open : t;
                if (from.isBefore(close)) {
                    long available = Duration.between(from, close).toSeconds();
                    if (left <= available) {
                        return Optional.of(from.plusSeconds(left).toInstant());
                    }
                    left -= available;
                }
            }
            t = day.plusDays(1).atStartOfDay(ZoneOffset.UTC);
        }
        return Optional.empty();
    }

    @Override
    public Duration between(Instant from, Instant to) {
        Duration total = Duration.ZERO;
        LocalDate day = from.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate last = to.atZone(ZoneOffset.UTC).toLocalDate();
        while (!day.isAfter(last)) {
            if (workday(day)) {
                Instant open = day.atTime(OPEN).toInstant(ZoneOffset.UTC);
                Instant close = day.atTime(CLOSE).toInstant(ZoneOffset.UTC);
                Instant a = from.isAfter(open) ? from : open;
                Instant b = to.isBefore(close) ? to : close;
                if (b.isAfter(a)) {
                    total = total.plus(Duration.between(a, b));
                }
            }
            day = day.plusDays(1);
        }
        return total;
    }

    private static boolean workday(LocalDate day) {
        return day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY;
    }
}
