package dev.omnibridge.hub.calendar;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.config.ConfigProblem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CalendarRegistryTest {
    private final BusinessCalendar support = BusinessCalendar.parse("support", "Europe/Berlin", "Mon-Fri 09:00-17:00",
            List.of(), List.of());
    private final CalendarRegistry registry = new CalendarRegistry(Map.of("support", support), Set.of("broken"));

    @Test
    void aReferenceToAnUndeclaredCalendarIsAProblemNamingWhereItIsAndWhatIsDeclared() {
        assertThat(registry.problemIfUnknown("web", "acknowledgements.calendar", "suport")).contains(
                new ConfigProblem("web", "acknowledgements.calendar",
                        "names unknown calendar 'suport' (declared: [broken, support])"));
        assertThat(CalendarRegistry.empty().problemIfUnknown(null, "timers.calendar", "support")).hasValueSatisfying(
                p -> assertThat(p.message()).isEqualTo(
                        "names unknown calendar 'support' (no calendars are declared; add it under calendars:)"));
    }

    @Test
    void knownNamesAndNoNameAreFineAndABrokenDeclarationIsNotReportedTwice() {
        assertThat(registry.problemIfUnknown("web", "calendar", "support")).isEmpty();
        assertThat(registry.problemIfUnknown("web", "calendar", null)).isEmpty();
        assertThat(registry.problemIfUnknown("web", "calendar", "")).isEmpty();
        assertThat(registry.problemIfUnknown("web", "calendar", "broken")).isEmpty();
        assertThat(registry.find("broken")).isEmpty();
    }

    @Test
    void lookupsByName() {
        assertThat(registry.find("support")).containsSame(support);
        assertThat(registry.find(null)).isEmpty();
        assertThat(registry.orAlwaysOpen("support")).isSameAs(support);
        assertThat(registry.orAlwaysOpen(null).isAlwaysOpen()).isTrue();
        assertThatThrownBy(() -> registry.orAlwaysOpen("nope")).hasMessageContaining("unknown calendar 'nope'");
    }
}
