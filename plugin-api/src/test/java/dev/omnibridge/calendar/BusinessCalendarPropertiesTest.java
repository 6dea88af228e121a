package dev.omnibridge.calendar;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The calendar's answers agree with each other, for calendars with night windows, holidays and exceptions in zones
 * with clock changes (Santiago changes at midnight, Lord Howe by half an hour), at instants around those changes.
 */
class BusinessCalendarPropertiesTest {
    private static final long FROM = Instant.parse("2026-02-20T00:00:00Z").getEpochSecond();
    private static final long TO = Instant.parse("2026-12-31T00:00:00Z").getEpochSecond();

    @Provide
    Arbitrary<BusinessCalendar> calendars() {
        Arbitrary<String> zones = Arbitraries.of("Europe/Berlin", "America/New_York", "UTC", "Australia/Lord_Howe",
                "America/Santiago", "Asia/Kolkata");
        Arbitrary<String> hours = Arbitraries.of("Mon-Fri 09:00-17:00", "Mon-Fri 09:00-17:00, Sat 10:00-13:00",
                "Fri 22:00-02:00", "Mon-Sun 00:00-24:00", "Sat-Mon 00:00-24:00", "Mon-Sun 01:30-03:15",
                "Sun 02:00-03:00, Mon-Fri 08:00-12:00, Mon-Fri 13:00-18:00", "Sun 22:00-02:00",
                "Mon-Sun 20:00-04:00", "Mon 00:00-24:00, Tue 00:00-06:00, Wed 23:00-01:00");
        Arbitrary<List<String>> holidays = Arbitraries.of("2026-03-29", "2026-10-25", "2026-11-01", "2026-03-08",
                "2026-04-03..2026-04-06", "2026-12-24..2026-12-26", "2026-06-15", "2026-09-05..2026-09-07",
                "2026-07-01..2026-08-31").list().uniqueElements().ofMaxSize(3);
        Arbitrary<List<String>> exceptions = Arbitraries.of("2026-03-29 02:15-03:45", "2026-10-25 01:30-02:30",
                "2026-11-01 00:30-01:30", "2026-03-28 10:00-12:00, 20:00-23:00", "2026-06-16..2026-06-18 07:00-09:00",
                "2026-12-24 09:00-12:00", "2026-09-06 00:00-24:00", "2026-04-04 22:00-01:00")
                .list().uniqueElements().ofMaxSize(3);
        return Combinators.combine(zones, hours, holidays, exceptions).as(BusinessCalendarPropertiesTest::orNull)
                .filter(Objects::nonNull);
    }

    /** Some combinations overlap (an exception into a night window): those are refused, and not what is tested. */
    private static BusinessCalendar orNull(String zone, String hours, List<String> holidays, List<String> exceptions) {
        try {
            return BusinessCalendar.parse("p", zone, hours, holidays, exceptions);
        } catch (InvalidCalendarException e) {
            return null;
        }
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(FROM, TO).map(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<Instant> minutes() {
        return Arbitraries.longs().between(FROM / 60, TO / 60).map(m -> Instant.ofEpochSecond(m * 60));
    }

    @Property(tries = 500)
    void addingBusinessTimeAndMeasuringItGiveTheSameAmount(@ForAll("calendars") BusinessCalendar calendar,
                                                           @ForAll("instants") Instant start,
                                                           @ForAll @IntRange(min = 0, max = 400 * 3600) int seconds) {
        Duration amount = Duration.ofSeconds(seconds);
        Optional<Instant> due = calendar.plusBusinessTime(start, amount);
        assertThat(due).as("every generated calendar opens again").isPresent();
        assertThat(calendar.businessTimeBetween(start, due.get())).isEqualTo(amount);
        if (seconds > 0) {   // the earliest such instant
            assertThat(calendar.businessTimeBetween(start, due.get().minusSeconds(1))).isLessThan(amount);
            assertThat(calendar.isOpen(due.get().minusNanos(1))).isTrue();
        }
    }

    @Property(tries = 500)
    void isOpenAgreesWithNextOpening(@ForAll("calendars") BusinessCalendar calendar, @ForAll("instants") Instant at) {
        Instant opening = calendar.nextOpening(at).orElseThrow();
        assertThat(opening).isAfterOrEqualTo(at);
        assertThat(calendar.isOpen(at)).isEqualTo(opening.equals(at));
        assertThat(calendar.isOpen(opening)).isTrue();
        assertThat(calendar.businessTimeBetween(at, opening)).isEqualTo(Duration.ZERO);
    }

    @Property(tries = 500)
    void nextClosingEndsTheOpenStretch(@ForAll("calendars") BusinessCalendar calendar, @ForAll("instants") Instant at) {
        Optional<Instant> closing = calendar.nextClosing(at);
        if (closing.isEmpty()) {   // open around the clock from here on
            assertThat(calendar.isOpen(at)).isTrue();
            return;
        }
        Instant c = closing.get();
        assertThat(calendar.isOpen(c)).isFalse();
        assertThat(calendar.businessTimeBetween(at, c)).isEqualTo(Duration.between(at, c));
        if (c.isAfter(at)) {
            assertThat(calendar.isOpen(c.minusNanos(1))).isTrue();
        }
    }

    @Property(tries = 300)
    void businessTimeAddsUpOverConsecutiveSpans(@ForAll("calendars") BusinessCalendar calendar,
                                                @ForAll("instants") Instant a, @ForAll("instants") Instant b,
                                                @ForAll("instants") Instant c) {
        List<Instant> t = java.util.stream.Stream.of(a, b, c).sorted().toList();
        assertThat(calendar.businessTimeBetween(t.get(0), t.get(1))
                .plus(calendar.businessTimeBetween(t.get(1), t.get(2))))
                .isEqualTo(calendar.businessTimeBetween(t.get(0), t.get(2)));
        assertThat(calendar.businessTimeBetween(t.get(0), t.get(2))).isLessThanOrEqualTo(
                Duration.between(t.get(0), t.get(2)));
    }

    /** Windows and clock changes fall on whole minutes, so counting open minutes one by one is an exact oracle. */
    @Property(tries = 60)
    void businessTimeEqualsTheOpenMinutesCountedOneByOne(@ForAll("calendars") BusinessCalendar calendar,
                                                         @ForAll("minutes") Instant start,
                                                         @ForAll @IntRange(min = 0, max = 2 * 24 * 60) int span) {
        long open = 0;
        for (int m = 0; m < span; m++) {
            if (calendar.isOpen(start.plusSeconds(60L * m))) {
                open++;
            }
        }
        assertThat(calendar.businessTimeBetween(start, start.plusSeconds(60L * span)))
                .isEqualTo(Duration.ofMinutes(open));
    }
}
