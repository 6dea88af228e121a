package dev.omnibridge.hub.automation;

import dev.omnibridge.calendar.BusinessCalendar;

import java.util.Optional;

/**
 * Business calendars by their configured name. The hub's calendar registry provides it; acknowledgements only ask
 * for a calendar by name, so they do not depend on how calendars are configured.
 */
@FunctionalInterface
public interface CalendarLookup {
    Optional<BusinessCalendar> find(String name);

    /** Knows no calendar: every name is unknown. */
    static CalendarLookup none() {
        return name -> Optional.empty();
    }
}
