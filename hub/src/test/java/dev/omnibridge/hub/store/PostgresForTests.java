package dev.omnibridge.hub.store;

/**
 * The shared embedded PostgreSQL server ({@link EmbeddedPostgresStore}) for tests of other packages: a new, empty
 * database each call (user {@code postgres}, no password). Tests using it are skipped where no server can start.
 */
public final class PostgresForTests {
    private PostgresForTests() {
    }

    public static String newDatabaseUrl(String prefix) throws Exception {
        return EmbeddedPostgresStore.newDatabaseUrl(prefix);
    }
}
