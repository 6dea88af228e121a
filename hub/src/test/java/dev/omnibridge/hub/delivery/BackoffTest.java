package dev.omnibridge.hub.delivery;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(1000), Duration.ofMillis(60_000));

    private static void assertJittered(Duration actual, long ceilingMillis) {
        assertThat(actual.toMillis()).isBetween(ceilingMillis / 2, ceilingMillis);
    }

    @RepeatedTest(20)
    void delayDoublesWithEachFailedAttemptWithinTheJitterRange() {
        assertJittered(backoff.delay(1, null), 1000);
        assertJittered(backoff.delay(2, null), 2000);
        assertJittered(backoff.delay(3, null), 4000);
        assertJittered(backoff.delay(4, null), 8000);
        assertJittered(backoff.delay(6, null), 32_000);
    }

    @RepeatedTest(20)
    void delayIsCappedAtTheMaximum() {
        assertJittered(backoff.delay(7, null), 60_000);
        assertJittered(backoff.delay(40, null), 60_000);
        assertJittered(backoff.delay(Integer.MAX_VALUE, null), 60_000);
    }

    @Test
    void zeroOrNegativeAttemptCountsAreTreatedAsTheFirst() {
        assertJittered(backoff.delay(0, null), 1000);
        assertJittered(backoff.delay(-3, null), 1000);
    }

    @Test
    void jitterSpreadsDelaysOverTheWholeRange() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 2000; i++) {
            long d = backoff.delay(1, null).toMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        // Not all the same value, and reaching into both halves of [500, 1000].
        assertThat(min).isLessThan(750);
        assertThat(max).isGreaterThan(750);
    }

    @RepeatedTest(10)
    void retryAfterIsALowerBound() {
        assertThat(backoff.delay(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        // A Retry-After shorter than the backoff does not shorten it.
        assertJittered(backoff.delay(6, Duration.ofMillis(10)), 32_000);
        assertJittered(backoff.delay(1, Duration.ZERO), 1000);
    }

    @Test
    void retryAfterIsCappedAtOneHour() {
        assertThat(backoff.delay(1, Duration.ofDays(2))).isEqualTo(Duration.ofHours(1));
        assertThat(backoff.delay(1, Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void retryAfterAboveTheMaximumBackoffIsStillHonoured() {
        assertThat(backoff.delay(20, Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(10));
    }
}
