package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.SharedPostgres;

/** {@link DuplicateWebhookTest} with the hub's store on PostgreSQL (issue 25): one server per test JVM, a database per class. */
class DuplicateWebhookOnPostgresTest extends DuplicateWebhookTest {
    @Override
    protected HubConfig store(HubConfig c) {
        return c.postgres(SharedPostgres.database(getClass()));
    }
}
