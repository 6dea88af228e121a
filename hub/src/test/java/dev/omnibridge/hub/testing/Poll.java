package dev.omnibridge.hub.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for asynchronous work without fixed sleeps: polls a condition until it holds or a generous deadline. */
public final class Poll {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private Poll() {
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, () -> "");
    }

    /** @param state described in the failure message, to show what the condition saw last */
    public static void until(String what, BooleanSupplier condition, Supplier<?> state) {
        long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + DEFAULT_TIMEOUT.toSeconds() + " s waiting for " + what
                        + "; last state: " + state.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
