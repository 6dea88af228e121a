package dev.omnibridge.hub.store;

import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.h2.mvstore.db.Store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Compacts the embedded H2 file while the hub runs, on the journal writer when no unit is waiting
 * ({@link Journal#whenIdle}), so it never competes with a commit.
 *
 * <p>Why the hub does it itself: H2 starts its MVStore background writer, which is what compacts a file online,
 * only when commits are written with a delay ({@code WRITE_DELAY > 0}). The hub runs with {@code WRITE_DELAY=0}
 * (an acknowledged message must survive a SIGKILL), so without this class the file is compacted only for a moment
 * at a clean stop, and every update or delete leaves chunks partly dead for good (issue 17: 209 MB after 10,000
 * messages with redelivery churn).
 *
 * <p>Each call does steps of what H2's own housekeeping does, until the time budget is spent or there is
 * nothing left to do (a step already started is finished; steps start at 512 KB and grow up to H2's 16 MB while
 * moving smaller ones does not shrink the file, so a step can take far longer than the budget): rewrite the live pages of the emptiest chunks into a new chunk (a chunk with no live page is
 * then dead and its space free), and move chunks from the end of the file into free space nearer the start, which
 * truncates the file. Old chunks are reused at once (retention time 0, as H2's own {@code compactFile} sets it):
 * the retention time is for writes a power cut might lose or reorder; after a SIGKILL the operating system still
 * writes everything H2 handed it, in order, and H2 syncs the file before it overwrites a moved chunk's old place.
 *
 * <p>Uses H2's internal API (pinned to H2 2.3, tested in {@code StoreMaintenanceTest}); on any other store
 * (PostgreSQL, which vacuums by itself) it does nothing.
 */
public final class StoreMaintenance implements Journal.IdleWork {
    /** Time per idle call: short enough that a unit arriving meanwhile hardly notices. */
    public static final int DEFAULT_BUDGET_MILLIS = 10;
    /** Bytes rewritten or moved in a first step: a few milliseconds of work, so a waiting unit is not held up long. */
    static final int STEP_BYTES = 512 * 1024;
    /** The largest step: what H2's own compactFile moves at a time. */
    static final int MAX_STEP_BYTES = 16 << 20;
    /** How long to leave the store alone after a check that found nothing to do. */
    static final long REST_NANOS = 1_000_000_000L;

    private final int compactBelowFill;
    private final long budgetNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong steps = new AtomicLong();
    private long nextCheck;
    private int stepBytes = STEP_BYTES;
    private boolean unsupported;

    /**
     * @param compactBelowFill compact while the share of the file (or of its chunks) holding live data is below
     *                         this percentage (1-100; 100 compacts whenever anything can be reclaimed)
     * @param budgetMillis     at most this long per call (a step already started is finished)
     */
    public StoreMaintenance(int compactBelowFill, int budgetMillis) {
        this(compactBelowFill, budgetMillis, System::nanoTime);
    }

    StoreMaintenance(int compactBelowFill, int budgetMillis, LongSupplier nanoTime) {
        if (compactBelowFill < 1 || compactBelowFill > 100) {
            throw new IllegalArgumentException("compactBelowFill must be 1-100, was " + compactBelowFill);
        }
        this.compactBelowFill = compactBelowFill;
        this.budgetNanos = budgetMillis * 1_000_000L;
        this.nanoTime = nanoTime;
        this.nextCheck = nanoTime.getAsLong();
    }

    /** Compaction steps that reclaimed something since start (for tests and figures). */
    public long steps() {
        return steps.get();
    }

    @Override
    public void run(Connection connection) throws SQLException {
        if (unsupported) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - nextCheck < 0) {
            return;
        }
        MVStore store = mvStore(connection);
        if (store == null || store.getFileStore() == null || !(store.getFileStore() instanceof RandomAccessStore)) {
            unsupported = true;
            return;
        }
        RandomAccessStore file = (RandomAccessStore) store.getFileStore();
        if (store.getRetentionTime() != 0) {
            store.setRetentionTime(0);
        }
        long deadline = now + budgetNanos;
        boolean worked = false;
        boolean step;
        do {
            step = step(store, file);
            worked |= step;
        } while (step && nanoTime.getAsLong() - deadline < 0);
        // After a call that reclaimed something, look again at the next idle moment; otherwise rest a while, so an
        // idle writer does not read the chunk statistics five times a second for nothing.
        nextCheck = worked ? now : now + REST_NANOS;
        if (!worked && file.getFillRate() >= compactBelowFill) {
            // The file is compact: the next round starts with small steps again (short stalls for waiting units).
            stepBytes = STEP_BYTES;
        }
    }

    private boolean step(MVStore store, RandomAccessStore file) {
        // Marks the live pages of the least filled chunks (up to stepBytes) for rewriting, and writes them into a
        // new chunk at once (an idle writer makes no commit that would): the old chunks then hold nothing live.
        boolean rewritten = file.compact(compactBelowFill, stepBytes);
        if (rewritten) {
            store.commit();
        }
        // Frees dead chunks first, then, if the file is still less filled than the threshold, moves chunks from the
        // end into free space and truncates what is left free at the end. It checks the fill rate itself, after
        // freeing: checked before, dead chunks still count as filled.
        long sizeBefore = file.size();
        int fillBefore = file.getFillRate();
        long beforeMove = file.getWriteCount();
        file.compactMoveChunks(compactBelowFill, stepBytes, store);
        boolean shrunk = file.size() < sizeBefore || file.getFillRate() > fillBefore;
        boolean grown = false;
        if (!shrunk && file.getWriteCount() != beforeMove && stepBytes < MAX_STEP_BYTES) {
            // H2 picks the chunks to move by the holes around them, up to the step's size: with a small step it
            // moves chunks between holes and never empties the end of the file (seen on a 156 MB file at 26 %
            // fill: every 512 KB step moved something, none shrank it; H2's own compactFile moves 16 MB). Grow the
            // step until moving shows.
            stepBytes *= 2;
            grown = true;
        }
        // A move is progress even before the file shrinks: H2 only moves a chunk towards the start of the file, so
        // moving converges, and on a large file many moves come before the end is free to truncate.
        boolean worked = rewritten || shrunk || grown || file.getWriteCount() != beforeMove;
        if (worked) {
            steps.incrementAndGet();
        }
        return worked;
    }

    /** The MVStore behind an embedded H2 connection (also through a pool's wrapper); null for any other store. */
    static MVStore mvStore(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)) {
            return null;
        }
        Session session = connection.unwrap(JdbcConnection.class).getSession();
        if (!(session instanceof SessionLocal local) || !local.getDatabase().isPersistent()) {
            return null;
        }
        Store store = local.getDatabase().getStore();
        return store == null ? null : store.getMvStore();
    }
}
