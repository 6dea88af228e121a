package dev.omnibridge.calendar;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The open intervals of a schedule from a date on, in time order, never overlapping: one step per window, never per
 * minute. Ends (returns null) when the calendar never opens again: no weekly hours after the last holiday or
 * exception, or more than a week without any open time after it.
 *
 * <p>Local times become instants by the wall clock of the calendar's zone: a time that occurs twice (the hour the
 * clocks go back) means its first occurrence; a time that does not exist (the hour the clocks skip) means the moment
 * the clocks jump. So a window is one stretch of real time, 09:00-17:00 is 8 hours on every day, and a window that
 * spans a change is an hour longer or shorter (00:00-24:00 is 23 or 25 hours on those days).
 */
final class OpenIntervals {
    /** Days in a row without open time, after the last special date, that prove it never opens again. */
    private static final int EMPTY_DAYS_LIMIT = 8;
    private static final int LAST_YEAR = 9999;

    private final Schedule schedule;
    private final ZoneRules rules;
    private final ArrayDeque<Interval> pending = new ArrayDeque<>();
    private LocalDate next;
    private Instant covered;
    private int emptyDays;

    /** Intervals that end after the start of {@code from}'s day, and some before: callers skip what they pass. */
    OpenIntervals(Schedule schedule, ZoneId zone, Instant from) {
        this.schedule = schedule;
        this.rules = zone.getRules();
        // The day before may own a window that runs past midnight into this one.
        this.next = LocalDate.ofInstant(from, zone).minusDays(1);
    }

    /** The next interval, or null when the calendar never opens again. */
    Interval next() {
        while (true) {
            while (!pending.isEmpty()) {
                Interval raw = pending.poll();
                Instant start = covered != null && covered.isAfter(raw.start()) ? covered : raw.start();
                if (raw.end().isAfter(start)) {
                    covered = raw.end();
                    return new Interval(start, raw.end());
                }
            }
            if (exhausted()) {
                return null;
            }
            expand(next);
            next = schedule.following(next);
        }
    }

    private boolean exhausted() {
        if (next.getYear() > LAST_YEAR) {
            return true;
        }
        LocalDate last = schedule.lastSpecial();
        boolean pastSpecials = last == null || next.isAfter(last);
        if (!pastSpecials) {
            return false;
        }
        return !schedule.hasWeeklyHours() || emptyDays > EMPTY_DAYS_LIMIT;
    }

    private void expand(LocalDate date) {
        List<Window> windows = schedule.windowsOn(date);
        boolean any = false;
        LocalDateTime midnight = date.atStartOfDay();
        for (Window w : windows) {
            LocalDateTime from = midnight.plusMinutes(w.start());
            Instant start = instant(from);
            Instant end = instant(from.plusMinutes(w.minutes()));
            if (end.isAfter(start)) {   // a window inside a skipped hour is no time at all
                pending.add(new Interval(start, end));
                any = true;
            }
        }
        LocalDate last = schedule.lastSpecial();
        // Only days after the last holiday or exception count: before it a long closure is no proof of anything.
        emptyDays = any || (last != null && !date.isAfter(last)) ? 0 : emptyDays + 1;
    }

    private Instant instant(LocalDateTime local) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            return rules.getTransition(local).getInstant();   // in a gap: the moment the clocks jump
        }
        return local.toInstant(offsets.get(0));   // in an overlap the first offset is the earlier instant
    }
}
