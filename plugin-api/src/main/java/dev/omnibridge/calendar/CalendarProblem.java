package dev.omnibridge.calendar;

import java.util.Objects;

/**
 * One thing wrong with a calendar's definition.
 *
 * @param field   where it is: {@code timeZone}, {@code hours}, {@code holidays[i]} or {@code exceptions[i]}
 * @param message what is wrong, quoting the entry (calendars hold no secrets)
 */
public record CalendarProblem(String field, String message) {
    public CalendarProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
