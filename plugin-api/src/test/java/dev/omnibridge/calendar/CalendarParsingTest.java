package dev.omnibridge.calendar;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every problem a calendar definition can have, with the field and the words an operator reads. */
class CalendarParsingTest {
    private static final String ZONE = "Europe/Berlin";
    private static final String HOURS = "Mon-Fri 09:00-17:00";

    private static List<CalendarProblem> problems(String zone, String hours, List<String> holidays,
                                                  List<String> exceptions) {
        InvalidCalendarException e = catchThrowableOfType(InvalidCalendarException.class,
                () -> BusinessCalendar.parse("support", zone, hours, holidays, exceptions));
        assertThat(e).as("the definition is refused").isNotNull();
        return e.problems();
    }

    private static List<CalendarProblem> hoursProblems(String hours) {
        return problems(ZONE, hours, List.of(), List.of());
    }

    private static List<CalendarProblem> holidayProblems(String... holidays) {
        return problems(ZONE, HOURS, List.of(holidays), List.of());
    }

    private static List<CalendarProblem> exceptionProblems(String hours, String... exceptions) {
        return problems(ZONE, hours, List.of(), List.of(exceptions));
    }

    @Test
    void aValidDefinitionParses() {
        assertThatCode(() -> BusinessCalendar.parse("support", ZONE, "Mon-Fri 09:00-17:00, Sat 10:00-13:00",
                List.of("2026-12-25", "2026-12-24..2026-12-26"), List.of("2026-12-24 09:00-12:00",
                        "2026-12-28..2026-12-30 10:00-14:00, 15:00-16:00"))).doesNotThrowAnyException();
    }

    @Test
    void timeZoneIsRequiredAndMustBeKnown() {
        assertThat(problems(null, HOURS, List.of(), List.of())).containsExactly(new CalendarProblem("timeZone",
                "is required: an IANA time zone such as Europe/Berlin"));
        assertThat(problems("Mars/Base", HOURS, List.of(), List.of())).containsExactly(
                new CalendarProblem("timeZone", "'Mars/Base' is not a time zone; use an IANA id such as "
                        + "Europe/Berlin, America/New_York or UTC"));
        // Three-letter abbreviations are ambiguous and not zone ids.
        assertThat(problems("EST", HOURS, List.of(), List.of())).extracting(CalendarProblem::field)
                .containsExactly("timeZone");
    }

    @Test
    void hoursAreRequiredForANamedCalendar() {
        assertThat(hoursProblems("  ")).containsExactly(new CalendarProblem("hours",
                "is required, e.g. 'Mon-Fri 09:00-17:00'; open around the clock is 'Mon-Sun 00:00-24:00'"));
    }

    @Test
    void anEntryThatIsNotLikeTheSyntaxIsQuoted() {
        assertThat(hoursProblems("Mon-Fri 9-17")).containsExactly(new CalendarProblem("hours",
                "'Mon-Fri 9-17' is not like 'Mon-Fri 09:00-17:00'"));
    }

    @Test
    void anUnknownDayIsNamed() {
        assertThat(hoursProblems("Mon-Fri 09:00-17:00, Xyz 10:00-11:00")).containsExactly(new CalendarProblem(
                "hours", "'Xyz 10:00-11:00': 'Xyz' is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun"));
    }

    @Test
    void aTimeThatDoesNotExistIsRefused() {
        assertThat(hoursProblems("Mon 25:00-26:00")).containsExactly(new CalendarProblem("hours",
                "'Mon 25:00-26:00' has a time that does not exist; use 00:00 to 24:00"));
        assertThat(hoursProblems("Mon 24:00-02:00")).extracting(CalendarProblem::message)
                .containsExactly("'Mon 24:00-02:00' has a time that does not exist; use 00:00 to 24:00");
        assertThat(hoursProblems("Mon 09:60-10:00")).hasSize(1);
    }

    @Test
    void aWindowThatOpensAndClosesAtOnceIsRefused() {
        assertThat(hoursProblems("Mon 10:00-10:00")).containsExactly(new CalendarProblem("hours",
                "'Mon 10:00-10:00' opens and closes at the same time"));
    }

