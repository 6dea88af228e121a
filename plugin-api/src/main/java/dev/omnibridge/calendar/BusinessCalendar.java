package dev.omnibridge.calendar;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A named business calendar: a time zone, weekly opening hours, holidays and exceptions. Channels, acknowledgements
 * and first-response timers refer to one by name; the hub's configuration declares them ({@code calendars:}).
 * Immutable and thread-safe.
 *
 * <p>Semantics (docs/contracts.md, "Business calendars"):
 * <ul>
 *   <li>Weekly hours: {@code Mon-Fri 09:00-17:00, Sat 10:00-13:00}. Day ranges may wrap ({@code Fri-Mon}); the
 *       start is inclusive, the end exclusive and may be {@code 24:00}; an end before the start runs past midnight
 *       ({@code Fri 22:00-02:00}). A window belongs to the day it starts on.</li>
 *   <li>Holidays ({@code 2026-12-25}, {@code 2026-12-24..2026-12-26}, both ends included): the windows that start on
 *       those dates do not open. Dates are the calendar's own, in its zone.</li>
 *   <li>Exceptions ({@code 2026-12-24 09:00-12:00}, also for a range of dates): replace the windows that start on
 *       those dates, also on a holiday (a short opening during a closure); they may run past midnight.</li>
 *   <li>Local times follow the zone's wall clock: a time that occurs twice when the clocks go back means its first
 *       occurrence, a time skipped when they go forward means the moment they jump.</li>
 * </ul>
 * Business-time arithmetic steps window by window, never minute by minute; a calendar that never opens again
 * answers empty.
 */
public final class BusinessCalendar {
    private final String name;
    private final ZoneId zone;
    /** Null: open around the clock. */
    private final Schedule schedule;

    private BusinessCalendar(String name, ZoneId zone, Schedule schedule) {
        this.name = Objects.requireNonNull(name, "name");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.schedule = schedule;
    }

    /** A calendar that is open around the clock, every day, in UTC: what a channel without a calendar uses. */
    public static BusinessCalendar alwaysOpen() {
        return new BusinessCalendar("always", ZoneId.of("UTC"), null);
    }

    /**
     * A calendar from its configuration text, checked as a whole.
     *
     * @param timeZone   an IANA zone id, e.g. {@code Europe/Berlin}; required
     * @param hours      weekly hours, e.g. {@code Mon-Fri 09:00-17:00, Sat 10:00-13:00}; required (around the clock
     *                   is {@code Mon-Sun 00:00-24:00})
     * @param holidays   dates or date ranges closed all day, e.g. {@code 2026-12-25}, {@code 2026-12-24..2026-12-26}
     * @param exceptions hours that replace a date's (or date range's) weekly hours, e.g. {@code 2026-12-24 09:00-12:00}
     * @throws InvalidCalendarException with every problem found, each naming its field and quoting the entry:
     *                                  unknown zone, unparsable or overlapping windows, bad dates or ranges, two
     *                                  exceptions for one date, an exception overlapping the next or previous day
     */
    public static BusinessCalendar parse(String name, String timeZone, String hours, List<String> holidays,
                                         List<String> exceptions) {
        List<CalendarProblem> problems = new ArrayList<>();
        ZoneId zone = CalendarSyntax.zone(timeZone, problems);
        if (hours == null || hours.isBlank()) {
            problems.add(new CalendarProblem("hours", "is required, e.g. 'Mon-Fri 09:00-17:00'; open around the "
                    + "clock is 'Mon-Sun 00:00-24:00'"));
        }
        EnumMap<DayOfWeek, List<Window>> weekly = CalendarSyntax.weekly(hours, problems);
        TreeMap<LocalDate, LocalDate> closed = CalendarSyntax.holidays(
                holidays == null ? List.of() : holidays, problems);
        TreeMap<LocalDate, CalendarSyntax.DatedHours> special = CalendarSyntax.exceptions(
                exceptions == null ? List.of() : exceptions, problems);
        Schedule schedule = new Schedule(weekly, closed, special);
        schedule.exceptionOverlaps(problems);
        if (!problems.isEmpty()) {
            throw new InvalidCalendarException(problems);
        }
        return new BusinessCalendar(name, zone, schedule);
    }

    /**
     * Weekly hours alone (the webchat's inline {@code businessHours} and {@code timeZone}): an empty {@code hours}
     * means open around the clock.
     *
     * @throws InvalidCalendarException as {@link #parse}
     */
    public static BusinessCalendar weekly(String name, String timeZone, String hours) {
        if (hours == null || hours.isBlank()) {
            List<CalendarProblem> problems = new ArrayList<>();
            ZoneId zone = CalendarSyntax.zone(timeZone, problems);
            if (!problems.isEmpty()) {
                throw new InvalidCalendarException(problems);
            }
            return new BusinessCalendar(name, zone, null);
        }
        return parse(name, timeZone, hours, List.of(), List.of());
    }

