package dev.omnibridge.spi;

import org.junit.jupiter.api.Test;

import static dev.omnibridge.spi.DeliveryStatus.State.DELIVERED;
import static dev.omnibridge.spi.DeliveryStatus.State.FAILED;
import static dev.omnibridge.spi.DeliveryStatus.State.QUEUED;
import static dev.omnibridge.spi.DeliveryStatus.State.READ;
import static dev.omnibridge.spi.DeliveryStatus.State.SENT;
import static dev.omnibridge.spi.DeliveryStatus.State.UNDELIVERED;
import static org.assertj.core.api.Assertions.assertThat;

class DeliveryStatusTest {
    @Test
    void aMessageMovesForwardThroughTheStatesButNeverBack() {
        assertThat(QUEUED.canMoveTo(SENT)).isTrue();
        assertThat(SENT.canMoveTo(DELIVERED)).isTrue();
        assertThat(DELIVERED.canMoveTo(READ)).isTrue();
        assertThat(SENT.canMoveTo(FAILED)).isTrue();
        assertThat(DELIVERED.canMoveTo(SENT)).isFalse();
        assertThat(READ.canMoveTo(DELIVERED)).isFalse();
    }

    @Test
    void theFirstEndStateWinsOverALaterConflictingOne() {
        assertThat(DELIVERED.canMoveTo(FAILED)).isFalse();
        assertThat(FAILED.canMoveTo(UNDELIVERED)).isFalse();
        assertThat(QUEUED.canMoveTo(QUEUED)).isFalse();
    }
}
