package dev.omnibridge.calendar;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text forms of a calendar, collecting every problem with the entry it is in: weekly hours
 * ({@code Mon-Fri 09:00-17:00, Sat 10:00-13:00}), holidays ({@code 2026-12-25}, {@code 2026-12-24..2026-12-26})
 * and exceptions ({@code 2026-12-24 09:00-12:00}).
 */
final class CalendarSyntax {
    private static final String TIME = "(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})";
    private static final Pattern WEEKLY = Pattern.compile("(?i)([a-z]+)(?:\\s*-\\s*([a-z]+))?\\s+" + TIME);
    private static final Pattern TIMES = Pattern.compile(TIME);
    private static final Pattern DATES = Pattern.compile("(\\S+?)(?:\\s*\\.\\.\\s*(\\S+))?");
    private static final Pattern DATED_HOURS = Pattern.compile("(\\S+?(?:\\s*\\.\\.\\s*\\S+)?)\\s+(\\d.*)");
    private static final Map<String, DayOfWeek> DAYS = days();

    private CalendarSyntax() {
    }

    /** A weekly entry as written, with the windows it gives each day. */
    record WeeklyEntry(String text, List<DayOfWeek> days, Window window) {
    }

    /** An exception as written: hours that replace the weekly hours on each date from {@code first} to {@code last}. */
    record DatedHours(String field, String text, LocalDate first, LocalDate last, List<Window> windows) {
    }

    static ZoneId zone(String text, List<CalendarProblem> problems) {
        if (text == null || text.isBlank()) {
            problems.add(new CalendarProblem("timeZone", "is required: an IANA time zone such as Europe/Berlin"));
            return null;
        }
        try {
            return ZoneId.of(text.strip());
        } catch (DateTimeException e) {
            problems.add(new CalendarProblem("timeZone", "'" + text.strip()
                    + "' is not a time zone; use an IANA id such as Europe/Berlin, America/New_York or UTC"));
            return null;
        }
    }

