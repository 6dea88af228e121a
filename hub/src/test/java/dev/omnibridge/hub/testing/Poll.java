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
        until(what, DEFAULT_TIMEOUT, condition, state);
    }

    /** With a shorter deadline, for a test whose condition comes soon when all goes well. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }

    private static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<?> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                printHubThreads(what);
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
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

    /**
     * The hub's threads at a timeout, in the test's output: a wait that never ends on a loaded machine (a delivery
     * lane that never ran, a call that hung) can then be told apart afterwards. Stack frames only, no data.
     */
    private static void printHubThreads(String what) {
        StringBuilder out = new StringBuilder("Threads when waiting for ").append(what).append(" timed out:\n");
        Thread.getAllStackTraces().forEach((thread, frames) -> {
            if (thread.getName().startsWith("omnibridge") || thread.getName().startsWith("HttpClient")
                    || thread.getName().contains("delivery") || thread.getName().contains("journal")) {
                out.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
                for (int i = 0; i < Math.min(frames.length, 25); i++) {
                    out.append("    at ").append(frames[i]).append('\n');
                }
            }
        });
        System.out.println(out);
    }
}
