package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.SharedPostgres;

/** {@link SalesforceEmailRepliesTest} with the hub's store on PostgreSQL (issue 25): one server per test JVM, a database per class. */
class SalesforceEmailRepliesOnPostgresTest extends SalesforceEmailRepliesTest {
    @Override
    protected HubConfig store(HubConfig c) {
        return c.postgres(SharedPostgres.database(getClass()));
    }
}
