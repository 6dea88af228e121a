package dev.omnibridge.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 25: the ceiling the cluster's writer lock puts on commits, measured without the hub. Each of {@code
 * connections} connections loops {@code BEGIN; SELECT pg_advisory_xact_lock(k); INSERT one ~1 KB row; COMMIT} for the
 * given time, as every node's group commit does: commits are serialised by the lock, so the rate is how many
 * groups per second one database takes, whatever the number of nodes, and its inverse the lock's hold time (mostly
 * the commit's WAL flush).
 */
final class CommitProbe {
    /** Commits per second in all, and the commit latency (lock wait + insert + commit) p50 / p99 in ms. */
    record Result(int connections, double commitsPerSecond, double p50Ms, double p99Ms) {
    }

    private CommitProbe() {
    }

    static Result run(BenchPostgres pg, String url, int connections, long millis) throws Exception {
        try (Connection c = pg.connect(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_commit_probe (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)");
        }
        String body = "x".repeat(1000);
        AtomicLong commits = new AtomicLong();
        Latency latency = new Latency();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long end = System.nanoTime() + millis * 1_000_000;
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            futures.add(pool.submit(() -> {
                try (Connection c = pg.connect(url);
                     PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(25)");
                     PreparedStatement insert = c.prepareStatement("INSERT INTO bench_commit_probe (body) VALUES (?)")) {
                    c.setAutoCommit(false);
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        lock.execute();
                        insert.setString(1, body);
                        insert.executeUpdate();
                        c.commit();
                        latency.recordNanos(System.nanoTime() - t0);
                        commits.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            }));
        }
        long t0 = System.nanoTime();
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return new Result(connections, commits.get() / seconds, latency.percentileMs(50), latency.percentileMs(99));
    }
}
