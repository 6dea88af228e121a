package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A unit of work the {@link Journal} may run together with the units next to it in a group that have the same
 * {@link #batch()}: one call for all of them, so their statements can be shared (one query, one multi-row insert).
 * Its {@link #apply} alone must do exactly what the batch does for it alone.
 */
public interface BatchedWork<T> extends TxWork<T> {

    /** What runs such units together; units of equal batches are run together. */
    Batch<T> batch();

    /** Runs several units as if each ran after the previous one. */
    @FunctionalInterface
    interface Batch<T> {
        /**
         * All or nothing: on an exception the Journal rolls the whole batch back and runs each unit alone, under its
         * own savepoint, so that a bad unit fails alone. Keep memory unchanged until a unit's {@code afters} run.
         *
         * @param afters one per unit, in the units' order
         * @return one result per unit, in the units' order
         */
        List<T> applyAll(Connection connection, List<BatchedWork<T>> units, List<AfterCommit> afters)
                throws SQLException;
    }
}
