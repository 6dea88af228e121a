package dev.omnibridge.hub.automation;

import dev.omnibridge.calendar.BusinessCalendar;

import java.util.Optional;

/**
 * Business calendars by their configured name (and a channel instance's own). The hub's calendar registry provides
 * it; acknowledgements only ask for a calendar by name, so they do not depend on how calendars are configured.
 */
@FunctionalInterface
public interface CalendarLookup {
    Optional<BusinessCalendar> find(String name);

    /**
     * The calendar a channel instance keeps (its {@code calendar:}), for acknowledgements that name none; always
     * open without one.
     */
    default BusinessCalendar ofChannel(String channelInstance) {
        return BusinessCalendar.alwaysOpen();
    }

    /** Calendars by name, and each channel instance's own. */
    static CalendarLookup of(java.util.function.Function<String, Optional<BusinessCalendar>> byName,
                             java.util.function.Function<String, BusinessCalendar> byChannel) {
        return new CalendarLookup() {
            @Override
            public Optional<BusinessCalendar> find(String name) {
                return byName.apply(name);
            }

            @Override
            public BusinessCalendar ofChannel(String channelInstance) {
                return byChannel.apply(channelInstance);
            }
        };
    }

    /** Knows no calendar: every name is unknown. */
    static CalendarLookup none() {
        return name -> Optional.empty();
    }
}
