package dev.omnibridge.hub.delivery;

import java.time.Instant;

/**
 * Deliveries to one target are paused by its breaker: it has been failing for several conversations since
 * {@code since}; the next probe (one real delivery) goes at {@code nextProbeAt} (null while a probe is out).
 *
 * @param lastError the target's last failure, as shown for deliveries (no secrets, no customer data)
 */
public record DeliveryPause(Instant since, Instant nextProbeAt, String lastError) {
}
