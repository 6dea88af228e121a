package dev.omnibridge.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The Camel baseline's store: H2 with the hub's crash-safe URL settings (WRITE_DELAY=0), one writer thread that
 * commits every request waiting at the time in one transaction (group commit, as the hub's journal does; without it
 * the baseline would be a strawman at ~3k msg/s per the reference measurements).
 */
final class GroupCommitStore implements AutoCloseable {
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private record Pending<T>(Work<T> work, CompletableFuture<T> result) {
    }

    private static final int MAX_GROUP = 256;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Connection connection;
    private final Thread writer;

    GroupCommitStore(Path dataDir) throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("bench").toAbsolutePath()
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000", "sa", "");
        try (var s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS messages (id BIGINT AUTO_INCREMENT PRIMARY KEY, source VARCHAR(64) NOT NULL,"
                    + " source_id VARCHAR(200) NOT NULL, thread_key VARCHAR(200), body CLOB NOT NULL,"
                    + " received_at TIMESTAMP WITH TIME ZONE NOT NULL, delivered_at TIMESTAMP WITH TIME ZONE,"
                    + " UNIQUE (source, source_id))");
        }
        connection.setAutoCommit(false);
        writer = new Thread(this::loop, "group-commit");
        writer.setDaemon(true);
        writer.start();
    }

    <T> CompletableFuture<T> submit(Work<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        queue.add(new Pending<>(work, result));
        return result;
    }

    private void loop() {
        List<Pending<?>> group = new ArrayList<>(MAX_GROUP);
        List<Runnable> completions = new ArrayList<>(MAX_GROUP);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                group.add(queue.take());
                queue.drainTo(group, MAX_GROUP - 1);
                for (Pending<?> p : group) {
                    completions.add(run(p));
                }
                connection.commit();
                completions.forEach(Runnable::run);
            } catch (InterruptedException e) {
                return;
            } catch (SQLException e) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the group fails as a whole below
                }
                group.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                group.clear();
                completions.clear();
            }
        }
    }

    private <T> Runnable run(Pending<T> p) throws SQLException {
        T value = p.work().run(connection);
        return () -> p.result().complete(value);
    }

    @Override
    public void close() throws SQLException {
        writer.interrupt();
        connection.close();
    }
}
