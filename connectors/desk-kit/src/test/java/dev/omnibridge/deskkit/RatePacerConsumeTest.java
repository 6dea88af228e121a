package dev.omnibridge.deskkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the desk counts against the same limit but that the connector does not make (a desk's automation webhook
 * calling the hub counts against the account's API limit at Freshdesk) are recorded with {@link RatePacer#consume}.
 */
class RatePacerConsumeTest {
    @Test
    void aConsumedPermitMakesTheNextRequestWaitForARefill() throws Exception {
        RatePacer pacer = new RatePacer(5, Duration.ofMillis(500));
        for (int i = 0; i < 5; i++) {
            pacer.consume();
        }
        long start = System.nanoTime();
        pacer.acquire();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("one permit refills every 100 ms")
                .isGreaterThan(Duration.ofMillis(60));
    }

    @Test
    void consumingNeverWaitsAndRunsUpAtMostOnePeriodOfDebt() throws Exception {
        RatePacer pacer = new RatePacer(5, Duration.ofMillis(500));
        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            pacer.consume();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));

        start = System.nanoTime();
        pacer.acquire();
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        // 1,000 webhooks are not 100 s of silence: the desk's own window has long moved on by then.
        assertThat(waited).isGreaterThan(Duration.ofMillis(400)).isLessThan(Duration.ofMillis(1_500));
    }
}
