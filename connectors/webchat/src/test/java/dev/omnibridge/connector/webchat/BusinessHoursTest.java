package dev.omnibridge.connector.webchat;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BusinessHoursTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** Berlin is UTC+1 in January; 2026-01-05 is a Monday. */
    private static Instant berlin(String localDateTime) {
        return java.time.LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    @Test
    void weekdaysAndSaturdayInTheConfiguredZone() {
        BusinessHours h = BusinessHours.parse("Mon-Fri 09:00-17:00, Sat 10:00-13:00", BERLIN);
        assertThat(h.isOpen(berlin("2026-01-05T08:59"))).isFalse();
        assertThat(h.isOpen(berlin("2026-01-05T09:00"))).isTrue();   // start inclusive
        assertThat(h.isOpen(berlin("2026-01-05T16:59"))).isTrue();
        assertThat(h.isOpen(berlin("2026-01-05T17:00"))).isFalse();  // end exclusive
        assertThat(h.isOpen(berlin("2026-01-09T12:00"))).isTrue();   // Friday
        assertThat(h.isOpen(berlin("2026-01-10T10:30"))).isTrue();   // Saturday
        assertThat(h.isOpen(berlin("2026-01-10T14:00"))).isFalse();
        assertThat(h.isOpen(berlin("2026-01-11T12:00"))).isFalse();  // Sunday
        // 08:30 UTC on Monday is 09:30 in Berlin: open, although 08:30 < 09:00
        assertThat(h.isOpen(Instant.parse("2026-01-05T08:30:00Z"))).isTrue();
        // and the same instant in UTC hours is closed
        assertThat(BusinessHours.parse("Mon-Fri 09:00-17:00", ZoneId.of("UTC"))
                .isOpen(Instant.parse("2026-01-05T08:30:00Z"))).isFalse();
    }

    @Test
    void summerTimeFollowsTheZone() {
        BusinessHours h = BusinessHours.parse("Mon-Fri 09:00-17:00", BERLIN);
        // 2026-07-06 is a Monday; Berlin is UTC+2: 07:00Z is 09:00 local
        assertThat(h.isOpen(Instant.parse("2026-07-06T07:00:00Z"))).isTrue();
        assertThat(h.isOpen(Instant.parse("2026-07-06T06:59:00Z"))).isFalse();
    }

    @Test
    void wrappingDaysOvernightAndMidnight() {
        BusinessHours weekend = BusinessHours.parse("Sat-Mon 00:00-24:00", BERLIN);
        assertThat(weekend.isOpen(berlin("2026-01-11T23:59"))).isTrue();   // Sunday
        assertThat(weekend.isOpen(berlin("2026-01-05T12:00"))).isTrue();   // Monday
        assertThat(weekend.isOpen(berlin("2026-01-06T00:00"))).isFalse();  // Tuesday
        BusinessHours night = BusinessHours.parse("Fri 22:00-02:00", BERLIN);
        assertThat(night.isOpen(berlin("2026-01-09T21:59"))).isFalse();
        assertThat(night.isOpen(berlin("2026-01-09T23:00"))).isTrue();
        assertThat(night.isOpen(berlin("2026-01-10T01:59"))).isTrue();     // Saturday morning, from Friday
        assertThat(night.isOpen(berlin("2026-01-10T02:00"))).isFalse();
        assertThat(night.isOpen(berlin("2026-01-08T23:00"))).isFalse();    // Thursday night
    }

    @Test
    void emptyIsAlwaysOpen() {
        assertThat(BusinessHours.parse("", BERLIN).isOpen(Instant.now())).isTrue();
        assertThat(BusinessHours.parse("  ", BERLIN).alwaysOpen()).isTrue();
    }

    @Test
    void caseAndSpacesAreForgiven() {
        assertThat(BusinessHours.parse("mon - FRI 09:00 - 17:00", BERLIN).isOpen(berlin("2026-01-07T10:00"))).isTrue();
    }

    @Test
    void problemsNameThePart() {
        assertThatThrownBy(() -> BusinessHours.parse("Mon-Fri 9-17", BERLIN)).hasMessageContaining("'Mon-Fri 9-17'");
        assertThatThrownBy(() -> BusinessHours.parse("Mon-Fri 09:00-17:00, Xyz 10:00-11:00", BERLIN))
                .hasMessageContaining("'Xyz' is not a day");
        assertThatThrownBy(() -> BusinessHours.parse("Mon 25:00-26:00", BERLIN)).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> BusinessHours.parse("Mon 10:00-10:00", BERLIN)).hasMessageContaining("same time");
    }
}
