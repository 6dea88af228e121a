package dev.omnibridge.hub.sla;

import dev.omnibridge.calendar.BusinessCalendar;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The business-time arithmetic the timers need, as a {@link BusinessCalendar} provides it. An interface of its own
 * so that the timers' tests can count in a calendar with real closed hours while the calendars themselves are built
 * elsewhere.
 */
public interface WorkingHours {
    /** Around the clock: what a channel without a calendar counts in. */
    WorkingHours ALWAYS = of(BusinessCalendar.alwaysOpen());

    /** The instant at which {@code amount} of business time has passed since {@code start} (empty: never). */
    Optional<Instant> plus(Instant start, Duration amount);

    /** The business time between two instants (zero when {@code to} is not after {@code from}). */
    Duration between(Instant from, Instant to);

    static WorkingHours of(BusinessCalendar calendar) {
        return new WorkingHours() {
            @Override
            public Optional<Instant> plus(Instant start, Duration amount) {
                return calendar.plusBusinessTime(start, amount);
            }

            @Override
            public Duration between(Instant from, Instant to) {
                return calendar.businessTimeBetween(from, to);
            }
        };
    }

    /** Finds a calendar's working hours by the calendar's name. */
    @FunctionalInterface
    interface Lookup {
        /** Knows no calendar: every timer counts around the clock. */
        Lookup NONE = name -> Optional.empty();

        Optional<WorkingHours> find(String calendarName);

        /**
         * The working hours of the calendar a channel instance keeps (its {@code calendar:}), for a channel whose
         * first-response policy names none; empty: around the clock.
         */
        default Optional<WorkingHours> ofChannel(String channelInstance) {
            return Optional.empty();
        }

        /** The working hours of the hub's named calendars (e.g. the calendar registry's find by name). */
        static Lookup fromCalendars(Function<String, Optional<BusinessCalendar>> calendars) {
            return name -> calendars.apply(name).map(WorkingHours::of);
        }

        /** The same, with each channel's own calendar (by its instance id) where the timers name none. */
        static Lookup fromCalendars(Function<String, Optional<BusinessCalendar>> calendars,
                                    Function<String, BusinessCalendar> channelCalendar) {
            return new Lookup() {
                @Override
                public Optional<WorkingHours> find(String calendarName) {
                    return calendars.apply(calendarName).map(WorkingHours::of);
                }

                @Override
                public Optional<WorkingHours> ofChannel(String channelInstance) {
                    BusinessCalendar calendar = channelCalendar.apply(channelInstance);
                    return calendar == null || calendar.isAlwaysOpen() ? Optional.empty()
                            : Optional.of(WorkingHours.of(calendar));
                }
            };
        }
    }
}