    @Test
    void overlappingWindowsAreRefusedNamingBoth() {
        assertThat(hoursProblems("Mon-Fri 09:00-17:00, Fri 16:00-18:00")).containsExactly(new CalendarProblem(
                "hours", "'Mon-Fri 09:00-17:00' and 'Fri 16:00-18:00' overlap on Fri at 16:00"));
        // across midnight, and from Sunday night into Monday
        assertThat(hoursProblems("Fri 22:00-02:00, Sat 01:00-05:00")).extracting(CalendarProblem::message)
                .containsExactly("'Fri 22:00-02:00' and 'Sat 01:00-05:00' overlap on Sat at 01:00");
        assertThat(hoursProblems("Mon 00:00-08:00, Sun 22:00-02:00")).extracting(CalendarProblem::message)
                .containsExactly("'Mon 00:00-08:00' and 'Sun 22:00-02:00' overlap on Mon at 00:00");
    }

    @Test
    void windowsThatOnlyTouchAreFine() {
        assertThatCode(() -> BusinessCalendar.parse("c", ZONE, "Mon 09:00-12:00, Mon 12:00-17:00, "
                + "Mon-Sun 00:00-09:00, Sun 17:00-24:00", List.of(), List.of())).doesNotThrowAnyException();
    }

    @Test
    void holidaysMustBeDatesOrRanges() {
        String expected = " is not a date like 2026-12-25 or a range like 2026-12-24..2026-12-26";
        assertThat(holidayProblems("2026-12-25", "2026-13-01", "2026-02-30", "Christmas")).containsExactly(
                new CalendarProblem("holidays[1]", "'2026-13-01'" + expected),
                new CalendarProblem("holidays[2]", "'2026-02-30'" + expected),
                new CalendarProblem("holidays[3]", "'Christmas'" + expected));
    }

    @Test
    void aHolidayRangeMustNotEndBeforeItStarts() {
        assertThat(holidayProblems("2026-12-26..2026-12-24")).containsExactly(new CalendarProblem("holidays[0]",
                "'2026-12-26..2026-12-24' ends before it starts"));
    }

    @Test
    void anExceptionNeedsHours() {
        assertThat(exceptionProblems(HOURS, "2026-12-24")).containsExactly(new CalendarProblem("exceptions[0]",
                "'2026-12-24' gives no hours; write them after the date, like '2026-12-24 09:00-12:00' (a day "
                        + "closed all day is a holiday)"));
        assertThat(exceptionProblems(HOURS, "2026-12-24 closed")).containsExactly(new CalendarProblem(
                "exceptions[0]", "'2026-12-24 closed' is not like '2026-12-24 09:00-12:00' or "
                + "'2026-12-27..2026-12-30 10:00-14:00'"));
    }

    @Test
    void anExceptionsHoursAndDatesAreChecked() {
        assertThat(exceptionProblems(HOURS, "2026-12-24 9-12")).containsExactly(new CalendarProblem(
                "exceptions[0]", "'2026-12-24 9-12': '9-12' is not opening hours like 09:00-12:00"));
        assertThat(exceptionProblems(HOURS, "2026-12-32 09:00-12:00")).containsExactly(new CalendarProblem(
                "exceptions[0]", "'2026-12-32' is not a date like 2026-12-25 or a range like 2026-12-24..2026-12-26"));
        assertThat(exceptionProblems(HOURS, "2026-12-30..2026-12-28 09:00-12:00")).extracting(
                CalendarProblem::message).containsExactly("'2026-12-30..2026-12-28' ends before it starts");
        assertThat(exceptionProblems(HOURS, "2026-12-24 09:00-25:00")).extracting(CalendarProblem::message)
                .containsExactly("'2026-12-24 09:00-25:00' has a time that does not exist; use 00:00 to 24:00");
        assertThat(exceptionProblems(HOURS, "2026-12-24 09:00-09:00")).extracting(CalendarProblem::message)
                .containsExactly("'2026-12-24 09:00-09:00' opens and closes at the same time");
    }

