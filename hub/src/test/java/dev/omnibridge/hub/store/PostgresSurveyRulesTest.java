package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.survey.SurveyRulesTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/** The survey rules ({@link SurveyRulesTest}) with the same SQL on PostgreSQL. */
class PostgresSurveyRulesTest extends SurveyRulesTest {
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
        String name = "surveys_" + (++databases);
        try (Connection c = DriverManager.getConnection(server.url("postgres"), "postgres", "")) {
            Sql.update(c, "CREATE DATABASE " + name);
        }
        return Database.open(new HubConfig.Store(server.url(name), "postgres", ""), dir, 4);
    }
}
