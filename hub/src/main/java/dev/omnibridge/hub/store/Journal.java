package dev.omnibridge.hub.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Serialises writes to the store and commits them in groups: every request waiting when a commit starts shares
 * that commit. A crash-safe commit costs the same for one row or a hundred, so this is what lets durable
 * acknowledgement keep up with concurrent webhooks. Each unit of work runs under its own savepoint, so one bad
 * unit fails alone while the rest of the group commits; units next to each other that can share their statements
 * ({@link BatchedWork}) run together under one savepoint, and one by one only if that batch fails. The writer keeps
 * one connection, and its prepared statements, from group to group; a group that fails as a whole gives it up for a
 * fresh one.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final int MAX_GROUP = 256;

    private record Pending<T>(TxWork<T> work, CompletableFuture<T> future) {
    }

    private static final class Periodic {
        final TxWork<Object> work;
        final long periodNanos;
        long nextRun; // writer thread only

        Periodic(TxWork<Object> work, long periodNanos, long nextRun) {
            this.work = work;
            this.periodNanos = periodNanos;
            this.nextRun = nextRun;
        }
    }

    private final Database database;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;
    private StatementReuse connection; // writer thread only; null until the first group and after a failed one
    private volatile IdleWork idleWork;
    // When the housekeeping last ran (writer thread only): under a load that never lets the queue run empty it still
    // runs once per gap, so that, e.g., the store file cannot grow without bound while the hub is saturated.
    private long lastIdleWork = System.nanoTime();
    private static final long HOUSEKEEPING_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final List<Periodic> periodic = new CopyOnWriteArrayList<>();
    private volatile dev.omnibridge.hub.cluster.Leases leases;   // issue 25; null: every timer runs here

    /**
     * Housekeeping the writer does on its own connection when no unit is waiting, so that it never competes with a
     * commit for the store (e.g. compacting the file). It must be short: a unit that arrives meanwhile waits for it.
     */
    @FunctionalInterface
    public interface IdleWork {
        void run(Connection connection) throws SQLException;
    }

    /**
     * Issue 25: what each group commit does first when several hub nodes write one store, inside the group's
     * transaction: take the cluster-wide writer lock (released by the commit or rollback), so that groups of all
     * nodes commit one at a time and ids keep growing in commit order across the cluster.
     */
    @FunctionalInterface
    public interface GroupStart {
        void begin(Connection connection) throws SQLException;
    }

    private volatile GroupStart groupStart; // null: this node is the store's only writer

    public Journal(Database database) {
        this(database, ConversationMessages.PERIOD);
    }

    /**
     * Issue 25: several nodes write the store. Each group first runs {@code writerLock}, then reads the next
     * delivery ids afresh ({@link OutboxIds}): another node may have added deliveries since this node's last group.
     */
    public void sharedStore(GroupStart writerLock) {
        this.groupStart = writerLock;
    }

    /** Issue 25: whether other nodes write the store too (what this node learns from its own commits is partial). */
    public boolean sharedStore() {
        return groupStart != null;
    }

    /** @param copyPeriod how often the writer copies new messages into their conversations' index */
    Journal(Database database, Duration copyPeriod) {
        this.database = database;
        // The writer is the only one storing messages, so it also keeps their index by conversation, in bulk.
        // Issue 25: one node of a cluster does it (safe on any node under the writer lock, but once is enough).
        every(copyPeriod, "timer:conversation-index", ConversationMessages::catchUp);
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
     * Runs {@code work} in a group about every {@code period} (with the units waiting then, or alone when none
     * wait), and once more when the journal closes: for what the writer keeps in memory and writes back in bulk.
     */
    public void every(Duration period, TxWork<?> work) {
        @SuppressWarnings("unchecked")
        TxWork<Object> w = (TxWork<Object>) work;
        periodic.add(new Periodic(w, period.toNanos(), System.nanoTime() + period.toNanos()));
    }

    /**
     * Issue 25: the cluster's leases, for timers that run on one node at a time ({@link #every(Duration, String,
     * TxWork)}); set once at start-up, before the first group. Unset (store tests): those timers always run.
     */
    public void leases(dev.omnibridge.hub.cluster.Leases leases) {
        this.leases = leases;
    }

    /**
     * Issue 25: like {@link #every(Duration, TxWork)}, on the one node of a cluster holding lease {@code lease}
     * ({@code timer:<name>}), which checks the lease's fence in the transaction before the work
     * ({@link dev.omnibridge.hub.cluster.Leased}); a hub on its own holds every lease.
     */
    public void every(Duration period, String lease, TxWork<?> work) {
        every(period, new dev.omnibridge.hub.cluster.Leased<>(lease, work, () -> leases));
    }

    /**
     * Sets the writer's housekeeping: run whenever the queue is empty (after a group when nothing else waits, and
     * every 200 ms while idle), and at least once a second between groups while the queue never empties.
     */
    public void whenIdle(IdleWork work) {
        this.idleWork = work;
    }

    private void loop() {
        List<Pending<?>> group = new ArrayList<>(MAX_GROUP);
        while (running || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    group.add(first);
                    queue.drainTo(group, MAX_GROUP - 1);
                }
                addDuePeriodicWork(group, false);
                if (group.isEmpty()) {
                    runIdleWork();
                    continue;
                }
                commitGroup(group);
                if (queue.isEmpty() || System.nanoTime() - lastIdleWork > HOUSEKEEPING_GAP_NANOS) {
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
        // What periodic work keeps in memory is written once more, so that a clean stop loses none of it.
        addDuePeriodicWork(group, true);
        if (!group.isEmpty()) {
            commitGroup(group);
        }
        Pending<?> left;
        while ((left = queue.poll()) != null) {
            left.future().completeExceptionally(new SQLException("store is shutting down"));
        }
        discardConnection();
    }

    private void addDuePeriodicWork(List<Pending<?>> group, boolean all) {
        long now = System.nanoTime();
        for (Periodic p : periodic) {
            if (all || now - p.nextRun >= 0) {
                p.nextRun = now + p.periodNanos;
                CompletableFuture<Object> future = new CompletableFuture<>();
                future.whenComplete((r, e) -> {
                    if (e != null) {
                        LOG.warn("Periodic store work failed: {}", e.getMessage());
                    }
                });
                group.add(new Pending<>(p.work, future));
            }
        }
    }

    private void runIdleWork() {
        IdleWork work = idleWork;
        lastIdleWork = System.nanoTime();
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
        int n = group.size();
        Object[] results = new Object[n];
        Throwable[] failures = new Throwable[n];
        AfterCommit[] afters = new AfterCommit[n];
        try {
            Connection c = writerConnection();
            try {
                GroupStart start = groupStart;
                if (start != null) {
                    start.begin(c);
                    OutboxIds.forget();
                }
                int i = 0;
                while (i < n) {
                    int end = batchEnd(group, i);
                    if (end - i > 1) {
                        runBatch(c, group, i, end, results, failures, afters);
                    } else {
                        runAlone(c, group, i, n > 1, results, failures, afters);
                    }
                    i = end;
                }
                c.commit();
            } catch (SQLException e) {
                safeRollback(c);
                throw e;
            }
        } catch (SQLException e) {
            discardConnection();
            LOG.error("Group commit of {} unit(s) failed: {}", n, e.getMessage());
            group.forEach(p -> p.future().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < n; i++) {
            complete(group.get(i), results[i], failures[i], afters[i]);
        }
    }

    /** The end (exclusive) of the run of units from {@code start} that share one batch; start + 1 when none. */
    private static int batchEnd(List<Pending<?>> group, int start) {
        if (!(group.get(start).work() instanceof BatchedWork<?> first)) {
            return start + 1;
        }
        int end = start + 1;
        while (end < group.size() && group.get(end).work() instanceof BatchedWork<?> next
                && next.batch().equals(first.batch())) {
            end++;
        }
        return end;
    }

    /** Runs one unit, under its own savepoint when it shares the group, so that it fails alone. */
    private static void runAlone(Connection c, List<Pending<?>> group, int i, boolean shared, Object[] results,
                                 Throwable[] failures, AfterCommit[] afters) throws SQLException {
        afters[i] = new AfterCommit();
        Savepoint sp = shared ? c.setSavepoint() : null;
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

    /**
     * Runs units {@code [start, end)} as one batch under one savepoint. Should the batch fail, it is rolled back and
     * each of its units runs alone, so that only a bad unit fails and the others keep their outcome.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void runBatch(Connection c, List<Pending<?>> group, int start, int end, Object[] results,
                                 Throwable[] failures, AfterCommit[] afters) throws SQLException {
        List<BatchedWork<Object>> units = new ArrayList<>(end - start);
        List<AfterCommit> batchAfters = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            units.add((BatchedWork<Object>) group.get(i).work());
            batchAfters.add(new AfterCommit());
        }
        BatchedWork.Batch<Object> batch = units.get(0).batch();
        Savepoint sp = c.setSavepoint();
        try {
            List<Object> out = batch.applyAll(c, (List) units, batchAfters);
            if (out.size() != units.size()) {
                throw new IllegalStateException("a batch of " + units.size() + " units gave " + out.size()
                        + " results");
            }
            c.releaseSavepoint(sp);
            for (int i = start; i < end; i++) {
                results[i] = out.get(i - start);
                afters[i] = batchAfters.get(i - start);
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback(sp);
            LOG.debug("A batch of {} units failed ({}); running them one by one", units.size(), e.getMessage());
            for (int i = start; i < end; i++) {
                runAlone(c, group, i, true, results, failures, afters);
            }
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
