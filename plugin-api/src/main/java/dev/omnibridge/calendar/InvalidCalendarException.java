package dev.omnibridge.calendar;

import java.util.List;
import java.util.stream.Collectors;

/** A calendar definition that does not parse; carries every problem found, not only the first. */
public final class InvalidCalendarException extends IllegalArgumentException {
    private final transient List<CalendarProblem> problems;

    public InvalidCalendarException(List<CalendarProblem> problems) {
        super(problems.stream().map(CalendarProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<CalendarProblem> problems() {
        return problems;
    }
}
