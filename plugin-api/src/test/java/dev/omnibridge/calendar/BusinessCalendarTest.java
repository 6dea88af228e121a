package dev.omnibridge.calendar;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a calendar answers. Dates: 2026-01-05 is a Monday; Berlin's clocks go forward on 2026-03-29 at 02:00
 * (01:00Z) and back on 2026-10-25 at 03:00 (01:00Z); New York's go forward on 2026-03-08 at 02:00 (07:00Z) and back
 * on 2026-11-01 at 02:00 (06:00Z). 2026-12-24 is a Thursday.
 */
class BusinessCalendarTest {
    private static final String BERLIN = "Europe/Berlin";
    private static final String NEW_YORK = "America/New_York";

    private static BusinessCalendar cal(String zone, String hours, List<String> holidays, List<String> exceptions) {
        return BusinessCalendar.parse("test", zone, hours, holidays, exceptions);
    }

    private static BusinessCalendar cal(String zone, String hours) {
        return cal(zone, hours, List.of(), List.of());
    }

    /** A local time that is not in a clock change. */
    private static Instant berlin(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZoneId.of(BERLIN)).toInstant();
    }

    private static Instant utc(String instant) {
        return Instant.parse(instant);
    }

    @Nested
    class WeeklyHours {
        private final BusinessCalendar hours = cal(BERLIN, "Mon-Fri 09:00-17:00, Sat 10:00-13:00");

        @Test
        void openOnWeekdaysAndSaturdayInTheCalendarsZone() {
            assertThat(hours.isOpen(berlin("2026-01-05T08:59"))).isFalse();
            assertThat(hours.isOpen(berlin("2026-01-05T09:00"))).isTrue();   // start inclusive
            assertThat(hours.isOpen(berlin("2026-01-05T16:59"))).isTrue();
            assertThat(hours.isOpen(berlin("2026-01-05T17:00"))).isFalse();  // end exclusive
            assertThat(hours.isOpen(berlin("2026-01-10T10:30"))).isTrue();   // Saturday
            assertThat(hours.isOpen(berlin("2026-01-10T14:00"))).isFalse();
            assertThat(hours.isOpen(berlin("2026-01-11T12:00"))).isFalse();  // Sunday
            // 08:30 UTC on a Monday in January is 09:30 in Berlin, and before the hours in UTC
            assertThat(hours.isOpen(utc("2026-01-05T08:30:00Z"))).isTrue();
            assertThat(cal("UTC", "Mon-Fri 09:00-17:00").isOpen(utc("2026-01-05T08:30:00Z"))).isFalse();
            // summer time: 07:00Z is 09:00 in Berlin in July
            assertThat(hours.isOpen(utc("2026-07-06T07:00:00Z"))).isTrue();
            assertThat(hours.isOpen(utc("2026-07-06T06:59:00Z"))).isFalse();
        }

        @Test
        void nextOpeningIsNowWhenOpenAndTheNextWindowOtherwise() {
            assertThat(hours.nextOpening(berlin("2026-01-05T10:00"))).contains(berlin("2026-01-05T10:00"));
            assertThat(hours.nextOpening(berlin("2026-01-09T17:00"))).contains(berlin("2026-01-10T10:00"));
            assertThat(hours.nextOpening(berlin("2026-01-10T14:00"))).contains(berlin("2026-01-12T09:00"));
        }

        @Test
        void businessTimeIsAddedWindowByWindow() {
            // Friday 15:00 + 4 business hours: 2 on Friday, 2 on Saturday; + 6: 3 on Saturday, 1 on Monday
            assertThat(hours.plusBusinessTime(berlin("2026-01-09T15:00"), Duration.ofHours(4)))
                    .contains(berlin("2026-01-10T12:00"));
            assertThat(hours.plusBusinessTime(berlin("2026-01-09T15:00"), Duration.ofHours(6)))
                    .contains(berlin("2026-01-12T10:00"));
            // one hour from 16:00 falls due at the close, not at the next opening
            assertThat(hours.plusBusinessTime(berlin("2026-01-05T16:00"), Duration.ofHours(1)))
                    .contains(berlin("2026-01-05T17:00"));
            // from a closed time the clock starts at the next opening
            assertThat(hours.plusBusinessTime(berlin("2026-01-11T14:00"), Duration.ofMinutes(30)))
                    .contains(berlin("2026-01-12T09:30"));
            assertThat(hours.plusBusinessTime(berlin("2026-01-11T14:00"), Duration.ZERO))
                    .contains(berlin("2026-01-11T14:00"));
            assertThatThrownBy(() -> hours.plusBusinessTime(berlin("2026-01-11T14:00"), Duration.ofMinutes(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        }

        @Test
        void businessTimeBetweenCountsOnlyOpenTime() {
            assertThat(hours.businessTimeBetween(berlin("2026-01-05T00:00"), berlin("2026-01-12T00:00")))
                    .isEqualTo(Duration.ofHours(5 * 8 + 3));
            assertThat(hours.businessTimeBetween(berlin("2026-01-05T16:00"), berlin("2026-01-06T10:00")))
                    .isEqualTo(Duration.ofHours(2));
            assertThat(hours.businessTimeBetween(berlin("2026-01-06T10:00"), berlin("2026-01-05T16:00")))
                    .isEqualTo(Duration.ZERO);
        }

        @Test
        void nextClosingIsTheEndOfTheOpenStretch() {
            assertThat(hours.nextClosing(berlin("2026-01-05T10:00"))).contains(berlin("2026-01-05T17:00"));
            assertThat(hours.nextClosing(berlin("2026-01-11T10:00"))).contains(berlin("2026-01-11T10:00"));
            // windows that touch are one stretch
            assertThat(cal(BERLIN, "Mon 09:00-24:00, Tue 00:00-17:00").nextClosing(berlin("2026-01-05T10:00")))
                    .contains(berlin("2026-01-06T17:00"));
            // around the clock never closes, unless a holiday comes
            assertThat(cal(BERLIN, "Mon-Sun 00:00-24:00").nextClosing(berlin("2026-01-05T10:00"))).isEmpty();
            assertThat(cal(BERLIN, "Mon-Sun 00:00-24:00", List.of("2026-12-25"), List.of())
                    .nextClosing(berlin("2026-12-01T10:00"))).contains(berlin("2026-12-25T00:00"));
        }

        @Test
        void theNextOpeningReadsInTheCustomersLanguage() {
            Instant saturday = berlin("2026-01-10T14:00");
            assertThat(hours.describeNextOpening(saturday, Locale.UK)).contains("Monday 09:00");
            assertThat(hours.describeNextOpening(saturday, Locale.GERMANY)).contains("Montag 09:00");
            assertThat(hours.describeNextOpening(saturday, Locale.US)).hasValueSatisfying(
                    text -> assertThat(text).startsWith("Monday 9:00").endsWith("AM"));
            BusinessCalendar away = cal(BERLIN, "Mon-Fri 09:00-17:00", List.of("2026-01-12..2026-01-30"), List.of());
            assertThat(away.describeNextOpening(saturday, Locale.UK)).contains("2 February 2026 09:00");
        }
    }

    @Nested
    class AcrossMidnight {
        @Test
        void aWindowEndingBeforeItStartsRunsIntoTheNextDay() {
            BusinessCalendar night = cal(BERLIN, "Fri 22:00-02:00");
            assertThat(night.isOpen(berlin("2026-01-09T21:59"))).isFalse();
            assertThat(night.isOpen(berlin("2026-01-09T23:00"))).isTrue();
            assertThat(night.isOpen(berlin("2026-01-10T01:59"))).isTrue();     // Saturday morning, from Friday
            assertThat(night.isOpen(berlin("2026-01-10T02:00"))).isFalse();
            assertThat(night.isOpen(berlin("2026-01-08T23:00"))).isFalse();    // Thursday night
            assertThat(night.nextOpening(berlin("2026-01-10T01:00"))).contains(berlin("2026-01-10T01:00"));
            assertThat(night.nextOpening(berlin("2026-01-10T02:00"))).contains(berlin("2026-01-16T22:00"));
            assertThat(night.plusBusinessTime(berlin("2026-01-09T12:00"), Duration.ofHours(3)))
                    .contains(berlin("2026-01-10T01:00"));
            assertThat(night.businessTimeBetween(berlin("2026-01-05T00:00"), berlin("2026-01-19T00:00")))
                    .isEqualTo(Duration.ofHours(8));
        }

        @Test
        void dayRangesWrapAndSundayNightRunsIntoMonday() {
            BusinessCalendar weekend = cal(BERLIN, "Sat-Mon 00:00-24:00");
            assertThat(weekend.isOpen(berlin("2026-01-11T23:59"))).isTrue();   // Sunday
            assertThat(weekend.isOpen(berlin("2026-01-05T12:00"))).isTrue();   // Monday
            assertThat(weekend.isOpen(berlin("2026-01-06T00:00"))).isFalse();  // Tuesday
            BusinessCalendar sundayNight = cal(BERLIN, "Sun 22:00-02:00");
            assertThat(sundayNight.isOpen(berlin("2026-01-05T01:00"))).isTrue();
            assertThat(sundayNight.isOpen(berlin("2026-01-05T02:00"))).isFalse();
        }
    }

    @Nested
    class DaylightSavingTime {
        @Test
        void berlinSpringForwardMakesTheDayAnHourShorter() {
            assertThat(cal(BERLIN, "Mon-Sun 00:00-24:00").businessTimeBetween(berlin("2026-03-29T00:00"),
                    berlin("2026-03-30T00:00"))).isEqualTo(Duration.ofHours(23));
            BusinessCalendar early = cal(BERLIN, "Sun 01:00-05:00");   // 01:00 CET to 05:00 CEST
            assertThat(early.businessTimeBetween(utc("2026-03-28T00:00:00Z"), utc("2026-03-30T00:00:00Z")))
                    .isEqualTo(Duration.ofHours(3));
            assertThat(early.isOpen(utc("2026-03-29T00:59:59Z"))).isTrue();   // 01:59:59 CET
            assertThat(early.isOpen(utc("2026-03-29T01:00:00Z"))).isTrue();   // 03:00 CEST: the hour after
            assertThat(early.isOpen(utc("2026-03-29T03:00:00Z"))).isFalse();  // 05:00 CEST
        }

        @Test
        void berlinAWindowStartingInTheSkippedHourOpensWhenTheClocksJump() {
            BusinessCalendar skipped = cal(BERLIN, "Sun 02:30-04:00");
            assertThat(skipped.nextOpening(utc("2026-03-28T23:00:00Z"))).contains(utc("2026-03-29T01:00:00Z"));
            assertThat(skipped.isOpen(utc("2026-03-29T00:59:00Z"))).isFalse();
            assertThat(skipped.businessTimeBetween(utc("2026-03-28T23:00:00Z"), utc("2026-03-29T23:00:00Z")))
                    .isEqualTo(Duration.ofHours(1));
            // a window wholly inside the skipped hour is no time that day, and opens again a week later
            BusinessCalendar gone = cal(BERLIN, "Sun 02:00-03:00");
            assertThat(gone.nextOpening(utc("2026-03-28T23:00:00Z"))).contains(berlin("2026-04-05T02:00"));
        }

        @Test
        void berlinNightShiftAcrossSpringForward() {
            BusinessCalendar night = cal(BERLIN, "Sat 22:00-06:00");   // 21:00Z to 04:00Z: 7 hours that night
            assertThat(night.businessTimeBetween(utc("2026-03-28T21:00:00Z"), utc("2026-03-29T04:00:00Z")))
                    .isEqualTo(Duration.ofHours(7));
            assertThat(night.plusBusinessTime(utc("2026-03-28T21:00:00Z"), Duration.ofHours(7)))
                    .contains(utc("2026-03-29T04:00:00Z"));
            assertThat(night.plusBusinessTime(utc("2026-03-28T21:00:00Z"), Duration.ofMinutes(7 * 60 + 1)))
                    .contains(utc("2026-04-04T20:01:00Z"));
        }

        @Test
        void berlinFallBackMakesTheDayAnHourLonger() {
            assertThat(cal(BERLIN, "Mon-Sun 00:00-24:00").businessTimeBetween(berlin("2026-10-25T00:00"),
                    berlin("2026-10-26T00:00"))).isEqualTo(Duration.ofHours(25));
            // 01:00 CEST (23:00Z) to 05:00 CET (04:00Z)
            assertThat(cal(BERLIN, "Sun 01:00-05:00").businessTimeBetween(utc("2026-10-24T00:00:00Z"),
                    utc("2026-10-26T00:00:00Z"))).isEqualTo(Duration.ofHours(5));
        }

        @Test
        void berlinATimeThatOccursTwiceMeansItsFirstOccurrence() {
            BusinessCalendar from = cal(BERLIN, "Sun 02:30-04:00");   // 00:30Z (first 02:30) to 03:00Z
            assertThat(from.nextOpening(utc("2026-10-24T22:00:00Z"))).contains(utc("2026-10-25T00:30:00Z"));
            assertThat(from.isOpen(utc("2026-10-25T01:15:00Z"))).isTrue();   // 02:15 the second time
            assertThat(from.businessTimeBetween(utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z")))
                    .isEqualTo(Duration.ofMinutes(150));
            BusinessCalendar until = cal(BERLIN, "Sun 00:00-02:30");   // 22:00Z to 00:30Z (first 02:30)
            assertThat(until.isOpen(utc("2026-10-25T00:15:00Z"))).isTrue();    // 02:15 the first time
            assertThat(until.isOpen(utc("2026-10-25T01:15:00Z"))).isFalse();   // 02:15 the second time
            assertThat(until.businessTimeBetween(utc("2026-10-24T12:00:00Z"), utc("2026-10-25T12:00:00Z")))
                    .isEqualTo(Duration.ofMinutes(150));
        }

        @Test
        void berlinWeekdayTargetAcrossTheFallBackWeekend() {
            assertThat(cal(BERLIN, "Mon-Fri 09:00-17:00").plusBusinessTime(utc("2026-10-23T14:00:00Z"),
                    Duration.ofHours(2))).contains(utc("2026-10-26T09:00:00Z"));   // Monday 10:00 CET
        }

        @Test
        void newYorkClockChanges() {
            BusinessCalendar always = cal(NEW_YORK, "Mon-Sun 00:00-24:00");
            assertThat(always.businessTimeBetween(utc("2026-03-08T05:00:00Z"), utc("2026-03-09T04:00:00Z")))
                    .isEqualTo(Duration.ofHours(23));
            BusinessCalendar early = cal(NEW_YORK, "Sun 01:00-03:00");
            // spring: 01:00 EST (06:00Z) to 03:00 EDT (07:00Z)
            assertThat(early.businessTimeBetween(utc("2026-03-08T00:00:00Z"), utc("2026-03-09T00:00:00Z")))
                    .isEqualTo(Duration.ofHours(1));
            assertThat(early.isOpen(utc("2026-03-08T06:30:00Z"))).isTrue();
            assertThat(early.isOpen(utc("2026-03-08T07:00:00Z"))).isFalse();
            // autumn: 01:00 EDT (05:00Z) to 03:00 EST (08:00Z), 01:30 the second time included
            assertThat(early.businessTimeBetween(utc("2026-11-01T00:00:00Z"), utc("2026-11-02T00:00:00Z")))
                    .isEqualTo(Duration.ofHours(3));
            assertThat(early.isOpen(utc("2026-11-01T06:30:00Z"))).isTrue();
            assertThat(always.businessTimeBetween(utc("2026-11-01T04:00:00Z"), utc("2026-11-02T05:00:00Z")))
                    .isEqualTo(Duration.ofHours(25));
            // Friday 16:00 EST + 2 business hours: Monday 10:00 EDT
            assertThat(cal(NEW_YORK, "Mon-Fri 09:00-17:00").plusBusinessTime(utc("2026-03-06T21:00:00Z"),
                    Duration.ofHours(2))).contains(utc("2026-03-09T14:00:00Z"));
        }
    }

    @Nested
    class HolidaysAndExceptions {
        @Test
        void holidaysCloseTheirDates() {
            BusinessCalendar c = cal(BERLIN, "Mon-Fri 09:00-17:00", List.of("2026-12-25", "2026-12-31..2027-01-01"),
                    List.of());
            assertThat(c.isOpen(berlin("2026-12-24T10:00"))).isTrue();
            assertThat(c.isOpen(berlin("2026-12-25T10:00"))).isFalse();
            assertThat(c.nextOpening(berlin("2026-12-24T17:00"))).contains(berlin("2026-12-28T09:00"));
            assertThat(c.nextOpening(berlin("2026-12-30T17:00"))).contains(berlin("2027-01-04T09:00"));
            assertThat(c.plusBusinessTime(berlin("2026-12-24T16:00"), Duration.ofHours(2)))
                    .contains(berlin("2026-12-28T10:00"));
            assertThat(c.businessTimeBetween(berlin("2026-12-21T00:00"), berlin("2027-01-04T00:00")))
                    .isEqualTo(Duration.ofHours(7 * 8));
        }

        @Test
        void aHolidayClosesTheWindowsThatStartOnItsDate() {
            // Thursday's night runs into the holiday Friday; a holiday Thursday has no night
            assertThat(cal(BERLIN, "Thu 22:00-06:00", List.of("2026-12-25"), List.of())
                    .isOpen(berlin("2026-12-25T05:00"))).isTrue();
            BusinessCalendar thursdayOff = cal(BERLIN, "Thu 22:00-06:00", List.of("2026-12-24"), List.of());
            assertThat(thursdayOff.isOpen(berlin("2026-12-24T23:00"))).isFalse();
            assertThat(thursdayOff.isOpen(berlin("2026-12-25T05:00"))).isFalse();
        }

        @Test
        void anExceptionReplacesTheDaysHoursAlsoOnAHoliday() {
            BusinessCalendar c = cal(BERLIN, "Mon-Fri 09:00-17:00", List.of("2026-12-24..2026-12-26"),
                    List.of("2026-12-24 09:00-12:00", "2026-12-23 09:00-20:00"));
            assertThat(c.isOpen(berlin("2026-12-24T10:00"))).isTrue();
            assertThat(c.isOpen(berlin("2026-12-24T13:00"))).isFalse();
            assertThat(c.isOpen(berlin("2026-12-25T10:00"))).isFalse();
            assertThat(c.isOpen(berlin("2026-12-23T19:00"))).isTrue();    // the late opening
            assertThat(c.isOpen(berlin("2026-12-22T19:00"))).isFalse();
            assertThat(c.nextOpening(berlin("2026-12-23T20:00"))).contains(berlin("2026-12-24T09:00"));
            assertThat(c.nextOpening(berlin("2026-12-24T12:00"))).contains(berlin("2026-12-28T09:00"));
        }

        @Test
        void anExceptionMayRunPastMidnightAndCoverADateRange() {
            BusinessCalendar newYear = cal(BERLIN, "Mon-Fri 09:00-17:00", List.of("2026-12-31..2027-01-01"),
                    List.of("2026-12-31 20:00-02:00"));
            assertThat(newYear.isOpen(berlin("2026-12-31T10:00"))).isFalse();
            assertThat(newYear.isOpen(berlin("2027-01-01T01:00"))).isTrue();
            assertThat(newYear.isOpen(berlin("2027-01-01T10:00"))).isFalse();
            BusinessCalendar between = cal(BERLIN, "Mon-Fri 09:00-17:00", List.of(),
                    List.of("2026-12-28..2026-12-30 10:00-14:00", "2027-01-09 10:00-12:00"));
            assertThat(between.isOpen(berlin("2026-12-29T09:30"))).isFalse();
            assertThat(between.isOpen(berlin("2026-12-29T10:00"))).isTrue();
            assertThat(between.isOpen(berlin("2026-12-29T14:00"))).isFalse();
            assertThat(between.businessTimeBetween(berlin("2026-12-28T00:00"), berlin("2026-12-31T00:00")))
                    .isEqualTo(Duration.ofHours(12));
            assertThat(between.isOpen(berlin("2027-01-09T11:00"))).isTrue();   // a Saturday
        }

        @Test
        void aCalendarThatNeverOpensAgainAnswersEmptyAndQuickly() {
            BusinessCalendar closed = cal(BERLIN, "Mon-Fri 09:00-17:00", List.of("2026-01-01..9999-12-31"),
                    List.of());
            Instant june = utc("2026-06-01T10:00:00Z");
            assertThat(closed.isOpen(june)).isFalse();
            assertThat(closed.nextOpening(june)).isEmpty();
            assertThat(closed.plusBusinessTime(june, Duration.ofHours(1))).isEmpty();
            assertThat(closed.describeNextOpening(june, Locale.UK)).isEmpty();
            assertThat(closed.nextClosing(june)).contains(june);
            assertThat(closed.businessTimeBetween(june, utc("2030-01-01T00:00:00Z"))).isEqualTo(Duration.ZERO);
        }
    }

    @Test
    void alwaysOpenCountsEveryInstant() {
        BusinessCalendar always = BusinessCalendar.alwaysOpen();
        Instant t = utc("2026-03-29T01:30:00Z");
        assertThat(always.name()).isEqualTo("always");
        assertThat(always.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(always.isAlwaysOpen()).isTrue();
        assertThat(always.isOpen(t)).isTrue();
        assertThat(always.nextOpening(t)).contains(t);
        assertThat(always.nextClosing(t)).isEqualTo(Optional.empty());
        assertThat(always.plusBusinessTime(t, Duration.ofHours(5))).contains(t.plus(Duration.ofHours(5)));
        assertThat(always.businessTimeBetween(t, t.plusSeconds(90))).isEqualTo(Duration.ofSeconds(90));
    }
}
