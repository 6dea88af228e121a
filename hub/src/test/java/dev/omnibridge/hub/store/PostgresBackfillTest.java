package dev.omnibridge.hub.store;

import dev.omnibridge.hub.mirror.BackfillTest;

import java.nio.file.Path;

/** Backfill ({@link BackfillTest}: cursor, pages, skips) with the same SQL on PostgreSQL. */
class PostgresBackfillTest extends BackfillTest {
    @Override
    protected Database openDatabase(Path dir) throws Exception {
        return EmbeddedPostgresStore.open("backfills", dir);
    }
}
