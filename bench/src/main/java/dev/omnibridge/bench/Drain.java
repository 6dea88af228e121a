package dev.omnibridge.bench;

import java.time.Duration;

/** Waiting for a hub's outbox to empty into the desk stub, giving up only when nothing moves for a while. */
final class Drain {
    private Drain() {
    }

    /**
     * Waits until the stub has accepted {@code expected} distinct messages (since its last {@link DeskStub#clear()})
     * and the hub's {@code /metrics} shows no pending delivery (the last outcomes are committed), or
     * until neither changes for {@code stuck}. Returns whether every message arrived.
     */
    static boolean await(DeskStub stub, Target hub, int expected, Duration stuck) {
        long lastChange = System.nanoTime();
        int lastDelivered = -1;
        while (true) {
            int delivered = stub.distinctArrivals();
            if (delivered >= expected && outboxEmpty(hub)) {
                return true;
            }
            if (delivered != lastDelivered) {
                lastDelivered = delivered;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > stuck.toNanos()) {
                return delivered >= expected;
            }
            Scenarios.sleep(100);
        }
    }

    /** No pending delivery on {@code /metrics} (the hub counts retrying ones as pending too); true if it does not say. */
    static boolean outboxEmpty(Target hub) {
        double pending = HubProbe.sample(HubProbe.metrics(hub), "omnibridge_deliveries", "state=\"pending\"");
        return !(pending > 0);
    }
}
