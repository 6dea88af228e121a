package dev.omnibridge.hub.security;

import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AuthFailuresTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final AuthFailures failures = new AuthFailures(clock);

    @Test
    void anAddressIsLimitedOnlyPastItsBudgetAndIsToldHowLongToWait() {
        for (int i = 0; i < AuthFailures.MAX_FAILURES; i++) {
            assertThat(failures.failed("10.0.0.1")).as("failure %d", i + 1).isEmpty();
            clock.advance(Duration.ofSeconds(10));
        }

        Optional<Duration> wait = failures.failed("10.0.0.1");

        // The oldest of the last ten failures was 100 s ago: it leaves the window in 200 s.
        assertThat(wait).contains(AuthFailures.WINDOW.minusSeconds(100));
        assertThat(failures.failed("10.0.0.2")).as("another address has its own budget").isEmpty();
    }

    @Test
    void hammeringKeepsTheLimitAndWaitingAsToldGivesOneMoreTry() {
        for (int i = 0; i < AuthFailures.MAX_FAILURES; i++) {
            failures.failed("10.0.0.1");
        }
        assertThat(failures.failed("10.0.0.1")).contains(AuthFailures.WINDOW);
        clock.advance(Duration.ofSeconds(100));
        Duration wait = failures.failed("10.0.0.1").orElseThrow();
        assertThat(wait).as("still hammering: the window's oldest failure decides").isEqualTo(Duration.ofSeconds(200));

        clock.advance(wait);

        assertThat(failures.failed("10.0.0.1")).isEmpty();
    }

    @Test
    void failuresOutsideTheWindowAreForgotten() {
        for (int i = 0; i < AuthFailures.MAX_FAILURES; i++) {
            failures.failed("10.0.0.1");
        }
        clock.advance(AuthFailures.WINDOW.plusSeconds(1));

        assertThat(failures.failed("10.0.0.1")).isEmpty();
    }

    @Test
    void manyAddressesDoNotGrowTheTableWithoutBound() {
        for (int i = 0; i < AuthFailures.MAX_ADDRESSES; i++) {
            failures.failed("a" + i);
        }
        clock.advance(AuthFailures.WINDOW.plusSeconds(1));

        failures.failed("fresh");

        assertThat(failures.trackedAddresses()).isEqualTo(1);
    }
}
