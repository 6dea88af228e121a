package dev.omnibridge.hub.store;

import dev.omnibridge.hub.access.StoredAccountsTest;

import java.nio.file.Path;

/**
 * Accounts, logins and sessions ({@link StoredAccountsTest}) with the same SQL on PostgreSQL (V17). Skipped (never
 * passed) only when no server can be started here.
 */
class PostgresStoredAccountsTest extends StoredAccountsTest {
    @Override
    protected Database openDatabase(Path dir) throws Exception {
        return EmbeddedPostgresStore.open("accounts", dir);
    }
}
