package dev.omnibridge.hub.store;

import java.nio.file.Path;

/** The conversation list, its search and the workspace's tables ({@link ConversationSearchTest}) on PostgreSQL. */
class PostgresConversationSearchTest extends ConversationSearchTest {
    @Override
    protected Database openDatabase(Path dir) throws Exception {
        return EmbeddedPostgresStore.open("workspace", dir);
    }
}
