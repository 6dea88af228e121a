package dev.omnibridge.hub;

import dev.omnibridge.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** {@code omnibridge validate} on the built-in connector types (the console inbox desk), no plugins needed. */
class ValidateCommandTest {
    @TempDir
    Path dir;

    private List<ConfigProblem> validate(String yaml) throws IOException {
        Path file = dir.resolve("omnibridge.yaml");
        Files.writeString(file, yaml);
        return Omnibridge.problems(file);
    }

    @Test
    void aRouteFromADeskIsReportedUnderRoutesNotUnderTheInstance() throws IOException {
        List<ConfigProblem> problems = validate("""
                hub: {adminToken: admin-token-123}
                instances:
                  - {id: inbox, type: console-inbox}
                  - {id: other, type: console-inbox}
                routes:
                  - {from: inbox, to: other}
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.instanceId()).isNull();
            assertThat(p.key()).isEqualTo("routes[0].from");
            assertThat(p.message()).contains("'inbox' is a desk").contains("from channels to desks");
        });
    }

    @Test
    void anInstanceWithABadIdStillHasItsSettingsAndTypeChecked() throws IOException {
        List<ConfigProblem> problems = validate("""
                hub: {adminToken: admin-token-123}
                instances:
                  - {id: Inbox_1, type: console-inbox, settings: {colour: red}}
                  - {id: ghost, type: console-inbox}
                  - {id: ghost, type: no-such-type}
                """);

        assertThat(problems).extracting(ConfigProblem::instanceId, ConfigProblem::key).containsExactlyInAnyOrder(
                tuple("Inbox_1", "id"), tuple("ghost#2", "id"), tuple("Inbox_1", "colour"), tuple("ghost#2", "type"));
    }

    @Test
    void calendarProblemsAndUnknownCalendarNamesAreReportedAtOnceWithEverythingElse() throws IOException {
        List<ConfigProblem> problems = validate("""
                hub: {adminToken: admin-token-123}
                calendars:
                  support:
                    timeZone: Europe/Berlin
                    hours: Mon-Fri 09:00-17:00
                  weekend:
                    timeZone: Europe/Nowhere
                    hours: Sat-Sun 10:00-16:00, Sun 15:00-18:00
                    holidays:
                      - 2026-02-30
                    exceptions:
                      - 2026-12-24 9-12
                instances:
                  - {id: inbox, type: console-inbox, calendar: support}
                  - {id: other, type: console-inbox, calendar: suport}
                  - {id: third, type: no-such-type, calendar: weekend}
                """);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "'calendars.weekend.timeZone': 'Europe/Nowhere' is not a time zone; use an IANA id such as "
                        + "Europe/Berlin, America/New_York or UTC",
                "'calendars.weekend.hours': 'Sat-Sun 10:00-16:00' and 'Sun 15:00-18:00' overlap on Sun at 15:00",
                "'calendars.weekend.holidays[0]': '2026-02-30' is not a date like 2026-12-25 or a range like "
                        + "2026-12-24..2026-12-26",
                "'calendars.weekend.exceptions[0]': '2026-12-24 9-12': '9-12' is not opening hours like 09:00-12:00",
                "instance 'other': 'calendar': names unknown calendar 'suport' (declared: [support, weekend])",
                "instance 'third': 'type': no plugin provides connector type 'no-such-type' (available: "
                        + "[camel-channel, camel-desk, console-inbox])");
    }

    @Test
    void badAcknowledgementTemplatesAndUnknownCalendarsAreReportedAllAtOnce() throws IOException {
        List<ConfigProblem> problems = validate("""
                hub:
                  adminToken: admin-token-123
                  acknowledgements:
                    enabled: true
                    calendar: office
                    quietPeriod: soon
                    templates:
                      en: {inHours: "Hi {firstName}, ticket {ticketNumber}", outOfHours: "Closed, {name}"}
                instances:
                  - id: inbox
                    type: console-inbox
                    acknowledgements: {calendar: weekend}
                """);

        assertThat(problems).extracting(ConfigProblem::instanceId, ConfigProblem::key).containsExactlyInAnyOrder(
                tuple(null, "hub.acknowledgements.quietPeriod"),
                tuple(null, "hub.acknowledgements.templates.en.inHours"),
                tuple(null, "hub.acknowledgements.templates.en.outOfHours"),
                tuple(null, "hub.acknowledgements.calendar"),
                tuple("inbox", "acknowledgements.calendar"),
                tuple("inbox", "acknowledgements"));
        assertThat(problems).filteredOn(p -> "hub.acknowledgements.templates.en.inHours".equals(p.key()))
                .singleElement().extracting(ConfigProblem::message).asString()
                .contains("unknown placeholder(s) {ticketNumber}").contains("{firstName}");
        assertThat(problems).filteredOn(p -> "hub.acknowledgements.calendar".equals(p.key()))
                .singleElement().extracting(ConfigProblem::message).asString()
                .isEqualTo("names unknown calendar 'office'");
        assertThat(problems).filteredOn(p -> "acknowledgements".equals(p.key()))
                .singleElement().extracting(ConfigProblem::message).asString()
                .contains("only channel instances acknowledge");
    }

    @Test
    void aMissingFileIsOneProblemSaidPlainly() {
        Path missing = dir.resolve("missing.yaml");

        assertThat(Omnibridge.problems(missing)).extracting(ConfigProblem::toString)
                .containsExactly("configuration file " + missing + " does not exist");
    }
}
