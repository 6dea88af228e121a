package dev.omnibridge.hub.store;

import dev.omnibridge.hub.cluster.Fence;
import dev.omnibridge.hub.cluster.Leases;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes delivery outcomes, coalescing those that arrive together into one journal unit: one multi-row INSERT into
 * {@code delivery_results} (and {@code dead_letters}) and one {@code DELETE FROM outbox WHERE id IN (...)} for all of
 * them, instead of a statement pair per outcome.
 *
 * <p>How: each outcome is queued when it is made ({@link #unit}), and one flush unit at a time is submitted to the
 * journal; it drains the queue on the writer. The caller still submits its own unit (the returned work), which
 * completes after its commit as before: it finds its outcome either written by a flush earlier in the same
 * transaction (nothing to do: the same commit holds both), committed already (nothing to do), or still its own to
 * write (it writes it alone). A flush's own future tells when its transaction failed; its outcomes then go back to
 * their callers' units, which the dispatcher resubmits (a done outcome) or abandons (it delivers again), as before.
 * That future completes on the writer before the next group starts, so a caller's unit never trusts a flush whose
 * transaction failed.
 *
 * <p>Without a journal (stores opened only to read, some tests) every outcome is written by its caller's unit.
 */
final class Outcomes {
    enum Kind { DONE, RETRY, DEAD }

    private enum State { QUEUED, CLAIMED, OWN, WRITTEN }

    /**
     * One delivery's outcome; {@code attempts} as stored. {@code fence}: the lease of the conversation's share the
     * delivery was made under (issue 25); the outcome is written only while it holds ({@link Fence#NONE}: always).
     */
    record Outcome(Kind kind, DeliveryTask task, int attempts, String resultRef, String newTicketRef,
                   Instant notBefore, String error, Instant at, Fence fence) {
        Outcome(Kind kind, DeliveryTask task, int attempts, String resultRef, String newTicketRef,
                Instant notBefore, String error, Instant at) {
            this(kind, task, attempts, resultRef, newTicketRef, notBefore, error, at, Fence.NONE);
        }

        Outcome {
            fence = fence == null ? Fence.NONE : fence;
        }
    }

    private static final class Entry {
        final Outcome outcome;
        State state;
        Flush claimedBy;

        Entry(Outcome outcome, State state) {
            this.outcome = outcome;
            this.state = state;
        }
    }

    private final Journal journal;
    // Issue 25: checks the fences of outcomes made under a share's lease; null on a single node.
    private volatile Leases leases;
    private final Object lock = new Object();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private boolean flushSubmitted;

    Outcomes(Journal journal) {
        this.journal = journal;
    }

    /** Issue 25: outcomes carrying a fence are written only in a transaction that finds their lease still held. */
    void fencedBy(Leases leases) {
        this.leases = leases;
    }

    /**
     * Throws {@link dev.omnibridge.hub.cluster.LeaseLost} when one of the outcomes' leases moved: the unit then writes
     * none of them (a flush's outcomes are then written by their callers' own units, each checking its own).
     */
    private void verify(Connection c, List<Outcome> outcomes) throws SQLException {
        Leases l = leases;
        if (l == null) {
            return;
        }
        List<Fence> checked = new ArrayList<>(2);
        for (Outcome o : outcomes) {
            if (!o.fence().none() && !checked.contains(o.fence())) {
                l.verify(c, o.fence());
                checked.add(o.fence());
            }
        }
    }

    /** The caller's unit for the outcome; the outcome is queued for the next flush at once. */
    TxWork<Void> unit(Outcome outcome) {
        Entry entry;
        if (journal == null) {
            entry = new Entry(outcome, State.OWN);
        } else {
            synchronized (lock) {
                entry = new Entry(outcome, State.QUEUED);
                queue.add(entry);
                if (!flushSubmitted) {
                    submitFlush();
                }
            }
        }
        return (c, after) -> {
            synchronized (lock) {
                switch (entry.state) {
                    case WRITTEN, CLAIMED -> {
                        return null;
                    }
                    case QUEUED -> {
                        queue.remove(entry);
                        entry.state = State.OWN;
                    }
                    default -> {
                        // OWN: written here (again, if an earlier try's transaction failed).
                    }
                }
            }
            verify(c, List.of(outcome));
            write(c, List.of(outcome));
            after.run(() -> {
                synchronized (lock) {
                    entry.state = State.WRITTEN;
                }
            });
            return null;
        };
    }

    /** Called with the lock held. */
    private void submitFlush() {
        flushSubmitted = true;
        Flush flush = new Flush();
        // Registered before the flush can run: it takes the lock first, which this thread holds.
        journal.submit(flush).whenComplete((ok, error) -> flushEnded(flush, error));
    }

    private void flushEnded(Flush flush, Throwable error) {
        synchronized (lock) {
            flushSubmitted = false;
            if (error != null) {
                for (Entry e : flush.batch) {
                    if (e.state == State.CLAIMED && e.claimedBy == flush) {
                        e.state = State.OWN; // its transaction failed: the caller's unit writes it, if it runs again
                    }
                }
            } else if (!queue.isEmpty()) {
                submitFlush();
            }
        }
    }

    private final class Flush implements TxWork<Void> {
        private List<Entry> batch = List.of();

        @Override
        public Void apply(Connection c, AfterCommit after) throws SQLException {
            List<Outcome> outcomes = new ArrayList<>();
            synchronized (lock) {
                batch = new ArrayList<>(queue);
                queue.clear();
                for (Entry e : batch) {
                    e.state = State.CLAIMED;
                    e.claimedBy = this;
                    outcomes.add(e.outcome);
                }
            }
            if (outcomes.isEmpty()) {
                return null;
            }
            try {
                verify(c, outcomes);
                write(c, outcomes);
            } catch (SQLException | RuntimeException e) {
                synchronized (lock) {
                    batch.forEach(entry -> entry.state = State.OWN);
                }
                throw e;
            }
            after.run(() -> {
                synchronized (lock) {
                    batch.forEach(entry -> entry.state = State.WRITTEN);
                }
            });
            return null;
        }
    }

    private static final String[] RESULT_TYPES = {"BIGINT", "VARCHAR", "VARCHAR", "VARCHAR",
            "VARCHAR", "INT", "VARCHAR", "TIMESTAMP WITH TIME ZONE"};
    private static final String RESULT_COLUMNS = "id, message_id, target_instance, kind, status, attempts, "
            + "result_ref, finished_at";
    private static final String[] DEAD_TYPES = {"BIGINT", "VARCHAR", "VARCHAR", "VARCHAR",
            "VARCHAR", "INT", "VARCHAR", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE", "VARCHAR",
            "SMALLINT"};
    // The priority stays with a dead letter, so that its replay is ordered as the message was (migration V11), and
    // so does its share (V18_1), so that its replay goes to the node delivering its conversation.
    private static final String DEAD_COLUMNS = "id, message_id, conversation_id, target_instance, kind, attempts, "
            + "reason, created_at, failed_at, priority, shard";

    /** Applies the outcomes in their order: finished rows leave the outbox, retries stay with their new schedule. */
    static void write(Connection c, List<Outcome> outcomes) throws SQLException {
        List<Object[]> results = new ArrayList<>();
        List<Object[]> dead = new ArrayList<>();
        List<Long> finished = new ArrayList<>();
        for (Outcome o : outcomes) {
            DeliveryTask t = o.task();
            switch (o.kind()) {
                case DONE -> {
                    results.add(new Object[] {t.id(), t.messageId(), t.target(), t.kind(), "DONE", o.attempts(),
                            Columns.key(o.resultRef()), o.at()});
                    finished.add(t.id());
                }
                case DEAD -> {
                    dead.add(new Object[] {t.id(), t.messageId(), t.conversationId(), t.target(), t.kind(),
                            o.attempts(), truncate(o.error()), t.createdAt(), o.at(), t.priority(),
                            (short) OutboxShards.of(t.conversationId())});
                    finished.add(t.id());
                }
                case RETRY -> Sql.update(c, "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, "
                        + "updated_at = ? WHERE id = ?", o.attempts(), o.notBefore(), truncate(o.error()), o.at(),
                        t.id());
                default -> throw new IllegalStateException(o.kind().name());
            }
        }
        PaddedRows.insert(c, "delivery_results", RESULT_COLUMNS, RESULT_TYPES, results);
        PaddedRows.insert(c, "dead_letters", DEAD_COLUMNS, DEAD_TYPES, dead);
        PaddedRows.inParts(finished, (marks, ids) -> Sql.update(c, "DELETE FROM outbox WHERE id IN (" + marks + ")",
                ids));
        for (Outcome o : outcomes) {
            if (o.kind() == Kind.DONE && o.newTicketRef() != null) {
                linkTicket(c, o.task(), o.newTicketRef(), o.at());
            }
        }
    }

    private static void linkTicket(Connection c, DeliveryTask task, String ticketRef, Instant now)
            throws SQLException {
        if (Sql.update(c, "UPDATE desk_tickets SET ticket_ref = ? WHERE conversation_id = ? AND desk_instance = ?",
                ticketRef, task.conversationId(), task.target()) == 0) {
            Sql.update(c, "INSERT INTO desk_tickets (conversation_id, desk_instance, ticket_ref, created_at) "
                    + "VALUES (?, ?, ?, ?)", task.conversationId(), task.target(), ticketRef, now);
        }
    }

    static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }
}
