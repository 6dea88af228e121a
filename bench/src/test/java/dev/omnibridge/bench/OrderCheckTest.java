package dev.omnibridge.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Inversions are counted only where the sender knows the hub's order: acknowledged before the other was sent. */
class OrderCheckTest {
    @Test
    void aMessageDeliveredBeforeOneAcknowledgedBeforeItWasSentIsAnInversion() {
        OrderCheck check = new OrderCheck();
        check.add(0, 0, 10, 2);  // acknowledged at 10 ...
        check.add(1, 20, 30, 1); // ... sent at 20, yet delivered first

        assertThat(check.inversions()).extracting(OrderCheck.Sent::seq).containsExactly(1);
    }

    @Test
    void messagesInFlightTogetherMayArriveInEitherOrder() {
        OrderCheck check = new OrderCheck();
        check.add(0, 0, 30, 2);  // acknowledged after 1 was sent: the hub may have stored 1 first
        check.add(1, 10, 20, 1);

        assertThat(check.inversions()).isEmpty();
    }

    @Test
    void deliveriesInAcknowledgedOrderHaveNoInversion() {
        OrderCheck check = new OrderCheck();
        for (int i = 0; i < 100; i++) {
            check.add(i, i * 10L, i * 10L + 5, i + 1);
        }

        assertThat(check.inversions()).isEmpty();
    }
}
