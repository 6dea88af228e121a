package dev.omnibridge.hub.sla;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.model.Priority;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which calendar a clock counts in: the timers' own, else the channel's, else around the clock. */
class DeadlinesTest {
    private static final BusinessCalendar OFFICE = BusinessCalendar.parse("office", "Europe/Berlin",
            "Mon-Fri 09:00-17:00", List.of(), List.of());
    /** Friday 2026-12-04, 16:00 in Berlin. */
    private static final Instant FRIDAY_4PM = Instant.parse("2026-12-04T15:00:00Z");

    @Test
    void aChannelWhoseTimersNameNoCalendarCountsInTheChannelsOwnCalendar() {
        Deadlines deadlines = new Deadlines(FirstResponseConfig.standard(), WorkingHours.Lookup.fromCalendars(
                name -> Optional.empty(), id -> "web".equals(id) ? OFFICE : BusinessCalendar.alwaysOpen()));

        // NORMAL: 4 business hours from Friday 16:00 = 1 h on Friday + 3 h on Monday from 09:00.
        assertThat(deadlines.due("web", Priority.NORMAL, FRIDAY_4PM).breachAt())
                .isEqualTo(Instant.parse("2026-12-07T11:00:00Z"));
        assertThat(deadlines.due("sms", Priority.NORMAL, FRIDAY_4PM).breachAt())
                .isEqualTo(FRIDAY_4PM.plusSeconds(4 * 3600));
    }
}
