package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.SharedPostgres;

/** {@link OneCustomerAcrossChannelsTest} with the hub's store on PostgreSQL (issue 25): one server per test JVM, a database per class. */
class OneCustomerAcrossChannelsOnPostgresTest extends OneCustomerAcrossChannelsTest {
    @Override
    protected HubConfig store(HubConfig c) {
        return c.postgres(SharedPostgres.database(getClass()));
    }
}
