package dev.omnibridge.deskkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RatePacerTest {
    @Test
    void aRequestBeyondTheBucketWaitsForARefill() throws Exception {
        RatePacer pacer = new RatePacer(5, Duration.ofMillis(500));
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            pacer.acquire();
        }
        pacer.acquire();
        long sixth = System.nanoTime() - start;

        assertThat(Duration.ofNanos(sixth)).as("one permit refills every 100 ms").isGreaterThan(Duration.ofMillis(60));
    }

    @Test
    void aPauseHoldsCallersUntilItEnds() throws Exception {
        RatePacer pacer = new RatePacer(100, Duration.ofSeconds(1));
        pacer.pause(Duration.ofMillis(200));
        long start = System.nanoTime();
        pacer.acquire();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(150));
        assertThat(pacer.pausedFor()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aLimitNeedsPositiveValues() {
        assertThatThrownBy(() -> new RatePacer(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RatePacer(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
