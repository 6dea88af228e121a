package dev.omnibridge.systemtest.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for conditions on a running system (instead of sleeping a guessed time). */
public final class Poll {
    private static final long INTERVAL_MILLIS = 100;

    private Poll() {
    }

    /**
     * Returns as soon as {@code condition} holds; fails with {@code description} once {@code timeout} has passed.
     * An exception thrown by the condition counts as "not yet" and is attached to the failure.
     */
    public static void until(Duration timeout, String description, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("timed out after " + timeout + " waiting until " + description);
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            sleep(INTERVAL_MILLIS);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
