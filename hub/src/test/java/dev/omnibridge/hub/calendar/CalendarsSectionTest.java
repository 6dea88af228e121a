package dev.omnibridge.hub.calendar;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.ConfigLoader;
import dev.omnibridge.hub.config.HubConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The configuration's {@code calendars:} and the instances referring to them, as the loader reads them. */
class CalendarsSectionTest {
    @TempDir
    Path dir;

    private ConfigLoader.Result load(String yaml) throws IOException {
        Path file = dir.resolve("omnibridge.yaml");
        Files.writeString(file, "hub: {adminToken: admin-token-123}\n" + yaml);
        return ConfigLoader.withSystemEnvironment().load(file);
    }

    private static Instant berlin(String local) {
        return LocalDateTime.parse(local).atZone(ZoneId.of("Europe/Berlin")).toInstant();
    }

    @Test
    void namedCalendarsAreReadWithHoursHolidaysAndExceptions() throws IOException {
        ConfigLoader.Result result = load("""
                calendars:
                  support-eu:
                    timeZone: Europe/Berlin
                    hours: Mon-Fri 09:00-17:00, Sat 10:00-13:00
                    holidays:
                      - 2026-12-25
                      - 2026-12-24..2026-12-26
                    exceptions:
                      - 2026-12-24 09:00-12:00
                  night:
                    timeZone: America/New_York
                    hours:
                      - Mon-Fri 22:00-06:00
                      - Sat 22:00-02:00
                instances:
                  - {id: inbox, type: console-inbox, calendar: support-eu}
                  - {id: other, type: console-inbox}
                """);

        assertThat(result.problems()).isEmpty();
        HubConfig config = result.config();
        assertThat(config.calendars().names()).containsExactly("night", "support-eu");
        BusinessCalendar eu = config.calendars().find("support-eu").orElseThrow();
        assertThat(eu.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(eu.isOpen(berlin("2026-12-24T10:00"))).isTrue();    // the exception
        assertThat(eu.isOpen(berlin("2026-12-25T10:00"))).isFalse();   // the holiday
        assertThat(eu.isOpen(berlin("2026-12-26T11:00"))).isFalse();   // a Saturday inside the holiday range
        assertThat(config.calendars().find("night").orElseThrow()
                .isOpen(Instant.parse("2026-01-06T04:00:00Z"))).isTrue();   // Monday 23:00 in New York
        assertThat(config.instance("inbox").orElseThrow().calendar()).isEqualTo("support-eu");
        assertThat(config.calendarOf("inbox")).isSameAs(eu);
        assertThat(config.calendarOf("other").isAlwaysOpen()).isTrue();
    }

    @Test
    void everyProblemIsReportedUnderTheCalendarsNameAndEntry() throws IOException {
        ConfigLoader.Result result = load("""
                calendars:
                  support:
                    timeZone: Mars/Base
                    hours: Mon-Fri 09:00-17:00, Fri 16:00-18:00, Sun 9-5
                    holidays: [2026-12-25, 2026-12-26..2026-12-24, xmas]
                    exceptions:
                      - 2026-12-24
                      - 2026-12-31 09:00-12:00
                    colour: blue
                  Bad_Name:
                    timeZone: UTC
                  empty: just-text
                instances:
                  - {id: inbox, type: console-inbox, calendar: support}
                  - {id: other, type: console-inbox, calendar: nowhere}
                """);

        assertThat(result.problems()).extracting(ConfigProblem::instanceId, ConfigProblem::key).containsExactlyInAnyOrder(
                tuple(null, "calendars.support.colour"),
                tuple(null, "calendars.support.timeZone"),
                tuple(null, "calendars.support.hours"),
                tuple(null, "calendars.support.hours"),
                tuple(null, "calendars.support.holidays[1]"),
                tuple(null, "calendars.support.holidays[2]"),
                tuple(null, "calendars.support.exceptions[0]"),
                tuple(null, "calendars.Bad_Name"),
                tuple(null, "calendars.Bad_Name.hours"),
                tuple(null, "calendars.empty"),
                // 'support' is declared (with problems of its own): only the name nobody declared is unknown
                tuple("other", "calendar"));
        assertThat(result.problems()).extracting(ConfigProblem::toString).contains(
                "'calendars.support.timeZone': 'Mars/Base' is not a time zone; use an IANA id such as "
                        + "Europe/Berlin, America/New_York or UTC",
                "'calendars.support.hours': 'Mon-Fri 09:00-17:00' and 'Fri 16:00-18:00' overlap on Fri at 16:00",
                "'calendars.support.holidays[1]': '2026-12-26..2026-12-24' ends before it starts",
                "'calendars.Bad_Name': a calendar name must be lower-case letters, digits and dashes, starting "
                        + "with a letter or digit",
                "instance 'other': 'calendar': names unknown calendar 'nowhere' (declared: [Bad_Name, empty, "
                        + "support])");
        assertThat(result.hasFatalProblems()).isTrue();
    }

    @Test
    void calendarsMustBeAMapping() throws IOException {
        assertThat(load("calendars: [a, b]\n").problems()).extracting(ConfigProblem::toString)
                .containsExactly("'calendars': must be a mapping of calendar names to calendars");
    }
}
