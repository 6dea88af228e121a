package dev.omnibridge.connector.webchat;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opening hours such as {@code Mon-Fri 09:00-17:00, Sat 10:00-13:00} in a time zone. Day ranges may wrap
 * ({@code Fri-Mon}); a range's end is exclusive and may be {@code 24:00}; a range that ends before it starts runs
 * past midnight into the next day ({@code Fri 22:00-02:00}). Empty means always open.
 */
final class BusinessHours {
    private static final Pattern ENTRY = Pattern.compile(
            "(?i)([a-z]{3})(?:\\s*-\\s*([a-z]{3}))?\\s+(\\d{2}):(\\d{2})\\s*-\\s*(\\d{2}):(\\d{2})");
    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY,
            "sun", DayOfWeek.SUNDAY);

    /** Open on each of {@code days} from {@code fromMinute} (inclusive) to {@code toMinute} (exclusive, may be 1440). */
    record Window(Set<DayOfWeek> days, int fromMinute, int toMinute) {
    }

    private final List<Window> windows;
    private final ZoneId zone;

    private BusinessHours(List<Window> windows, ZoneId zone) {
        this.windows = windows;
        this.zone = zone;
    }

    static BusinessHours always() {
        return new BusinessHours(List.of(), ZoneId.of("UTC"));
    }

    /** @throws IllegalArgumentException naming the part that does not parse */
    static BusinessHours parse(String spec, ZoneId zone) {
        if (spec == null || spec.isBlank()) {
            return new BusinessHours(List.of(), zone);
        }
        List<Window> windows = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.strip();
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + entry + "' is not like 'Mon-Fri 09:00-17:00'");
            }
            DayOfWeek first = day(m.group(1));
            DayOfWeek last = m.group(2) == null ? first : day(m.group(2));
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (DayOfWeek d = first; ; d = d.plus(1)) {
                days.add(d);
                if (d == last) {
                    break;
                }
            }
            int from = minute(m.group(3), m.group(4), entry, false);
            int to = minute(m.group(5), m.group(6), entry, true);
            if (from == to) {
                throw new IllegalArgumentException("'" + entry + "' opens and closes at the same time");
            }
            windows.add(new Window(days, from, to));
        }
        return new BusinessHours(List.copyOf(windows), zone);
    }

    boolean alwaysOpen() {
        return windows.isEmpty();
    }

    boolean isOpen(Instant at) {
        if (windows.isEmpty()) {
            return true;
        }
        ZonedDateTime local = at.atZone(zone);
        DayOfWeek today = local.getDayOfWeek();
        int minute = local.getHour() * 60 + local.getMinute();
        for (Window w : windows) {
            if (w.fromMinute() < w.toMinute()) {
                if (w.days().contains(today) && minute >= w.fromMinute() && minute < w.toMinute()) {
                    return true;
                }
            } else {   // runs past midnight
                if (w.days().contains(today) && minute >= w.fromMinute()) {
                    return true;
                }
                if (w.days().contains(today.minus(1)) && minute < w.toMinute()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static DayOfWeek day(String name) {
        DayOfWeek d = DAYS.get(name.toLowerCase(Locale.ROOT));
        if (d == null) {
            throw new IllegalArgumentException("'" + name + "' is not a day; use Mon, Tue, Wed, Thu, Fri, Sat, Sun");
        }
        return d;
    }

    private static int minute(String hh, String mm, String entry, boolean end) {
        int h = Integer.parseInt(hh);
        int m = Integer.parseInt(mm);
        if (end && h == 24 && m == 0) {
            return 24 * 60;
        }
        if (h > 23 || m > 59) {
            throw new IllegalArgumentException("'" + entry + "' has a time that does not exist; use 00:00 to 24:00");
        }
        LocalTime.of(h, m);
        return h * 60 + m;
    }
}