    /** Weekly hours; an empty text gives no windows. Overlapping entries are a problem. */
    static EnumMap<DayOfWeek, List<Window>> weekly(String spec, List<CalendarProblem> problems) {
        EnumMap<DayOfWeek, List<Window>> byDay = new EnumMap<>(DayOfWeek.class);
        List<WeeklyEntry> entries = new ArrayList<>();
        for (String raw : spec == null ? new String[0] : spec.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;   // a trailing comma
            }
            Matcher m = WEEKLY.matcher(entry);
            if (!m.matches()) {
                problems.add(new CalendarProblem("hours", "'" + entry + "' is not like 'Mon-Fri 09:00-17:00'"));
                continue;
            }
            DayOfWeek first = day(m.group(1), entry, problems);
            DayOfWeek last = m.group(2) == null ? first : day(m.group(2), entry, problems);
            Window window = window(m, 3, entry, "hours", problems);
            if (first == null || last == null || window == null) {
                continue;
            }
            List<DayOfWeek> days = new ArrayList<>();
            for (DayOfWeek d = first; ; d = d.plus(1)) {   // a range may wrap: Fri-Mon
                days.add(d);
                if (d == last) {
                    break;
                }
            }
            entries.add(new WeeklyEntry(entry, days, window));
        }
        weeklyOverlaps(entries, problems);
        for (WeeklyEntry e : entries) {
            for (DayOfWeek d : e.days()) {
                byDay.computeIfAbsent(d, k -> new ArrayList<>()).add(e.window());
            }
        }
        byDay.values().forEach(list -> list.sort(null));
        return byDay;
    }

    /** Holidays merged into ranges (first date to last date, both included). */
    static TreeMap<LocalDate, LocalDate> holidays(List<String> specs, List<CalendarProblem> problems) {
        TreeMap<LocalDate, LocalDate> ranges = new TreeMap<>();
        for (int i = 0; i < specs.size(); i++) {
            String field = "holidays[" + i + "]";
            LocalDate[] range = dates(specs.get(i) == null ? "" : specs.get(i).strip(), field, problems);
            if (range != null) {
                merge(ranges, range[0], range[1]);
            }
        }
        return ranges;
    }

    /** Exceptions by their first date; two exceptions giving hours for the same date are a problem. */
    static TreeMap<LocalDate, DatedHours> exceptions(List<String> specs, List<CalendarProblem> problems) {
        TreeMap<LocalDate, DatedHours> byFirst = new TreeMap<>();
        for (int i = 0; i < specs.size(); i++) {
            String field = "exceptions[" + i + "]";
            String entry = specs.get(i) == null ? "" : specs.get(i).strip();
            Matcher m = DATED_HOURS.matcher(entry);
            if (!m.matches()) {
                boolean onlyDates = !entry.isEmpty() && DATES.matcher(entry).matches();
                problems.add(new CalendarProblem(field, onlyDates
                        ? "'" + entry + "' gives no hours; write them after the date, like '2026-12-24 09:00-12:00' "
                        + "(a day closed all day is a holiday)"
                        : "'" + entry + "' is not like '2026-12-24 09:00-12:00' or '2026-12-27..2026-12-30 10:00-14:00'"));
                continue;
            }
            LocalDate[] range = dates(m.group(1), field, problems);
            List<Window> windows = new ArrayList<>();
            boolean readable = true;
            for (String part : m.group(2).split(",")) {
                Matcher t = TIMES.matcher(part.strip());
                if (!t.matches()) {
                    problems.add(new CalendarProblem(field, "'" + entry + "': '" + part.strip()
                            + "' is not opening hours like 09:00-12:00"));
                    readable = false;
                    continue;
                }
                Window w = window(t, 1, entry, field, problems);
                if (w == null) {
                    readable = false;
                } else {
                    windows.add(w);
                }
            }
            if (range == null || !readable) {
                continue;
            }
            windows.sort(null);
            if (!overlapsWithin(windows, entry, field, problems)) {
                add(byFirst, new DatedHours(field, entry, range[0], range[1], List.copyOf(windows)), problems);
            }
        }
        return byFirst;
    }

    private static void add(TreeMap<LocalDate, DatedHours> byFirst, DatedHours h, List<CalendarProblem> problems) {
        Map.Entry<LocalDate, DatedHours> before = byFirst.floorEntry(h.last());
        if (before != null && !before.getValue().last().isBefore(h.first())) {
            LocalDate shared = h.first().isAfter(before.getKey()) ? h.first() : before.getKey();
            problems.add(new CalendarProblem(h.field(), "'" + h.text() + "' gives hours for " + shared + ", which "
                    + before.getValue().field() + " '" + before.getValue().text() + "' already gives"));
            return;
        }
        byFirst.put(h.first(), h);
    }

    private static boolean overlapsWithin(List<Window> sorted, String entry, String field,
                                          List<CalendarProblem> problems) {
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).start() < sorted.get(i - 1).end()) {
                problems.add(new CalendarProblem(field, "'" + entry + "': " + sorted.get(i - 1) + " and "
                        + sorted.get(i) + " overlap"));
                return true;
            }
        }
        return false;
    }

    /**
     * Weekly entries must not overlap, also across midnight and from Sunday into Monday: each day's time is given
     * once, so "open" and business time have one meaning.
     */
    private static void weeklyOverlaps(List<WeeklyEntry> entries, List<CalendarProblem> problems) {
        int week = 7 * Window.DAY;
        record Piece(int entry, int from, int to) {
        }
        List<Piece> pieces = new ArrayList<>();
        for (int e = 0; e < entries.size(); e++) {
            for (DayOfWeek d : entries.get(e).days()) {
                int from = (d.getValue() - 1) * Window.DAY + entries.get(e).window().start();
                int to = from + entries.get(e).window().minutes();
                pieces.add(new Piece(e, from, Math.min(to, week)));
                if (to > week) {
                    pieces.add(new Piece(e, 0, to - week));   // Sunday night into Monday
                }
            }
        }
        pieces.sort(Comparator.comparingInt(Piece::from));
        Set<String> reported = new HashSet<>();
        Piece reach = null;
        for (Piece p : pieces) {
            if (reach != null && p.from() < reach.to() && p.entry() != reach.entry()) {
                int a = Math.min(p.entry(), reach.entry());
                int b = Math.max(p.entry(), reach.entry());
                if (reported.add(a + "/" + b)) {
                    DayOfWeek day = DayOfWeek.of(p.from() / Window.DAY + 1);
                    problems.add(new CalendarProblem("hours", "'" + entries.get(a).text() + "' and '"
                            + entries.get(b).text() + "' overlap on "
                            + day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + " at "
                            + Window.clock(p.from() % Window.DAY)));
                }
            }
            if (reach == null || p.to() > reach.to()) {
                reach = p;
            }
        }
    }

    private static LocalDate[] dates(String text, String field, List<CalendarProblem> problems) {
        Matcher m = DATES.matcher(text);
        LocalDate first = m.matches() ? date(m.group(1)) : null;
        LocalDate last = m.matches() ? m.group(2) == null ? first : date(m.group(2)) : null;
        if (first == null || last == null) {
            problems.add(new CalendarProblem(field, "'" + text + "' is not a date like 2026-12-25 or a range like "
                    + "2026-12-24..2026-12-26"));
            return null;
        }
        if (last.isBefore(first)) {
            problems.add(new CalendarProblem(field, "'" + text + "' ends before it starts"));
            return null;
        }
        return new LocalDate[] {first, last};
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text);   // ISO, strict: 2026-02-30 is refused
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static void merge(TreeMap<LocalDate, LocalDate> ranges, LocalDate first, LocalDate last) {
        Map.Entry<LocalDate, LocalDate> before = ranges.floorEntry(first);
        if (before != null && !before.getValue().plusDays(1).isBefore(first)) {
            first = before.getKey();
            last = last.isAfter(before.getValue()) ? last : before.getValue();
        }
        Map.Entry<LocalDate, LocalDate> next = ranges.ceilingEntry(first);
        while (next != null && !next.getKey().isAfter(last.plusDays(1))) {
            last = last.isAfter(next.getValue()) ? last : next.getValue();
            ranges.remove(next.getKey());
            next = ranges.ceilingEntry(first);
        }
        ranges.put(first, last);
    }

    private static Window window(Matcher m, int group, String entry, String field, List<CalendarProblem> problems) {
        int from = minute(m.group(group), m.group(group + 1), false);
        int to = minute(m.group(group + 2), m.group(group + 3), true);
        if (from < 0 || to < 0) {
            problems.add(new CalendarProblem(field, "'" + entry + "' has a time that does not exist; use 00:00 to "
                    + "24:00"));
            return null;
        }
        if (from == to) {
            problems.add(new CalendarProblem(field, "'" + entry + "' opens and closes at the same time"));
            return null;
        }
        // An end before the start runs past midnight into the next day (Fri 22:00-02:00).
        return new Window(from, to > from ? to - from : to + Window.DAY - from);
    }

    /** Minutes after midnight, or -1 for a time that does not exist; 24:00 only as an end. */
    private static int minute(String hh, String mm, boolean end) {
        int h = Integer.parseInt(hh);
        int m = Integer.parseInt(mm);
        if (end && h == 24 && m == 0) {
            return Window.DAY;
        }
        return h > 23 || m > 59 ? -1 : h * 60 + m;
    }

    private static DayOfWeek day(String name, String entry, List<CalendarProblem> problems) {
        DayOfWeek d = DAYS.get(name.toLowerCase(Locale.ROOT));
        if (d == null) {
            problems.add(new CalendarProblem("hours", "'" + entry + "': '" + name
                    + "' is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun"));
        }
        return d;
    }

    private static Map<String, DayOfWeek> days() {
        Map<String, DayOfWeek> days = new java.util.HashMap<>();
        for (DayOfWeek d : DayOfWeek.values()) {
            days.put(d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT), d);
            days.put(d.getDisplayName(TextStyle.FULL, Locale.ENGLISH).toLowerCase(Locale.ROOT), d);
        }
        return Map.copyOf(days);
    }
}
