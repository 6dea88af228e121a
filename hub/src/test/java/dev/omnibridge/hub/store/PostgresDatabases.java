package dev.omnibridge.hub.store;

import java.nio.file.Path;

/** {@link EmbeddedPostgresStore} for tests in other packages (the cluster's): a fresh database of the shared server. */
public final class PostgresDatabases {
    private PostgresDatabases() {
    }

    /** The JDBC URL of a new, empty database (user postgres, no password); skips the test without a server. */
    public static String newDatabaseUrl(String prefix) throws Exception {
        return EmbeddedPostgresStore.newDatabaseUrl(prefix);
    }

    /** A hub store (migrated) on a new, empty database. */
    public static Database open(String prefix, Path dir) throws Exception {
        return EmbeddedPostgresStore.open(prefix, dir);
    }
}
