package dev.omnibridge.hub.cluster;

import dev.omnibridge.hub.store.Journal;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The cluster-wide writer lock (issue 25): the first statement of every journal group on every node is
 * {@code SELECT pg_advisory_xact_lock(KEY)}. PostgreSQL releases a transaction-level advisory lock at COMMIT or
 * ROLLBACK (it cannot leak through the pool), after the commit became visible, so the next holder sees every row
 * committed before; groups of all nodes thus commit one at a time and the ids they assign (messages' seq, outbox ids,
 * events) grow in commit order across the cluster, which the dispatcher's {@code id > cursor} paging, the
 * conversation index and the analytics roll-ups rely on. The cost: the store's writes are serialised across nodes;
 * the wait is measured ({@code omnibridge_cluster_writer_lock_wait_seconds}).
 */
public final class WriterLock implements Journal.GroupStart {
    /** A fixed key ("OmniJrnl"): every node and every hub version must use the same one. */
    public static final long KEY = 0x4F6D6E694A726E6CL;

    private final Timer wait;

    /** @param metrics where the wait is measured (null: nowhere) */
    public WriterLock(MeterRegistry metrics) {
        this.wait = metrics == null ? null : Timer.builder("omnibridge.cluster.writer.lock.wait")
                .description("How long a journal group waited for the cluster-wide writer lock")
                .publishPercentiles(0.5, 0.99).register(metrics);
    }

    @Override
    public void begin(Connection c) throws SQLException {
        long start = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, KEY);
            ps.execute();
        }
        if (wait != null) {
            wait.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
