package dev.omnibridge.hub.automation;

import dev.omnibridge.calendar.BusinessCalendar;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;

/**
 * {@code {expectedAnswer}}: when {@code expectedAnswer} of business time will have passed, counted in the calendar
 * (so out of hours it counts from the next opening), written in the calendar's time zone and the template's language.
 */
final class ExpectedAnswer {
    private ExpectedAnswer() {
    }

    static String format(BusinessCalendar calendar, Instant now, Duration expectedAnswer, String language) {
        return calendar.plusBusinessTime(now, expectedAnswer)
                .map(at -> DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                        .withLocale(Locale.forLanguageTag(language)).withZone(calendar.zone()).format(at)
                        + (calendar.zone().getId().equals("UTC") ? " UTC" : ""))
                .orElse("");
    }
}
