package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The analytics reads and the writer's roll-ups (volumes; first replies and targets) on the embedded H2 store, step
 * by step: the same scenario as on PostgreSQL ({@link PostgresStoreTest}).
 */
class AnalyticsRollUpTest {
    @TempDir
    Path dir;

    @Test
    void figuresAreTheSameWorkedOutFromTheJournalRolledUpAndAboveTheMarkOnH2() throws Exception {
        try (Database db = Database.open(new HubConfig.Store(null, null, null), dir, 4)) {
            new AnalyticsStoreScenario(db).run();
        }
    }
}
