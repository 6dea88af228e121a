package dev.omnibridge.connector.webchat;

import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {
    @Test
    void allowsTheRateWithBurstsThenSaysHowLongToWait() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        RateLimiter limiter = new RateLimiter(6, clock);   // one every 10 s
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.acquire("1.2.3.4")).isZero();
        }
        assertThat(limiter.acquire("1.2.3.4")).isEqualTo(10);
        assertThat(limiter.acquire("5.6.7.8")).as("keys are independent").isZero();
        clock.advance(Duration.ofSeconds(9));
        assertThat(limiter.acquire("1.2.3.4")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.acquire("1.2.3.4")).isZero();
        assertThat(limiter.acquire("1.2.3.4")).isPositive();
    }

    @Test
    void idleKeysAreForgottenWhenTheMapGrows() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        RateLimiter limiter = new RateLimiter(60, clock);
        for (int i = 0; i <= 10_001; i++) {
            limiter.acquire("ip-" + i);
        }
        clock.advance(Duration.ofMinutes(2));
        limiter.acquire("fresh");
        assertThat(limiter.size()).isLessThan(10);
    }
}