    public String name() {
        return name;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Whether the calendar is open at every instant (no hours configured, e.g. {@link #alwaysOpen()}). */
    public boolean isAlwaysOpen() {
        return schedule == null;
    }

    /** Whether the business is open at {@code at}. */
    public boolean isOpen(Instant at) {
        if (schedule == null) {
            return true;
        }
        OpenIntervals intervals = intervals(at);
        for (Interval i = intervals.next(); i != null && !i.start().isAfter(at); i = intervals.next()) {
            if (i.end().isAfter(at)) {
                return true;
            }
        }
        return false;
    }

    /** The next instant at or after {@code at} at which the business is open (empty if it never opens again). */
    public Optional<Instant> nextOpening(Instant at) {
        if (schedule == null) {
            return Optional.of(at);
        }
        OpenIntervals intervals = intervals(at);
        for (Interval i = intervals.next(); i != null; i = intervals.next()) {
            if (i.end().isAfter(at)) {
                return Optional.of(i.start().isAfter(at) ? i.start() : at);
            }
        }
        return Optional.empty();
    }

    /**
     * The next instant at or after {@code at} at which the business is closed: {@code at} itself when it is closed
     * then, otherwise the end of the open stretch it is in (windows that touch, such as {@code Mon-Sun 00:00-24:00},
     * are one stretch). Empty if it never closes again.
     */
    public Optional<Instant> nextClosing(Instant at) {
        if (schedule == null) {
            return Optional.empty();
        }
        OpenIntervals intervals = intervals(at);
        Instant end = null;
        for (Interval i = intervals.next(); i != null; i = intervals.next()) {
            if (end == null) {
                if (!i.end().isAfter(at)) {
                    continue;
                }
                if (i.start().isAfter(at)) {
                    return Optional.of(at);
                }
            } else if (i.start().isAfter(end)) {
                return Optional.of(end);
            } else if (neverCloses(at, end)) {
                return Optional.empty();
            }
            end = i.end();
        }
        // The calendar never opens again: closed from now on, or from the end of the stretch it is open in.
        return Optional.of(end == null ? at : end);
    }

    /**
     * Open without a break from {@code from} for more than a week past the last holiday or exception: the weekly
     * hours cover the whole week, and they repeat unchanged from then on.
     */
    private boolean neverCloses(Instant from, Instant openUntil) {
        LocalDate start = LocalDate.ofInstant(from, zone);
        LocalDate last = schedule.lastSpecial();
        LocalDate weeklyFrom = last == null || last.isBefore(start) ? start : last;
        return LocalDate.ofInstant(openUntil, zone).isAfter(weeklyFrom.plusDays(8));
    }

    /**
     * The instant at which {@code amount} of business time has passed since {@code start}: the earliest instant
     * with {@code businessTimeBetween(start, it) == amount}, so it may be the end of a window (a one-hour target
     * set at 16:00 with hours to 17:00 falls due at 17:00). Zero gives {@code start}. Empty: never (the calendar
     * stops opening before that much time has passed).
     *
     * @throws IllegalArgumentException for a negative amount
     */
    public Optional<Instant> plusBusinessTime(Instant start, Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("business time to add must not be negative, was " + amount);
        }
        if (schedule == null || amount.isZero()) {
            return Optional.of(start.plus(amount));
        }
        Duration left = amount;
        OpenIntervals intervals = intervals(start);
        for (Interval i = intervals.next(); i != null; i = intervals.next()) {
            if (!i.end().isAfter(start)) {
                continue;
            }
            Instant from = i.start().isAfter(start) ? i.start() : start;
            Duration open = Duration.between(from, i.end());
            if (left.compareTo(open) <= 0) {
                return Optional.of(from.plus(left));
            }
            left = left.minus(open);
        }
        return Optional.empty();
    }

    /** The business time between {@code from} and {@code to} (zero when {@code to} is not after {@code from}). */
    public Duration businessTimeBetween(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        if (schedule == null) {
            return Duration.between(from, to);
        }
        Duration total = Duration.ZERO;
        OpenIntervals intervals = intervals(from);
        for (Interval i = intervals.next(); i != null && i.start().isBefore(to); i = intervals.next()) {
            Instant a = i.start().isAfter(from) ? i.start() : from;
            Instant b = i.end().isBefore(to) ? i.end() : to;
            if (b.isAfter(a)) {
                total = total.plus(Duration.between(a, b));
            }
        }
        return total;
    }

    /**
     * When the business next opens, at or after {@code at}, as a customer reads it in the calendar's zone and the
     * given language: the weekday and time within the coming week ({@code Monday 09:00}, {@code Montag 09:00},
     * {@code Monday 9:00 AM} for US English), otherwise the date and time. Empty if it never opens again.
     */
    public Optional<String> describeNextOpening(Instant at, Locale locale) {
        return nextOpening(at).map(opening -> {
            ZonedDateTime local = opening.atZone(zone);
            String time = DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(locale).format(local);
            if (local.toLocalDate().isBefore(at.atZone(zone).toLocalDate().plusDays(7))) {
                return DateTimeFormatter.ofPattern("EEEE", locale).format(local) + " " + time;
            }
            return DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale).format(local) + " " + time;
        });
    }

    private OpenIntervals intervals(Instant from) {
        return new OpenIntervals(schedule, zone, from);
    }

    @Override
    public String toString() {
        return "BusinessCalendar[" + name + ", " + zone + (schedule == null ? ", always open" : "") + "]";
    }
}
