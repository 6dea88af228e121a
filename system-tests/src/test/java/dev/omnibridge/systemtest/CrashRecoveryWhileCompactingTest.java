package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.HubConfig;
import org.junit.jupiter.api.AfterAll;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CrashRecoveryTest} with the store compacting at every idle moment of the journal writer
 * ({@code hub.store.compactBelowFill: 100}, far more often than the default 80 ever does): a SIGKILL in the middle
 * of moving or rewriting chunks loses no acknowledged message and no idempotency key either.
 */
class CrashRecoveryWhileCompactingTest extends CrashRecoveryTest {
    private final AtomicLong stepsBeforeKill = new AtomicLong(-1);

    @Override
    protected HubConfig config() {
        return super.config().store("compaction", true).store("compactBelowFill", 100);
    }

    @Override
    protected void beforeKill() {
        try {
            stepsBeforeKill.set(hub.http().adminJson("/api/store").path("compaction").path("steps").asLong(-1));
        } catch (RuntimeException | AssertionError e) {
            // Reported by the check after the test; the kill must happen either way.
            System.out.println("GET /api/store before the kill failed: " + e);
        }
    }

    @AfterAll
    void compactionRanBeforeTheKill() {
        System.out.printf("compaction steps before the kill: %d%n", stepsBeforeKill.get());
        assertThat(stepsBeforeKill.get()).as("compaction steps that reclaimed space before the kill").isPositive();
    }
}
