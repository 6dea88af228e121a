package dev.omnibridge.hub.store;

import dev.omnibridge.hub.privacy.ContactErasureStepsTest;

import java.nio.file.Path;

/**
 * The erasure's steps ({@link ContactErasureStepsTest}) with the same SQL on PostgreSQL (V15, the store step's
 * updates and deletes, the jobs' tables); the store wipe says it does not apply there. Skipped (never passed) only
 * when no server can be started here.
 */
class PostgresErasureStepsTest extends ContactErasureStepsTest {
    @Override
    protected Database openDatabase(Path dir) throws Exception {
        return EmbeddedPostgresStore.open("erasure", dir);
    }
}
