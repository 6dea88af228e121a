package dev.omnibridge.hub.calendar;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.config.ConfigProblem;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The business calendars the configuration declares ({@code calendars:}), by name. Whatever refers to a calendar
 * (an instance's {@code calendar}, a connector setting of type {@code CALENDAR}, acknowledgements, timers) looks it
 * up here, and {@link #problemIfUnknown} is the one check {@code validate} and start use for a name. Immutable.
 */
public final class CalendarRegistry {
    private static final CalendarRegistry EMPTY = new CalendarRegistry(Map.of());

    private final Map<String, BusinessCalendar> byName;
    private final Set<String> invalid;

    public CalendarRegistry(Map<String, BusinessCalendar> calendars) {
        this(calendars, Set.of());
    }

    /**
     * @param invalid names declared with a definition that has problems (reported on their own): a reference to one
     *                is not reported again as unknown
     */
    public CalendarRegistry(Map<String, BusinessCalendar> calendars, Set<String> invalid) {
        this.byName = java.util.Collections.unmodifiableMap(new TreeMap<>(calendars));
        this.invalid = Set.copyOf(invalid);
    }

    public static CalendarRegistry empty() {
        return EMPTY;
    }

    public Optional<BusinessCalendar> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }

    /** The calendar named, or the always-open one when {@code name} is null or empty (nothing configured). */
    public BusinessCalendar orAlwaysOpen(String name) {
        return name == null || name.isEmpty() ? BusinessCalendar.alwaysOpen()
                : find(name).orElseThrow(() -> new IllegalArgumentException(unknown(name)));
    }

    public Collection<String> names() {
        return byName.keySet();
    }

    /**
     * A problem for a reference to a calendar that is not declared, e.g. {@code problemIfUnknown("web", "calendar",
     * "support")}; empty when the name is known (or null / empty: nothing referred to).
     *
     * @param instanceId the instance the reference is in, or null for a hub-level key
     * @param key        where the reference is, as {@code validate} shows it
     */
    public Optional<ConfigProblem> problemIfUnknown(String instanceId, String key, String name) {
        if (name == null || name.isEmpty() || byName.containsKey(name) || invalid.contains(name)) {
            return Optional.empty();
        }
        return Optional.of(new ConfigProblem(instanceId, key, unknown(name)));
    }

    private String unknown(String name) {
        java.util.SortedSet<String> declared = new java.util.TreeSet<>(byName.keySet());
        declared.addAll(invalid);
        return "names unknown calendar '" + name + "' (" + (declared.isEmpty()
                ? "no calendars are declared; add it under calendars:" : "declared: " + declared) + ")";
    }
}
