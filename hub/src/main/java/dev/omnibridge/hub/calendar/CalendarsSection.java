package dev.omnibridge.hub.calendar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.calendar.CalendarProblem;
import dev.omnibridge.calendar.InvalidCalendarException;
import dev.omnibridge.config.ConfigProblem;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the configuration's {@code calendars:} mapping (name to time zone, hours, holidays, exceptions) into a
 * {@link CalendarRegistry}, reporting every problem under {@code calendars.<name>.<field>}, e.g.
 * {@code 'calendars.support.holidays[1]': '2026-12-26..2026-12-24' ends before it starts}.
 */
public final class CalendarsSection {
    public static final String KEY = "calendars";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<String> FIELDS = Set.of("timeZone", "hours", "holidays", "exceptions");

    private CalendarsSection() {
    }

    public static CalendarRegistry read(JsonNode node, List<ConfigProblem> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return CalendarRegistry.empty();
        }
        if (!node.isObject()) {
            problems.add(new ConfigProblem(null, KEY, "must be a mapping of calendar names to calendars"));
            return CalendarRegistry.empty();
        }
        Map<String, BusinessCalendar> calendars = new LinkedHashMap<>();
        Set<String> invalid = new java.util.HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String where = KEY + "." + name;
            JsonNode def = e.getValue();
            if (!NAME.matcher(name).matches()) {
                invalid.add(name);
                problems.add(new ConfigProblem(null, where, "a calendar name must be lower-case letters, digits and "
                        + "dashes, starting with a letter or digit"));
            }
            if (!def.isObject()) {
                invalid.add(name);
                problems.add(new ConfigProblem(null, where, "must be a mapping with timeZone, hours, holidays, "
                        + "exceptions"));
                continue;
            }
            for (Iterator<String> keys = def.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!FIELDS.contains(key)) {
                    problems.add(new ConfigProblem(null, where + "." + key, "unknown key; expected one of "
                            + FIELDS.stream().sorted().toList()));
                }
            }
            try {
                // Checked whatever the name, so one run of validate reports everything wrong with it.
                BusinessCalendar calendar = BusinessCalendar.parse(name, text(def.path("timeZone")),
                        String.join(", ", list(def.path("hours"))), list(def.path("holidays")),
                        list(def.path("exceptions")));
                if (NAME.matcher(name).matches()) {
                    calendars.put(name, calendar);
                }
            } catch (InvalidCalendarException ex) {
                invalid.add(name);
                for (CalendarProblem p : ex.problems()) {
                    problems.add(new ConfigProblem(null, where + "." + p.field(), p.message()));
                }
            }
        }
        return new CalendarRegistry(calendars, invalid);
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    /** A YAML list, or one string (hours may be written either way: {@code [Mon-Fri 09:00-17:00, Sat ...]}). */
    private static List<String> list(JsonNode n) {
        List<String> values = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(v -> values.add(v.asText()));
        } else if (!n.isMissingNode() && !n.isNull()) {
            values.add(n.asText());
        }
        return values;
    }
}
