package dev.omnibridge.hub.store;

import dev.omnibridge.hub.survey.SurveyRulesTest;

import java.nio.file.Path;

/** The survey rules ({@link SurveyRulesTest}) with the same SQL on PostgreSQL. */
class PostgresSurveyRulesTest extends SurveyRulesTest {
    @Override
    protected Database openDatabase(Path dir) throws Exception {
        return EmbeddedPostgresStore.open("surveys", dir);
    }
}
