package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of work the {@link Journal} runs inside a shared (group-committed) transaction. */
@FunctionalInterface
public interface TxWork<T> {
    /**
     * @param after collects what to do once the transaction has committed (e.g. schedule new deliveries)
     */
    T apply(Connection connection, AfterCommit after) throws SQLException;
}
