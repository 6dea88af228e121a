package dev.omnibridge.deskkit;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DeskTimesTest {
    @Test
    void isoTimesWithAnOffsetAreReadAndAnythingElseIsNull() {
        assertThat(DeskTimes.parseOrNull("2024-05-01T12:00:00+02:00")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(DeskTimes.parseOrNull("2024-05-01T10:00:00Z")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(DeskTimes.parseOrNull(null)).isNull();
        assertThat(DeskTimes.parseOrNull(" ")).isNull();
        assertThat(DeskTimes.parseOrNull("yesterday")).isNull();
    }
}