    @Test
    void anExceptionsWindowsMustNotOverlap() {
        assertThat(exceptionProblems(HOURS, "2026-12-24 09:00-12:00, 11:00-13:00")).containsExactly(
                new CalendarProblem("exceptions[0]", "'2026-12-24 09:00-12:00, 11:00-13:00': 09:00-12:00 and "
                        + "11:00-13:00 overlap"));
    }

    @Test
    void aDateGetsHoursFromOneExceptionOnly() {
        assertThat(exceptionProblems(HOURS, "2026-12-24 09:00-12:00", "2026-12-23..2026-12-25 10:00-11:00"))
                .containsExactly(new CalendarProblem("exceptions[1]", "'2026-12-23..2026-12-25 10:00-11:00' gives "
                        + "hours for 2026-12-24, which exceptions[0] '2026-12-24 09:00-12:00' already gives"));
    }

    @Test
    void anExceptionMustNotRunIntoTheNextDaysHours() {
        assertThat(exceptionProblems("Mon-Sun 08:00-20:00", "2026-12-31 20:00-09:00")).containsExactly(
                new CalendarProblem("exceptions[0]", "'2026-12-31 20:00-09:00' runs until 09:00 on 2027-01-01, "
                        + "into that day's hours (08:00-20:00)"));
        // a range runs into its own next day too, and from its last day into the day after
        String range = "'2026-12-28..2026-12-29 10:00-12:00, 20:00-11:00'";
        assertThat(exceptionProblems("Mon-Sun 08:00-09:00", "2026-12-28..2026-12-29 10:00-12:00, 20:00-11:00"))
                .extracting(CalendarProblem::message).containsExactly(
                        range + " runs until 11:00 on 2026-12-29, into that day's hours (10:00-12:00)",
                        range + " runs until 11:00 on 2026-12-30, into that day's hours (08:00-09:00)");
    }

    @Test
    void anExceptionMustNotStartInsideTheNightHoursOfTheDayBefore() {
        assertThat(exceptionProblems("Mon-Sun 20:00-04:00", "2026-12-24 02:00-06:00")).containsExactly(
                new CalendarProblem("exceptions[0]", "'2026-12-24 02:00-06:00' overlaps the hours of the day "
                        + "before, 2026-12-23, which run until 04:00"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<CalendarProblem> all = problems("Mars/Base", "Mon-Fri 9-17, Mon 10:00-10:00",
                List.of("2026-12-25", "tomorrow"), List.of("2026-12-24", "2026-12-31 20:00-09:00"));
        assertThat(all).extracting(CalendarProblem::field).containsExactly("timeZone", "hours", "hours",
                "holidays[1]", "exceptions[0]");
        assertThat(all).allSatisfy(p -> assertThat(p.message()).isNotBlank());
        assertThat(new InvalidCalendarException(all).getMessage()).contains("timeZone: 'Mars/Base'")
                .contains("holidays[1]: 'tomorrow'");
    }

    @Test
    void caseSpacesFullDayNamesAndSingleDigitHoursAreForgiven() {
        BusinessCalendar c = BusinessCalendar.parse("c", ZONE, "mon - FRIDAY 9:00 - 17:00,", List.of(" 2026-12-25 "),
                List.of(" 2026-12-24  09:00 - 12:00 "));
        assertThat(c.isOpen(java.time.Instant.parse("2026-01-07T09:00:00Z"))).isTrue();   // Wednesday 10:00
    }

    @Test
    void theInlineFormIsWeeklyHoursAloneAndEmptyMeansAlwaysOpen() {
        assertThat(BusinessCalendar.weekly("chat", "Europe/Berlin", "").isAlwaysOpen()).isTrue();
        assertThat(BusinessCalendar.weekly("chat", "Europe/Berlin", "").zone().getId()).isEqualTo("Europe/Berlin");
        assertThat(BusinessCalendar.weekly("chat", "UTC", "Mon 09:00-10:00").isAlwaysOpen()).isFalse();
        InvalidCalendarException e = catchThrowableOfType(InvalidCalendarException.class,
                () -> BusinessCalendar.weekly("chat", "Mars/Base", ""));
        assertThat(e.problems()).extracting(CalendarProblem::field).containsExactly("timeZone");
    }
}
