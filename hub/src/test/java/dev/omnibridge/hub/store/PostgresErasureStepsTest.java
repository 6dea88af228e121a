package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.privacy.ContactErasureStepsTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * The erasure's steps ({@link ContactErasureStepsTest}) with the same SQL on PostgreSQL (V15, the store step's
 * updates and deletes, the jobs' tables); the store wipe says it does not apply there. Skipped (never passed) only
 * when no server can be started here.
 */
class PostgresErasureStepsTest extends ContactErasureStepsTest {
    private static PostgresStoreTest.PgServer server;
    private static int databases;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresStoreTest.PgServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected Database openDatabase(Path dir) throws Exception {
        String name = "erasure_" + (++databases);
        try (Connection c = DriverManager.getConnection(server.url("postgres"), "postgres", "")) {
            Sql.update(c, "CREATE DATABASE " + name);
        }
        return Database.open(new HubConfig.Store(server.url(name), "postgres", ""), dir, 4);
    }
}
