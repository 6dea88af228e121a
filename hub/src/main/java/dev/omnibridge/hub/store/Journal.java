package dev.omnibridge.hub.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Serialises writes to the store and commits them in groups: every request waiting when a commit starts shares
 * that commit. A crash-safe commit costs the same for one row or a hundred, so this is what lets durable
 * acknowledgement keep up with concurrent webhooks. Each unit of work runs under its own savepoint, so one bad
 * unit fails alone while the rest of the group commits. The writer keeps one connection, and its prepared
 * statements, from group to group; a group that fails as a whole gives it up for a fresh one.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final int MAX_GROUP = 256;

    private record Pending<T>(TxWork<T> work, CompletableFuture<T> future) {
    }

    private final Database database;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;
    private StatementReuse connection; // writer thread only; null until the first group and after a failed one
    private volatile IdleWork idleWork;

    /**
     * Housekeeping the writer does on its own connection when no unit is waiting, so that it never competes with a
     * commit for the store (e.g. compacting the file). It must be short: a unit that arrives meanwhile waits for it.
     */
    @FunctionalInterface
    public interface IdleWork {
        void run(Connection connection) throws SQLException;
    }

    public Journal(Database database) {
        this.database = database;
        this.writer = new Thread(this::loop, "omnibridge-journal");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Runs the work in the next group commit; the future completes after the commit (or fails). */
    public <T> CompletableFuture<T> submit(TxWork<T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (!running) {
            future.completeExceptionally(new SQLException("store is shutting down"));
            return future;
        }
        queue.add(new Pending<>(work, future));
        return future;
    }

    /**
     * Sets the writer's housekeeping: run whenever the queue is empty (after a group when nothing else waits, and
     * every 200 ms while idle).
     */
    public void whenIdle(IdleWork work) {
        this.idleWork = work;
    }

    private void loop() {
        List<Pending<?>> group = new ArrayList<>(MAX_GROUP);
        while (running || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    runIdleWork();
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commitGroup(group);
                if (queue.isEmpty()) {
                    runIdleWork();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("Journal writer error", e);
            } finally {
                group.clear();
            }
        }
        Pending<?> left;
        while ((left = queue.poll()) != null) {
            left.future().completeExceptionally(new SQLException("store is shutting down"));
        }
        discardConnection();
    }

    private void runIdleWork() {
        IdleWork work = idleWork;
        if (work == null || !running) {
            return;
        }
        try {
            work.run(writerConnection());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Store housekeeping failed: {}", e.getMessage());
            discardConnection();
        }
    }

    private Connection writerConnection() throws SQLException {
        if (connection == null) {
            Connection c = database.connection();
            c.setAutoCommit(false);
            connection = new StatementReuse(c);
        }
        return connection.connection();
    }

    private void discardConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the writer's connection failed: {}", e.getMessage());
            }
            connection = null;
        }
    }

    private void commitGroup(List<Pending<?>> group) {
        Object[] results = new Object[group.size()];
        Throwable[] failures = new Throwable[group.size()];
        AfterCommit[] afters = new AfterCommit[group.size()];
        try {
            Connection c = writerConnection();
            try {
                for (int i = 0; i < group.size(); i++) {
                    afters[i] = new AfterCommit();
                    Savepoint sp = group.size() > 1 ? c.setSavepoint() : null;
                    try {
                        results[i] = group.get(i).work().apply(c, afters[i]);
                        if (sp != null) {
                            c.releaseSavepoint(sp);
                        }
                    } catch (SQLException | RuntimeException e) {
                        failures[i] = e;
                        if (sp != null) {
                            c.rollback(sp);
                        } else {
                            c.rollback();
                        }
                    }
                }
                c.commit();
            } catch (SQLException e) {
                safeRollback(c);
                throw e;
            }
        } catch (SQLException e) {
            discardConnection();
            LOG.error("Group commit of {} unit(s) failed: {}", group.size(), e.getMessage());
            group.forEach(p -> p.future().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            complete(group.get(i), results[i], failures[i], afters[i]);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> p, Object result, Throwable failure, AfterCommit after) {
        if (failure != null) {
            p.future().completeExceptionally(failure);
            return;
        }
        try {
            after.runAll();
        } catch (RuntimeException e) {
            LOG.error("After-commit action failed", e);
        }
        p.future().complete((T) result);
    }

    private static void safeRollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is broken: it is discarded, and the pool replaces it.
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
