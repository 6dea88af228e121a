package dev.omnibridge.bench;

import java.time.Duration;

/** Waiting for a hub's outbox to empty into the desk stub, giving up only when nothing moves for a while. */
final class Drain {
    private Drain() {
    }

    /**
     * Waits until the stub has accepted {@code expected} distinct messages (since its last {@link DeskStub#clear()})
     * and the hub's {@code /metrics} shows no pending or retrying delivery (the last outcomes are committed), or
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

    /** No pending or retrying delivery on {@code /metrics}; true when the hub does not say (older builds). */
    static boolean outboxEmpty(Target hub) {
        String metrics = HubProbe.metrics(hub);
        double pending = HubProbe.sample(metrics, "omnibridge_deliveries", "state=\"pending\"");
        double retrying = HubProbe.sample(metrics, "omnibridge_deliveries", "state=\"retrying\"");
        return !(pending > 0) && !(retrying > 0);
    }
}
