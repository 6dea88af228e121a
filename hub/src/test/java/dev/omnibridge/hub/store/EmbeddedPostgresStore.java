package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.abort;

/**
 * One PostgreSQL server shared by the test classes that re-run an H2 scenario on PostgreSQL (starting a server
 * costs seconds): started on first use, stopped when the test JVM exits; each {@link #open} gets a fresh database
 * of its own. When no server can be started here, every test using it is skipped (never passed).
 */
public final class EmbeddedPostgresStore {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresStoreTest.PgServer server;
    private static Throwable failedStart;

    private EmbeddedPostgresStore() {
    }

    /** A hub store on a new, empty database named {@code prefix_N} of the shared server. */
    static Database open(String prefix, Path dir) throws Exception {
        PostgresStoreTest.PgServer pg = server();
        String name = prefix + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(pg.url("postgres"), "postgres", "")) {
            Sql.update(c, "CREATE DATABASE " + name);
        }
        return Database.open(new HubConfig.Store(pg.url(name), "postgres", ""), dir, 4);
    }

    /** The JDBC URL of a new, empty database named {@code prefix_N} of the shared server (user postgres, no password). */
    public static String newDatabaseUrl(String prefix) throws Exception {
        PostgresStoreTest.PgServer pg = server();
        String name = prefix + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(pg.url("postgres"), "postgres", "")) {
            Sql.update(c, "CREATE DATABASE " + name);
        }
        return pg.url(name);
    }

    private static synchronized PostgresStoreTest.PgServer server() throws Exception {
        if (failedStart != null) {
            abort("No PostgreSQL server could be started here: " + failedStart);
        }
        if (server == null) {
            try {
                server = PostgresStoreTest.PgServer.start();
            } catch (Exception | Error e) {
                failedStart = e;
                throw e;
            }
            PostgresStoreTest.PgServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception e) {
                    // the JVM is exiting; the server's temporary files are all that is left behind
                }
            }, "embedded-postgres-stop"));
        }
        return server;
    }
}
