package dev.omnibridge.calendar;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which windows each date owns: an exception's hours on its dates, nothing on a holiday, otherwise the weekly hours
 * of the date's weekday. A window belongs to the date it starts on, also when it runs past midnight.
 */
final class Schedule {
    private final EnumMap<DayOfWeek, List<Window>> weekly;
    private final TreeMap<LocalDate, LocalDate> holidays;
    private final TreeMap<LocalDate, CalendarSyntax.DatedHours> exceptions;
    private final LocalDate lastSpecial;

    Schedule(EnumMap<DayOfWeek, List<Window>> weekly, TreeMap<LocalDate, LocalDate> holidays,
             TreeMap<LocalDate, CalendarSyntax.DatedHours> exceptions) {
        this.weekly = weekly;
        this.holidays = holidays;
        this.exceptions = exceptions;
        LocalDate last = holidays.isEmpty() ? null : holidays.lastEntry().getValue();
        for (CalendarSyntax.DatedHours h : exceptions.values()) {
            last = last == null || h.last().isAfter(last) ? h.last() : last;
        }
        this.lastSpecial = last;
    }

    boolean hasWeeklyHours() {
        return !weekly.isEmpty();
    }

    /** The last date a holiday or an exception changes; after it the weekly hours repeat unchanged. Null: none. */
    LocalDate lastSpecial() {
        return lastSpecial;
    }

    List<Window> windowsOn(LocalDate date) {
        CalendarSyntax.DatedHours exception = exceptionOn(date);
        if (exception != null) {
            return exception.windows();
        }
        return holiday(date) != null ? List.of() : weekly.getOrDefault(date.getDayOfWeek(), List.of());
    }

    /**
     * The next date after {@code date} that may own windows: the whole rest of a holiday range is skipped (up to an
     * exception inside it), so a long closure costs one step.
     */
    LocalDate following(LocalDate date) {
        LocalDate holidayEnd = exceptionOn(date) == null ? holiday(date) : null;
        LocalDate next = date.plusDays(1);
        if (holidayEnd == null || !holidayEnd.isAfter(date)) {
            return next;
        }
        LocalDate exception = exceptions.ceilingKey(next);
        LocalDate afterHoliday = holidayEnd.plusDays(1);
        return exception != null && exception.isBefore(afterHoliday) ? exception : afterHoliday;
    }

    /** The last date of the holiday range holding {@code date}, or null. */
    private LocalDate holiday(LocalDate date) {
        Map.Entry<LocalDate, LocalDate> range = holidays.floorEntry(date);
        return range != null && !range.getValue().isBefore(date) ? range.getValue() : null;
    }

    CalendarSyntax.DatedHours exceptionOn(LocalDate date) {
        Map.Entry<LocalDate, CalendarSyntax.DatedHours> e = exceptions.floorEntry(date);
        return e != null && !e.getValue().last().isBefore(date) ? e.getValue() : null;
    }

    /**
     * An exception's hours must not overlap the hours next to them: a late opening that runs past midnight into the
     * next day's hours, or the day before's night hours running into the exception's.
     */
    void exceptionOverlaps(List<CalendarProblem> problems) {
        for (CalendarSyntax.DatedHours h : exceptions.values()) {
            LocalDate before = h.first().minusDays(1);
            if (exceptionOn(before) == null) {   // otherwise that exception's own check covers the pair
                int reach = reach(windowsOn(before));
                if (reach > Window.DAY && !h.windows().isEmpty() && h.windows().get(0).start() < reach - Window.DAY) {
                    problems.add(new CalendarProblem(h.field(), "'" + h.text() + "' overlaps the hours of the day "
                            + "before, " + before + ", which run until " + Window.clock(reach - Window.DAY)));
                }
            }
            if (h.last().isAfter(h.first())) {
                spill(h, h.windows(), h.first().plusDays(1), problems);
            }
            spill(h, windowsOn(h.last().plusDays(1)), h.last().plusDays(1), problems);
        }
    }

    private static void spill(CalendarSyntax.DatedHours h, List<Window> next, LocalDate nextDate,
                              List<CalendarProblem> problems) {
        int reach = reach(h.windows());
        if (reach > Window.DAY && !next.isEmpty() && next.get(0).start() < reach - Window.DAY) {
            problems.add(new CalendarProblem(h.field(), "'" + h.text() + "' runs until "
                    + Window.clock(reach - Window.DAY) + " on " + nextDate + ", into that day's hours ("
                    + next.get(0) + ")"));
        }
    }

    private static int reach(List<Window> windows) {
        return windows.stream().mapToInt(Window::end).max().orElse(0);
    }
}
