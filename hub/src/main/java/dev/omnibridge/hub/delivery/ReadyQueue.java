package dev.omnibridge.hub.delivery;

import dev.omnibridge.model.Priority;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The delivery workers and the lanes waiting for one, taken in {@link DeliveryOrder}: earliest deadline first, then
 * in the order they became ready. Replaces a FIFO executor queue, where a lane that became ready last waited for
 * every lane ahead of it whatever its priority.
 *
 * <p>With priorities, some workers are kept for URGENT and HIGH lanes ({@link #reserved}: one in eight, at least one,
 * when there are four or more): a NORMAL or LOW lane does not start when it would take one of them. Under a backlog
 * every other worker is busy with a delivery (often waiting for the desk), so without a free worker an urgent lane
 * would wait for one of those deliveries to end before its own could even start.
 */
final class ReadyQueue {
    private final DeliveryOrder order;
    private final int workers;
    private final int reserved;
    private final AtomicLong sequence = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by the lock: URGENT and HIGH lanes, the others; a worker takes the earlier head it may take.
    private final PriorityQueue<Entry> urgent = new PriorityQueue<>();
    private final PriorityQueue<Entry> others = new PriorityQueue<>();
    private int running;
    private boolean stopped;
    private final List<Thread> threads = new ArrayList<>();

    ReadyQueue(int workerCount, DeliveryOrder order) {
        this.order = order;
        this.workers = workerCount;
        this.reserved = order.byPriority() && workerCount >= 4 ? Math.max(1, workerCount / 8) : 0;
        for (int i = 1; i <= workerCount; i++) {
            Thread t = new Thread(this::work, "omnibridge-delivery-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    DeliveryOrder order() {
        return order;
    }

    /**
     * Runs {@code run} (a lane's head) on a worker, after the ready lanes with an earlier deadline.
     *
     * @throws RejectedExecutionException when shut down
     */
    void add(Priority priority, Runnable run) {
        Entry entry = new Entry(order.deadline(priority, System.nanoTime()), sequence.incrementAndGet(),
                priority.compareTo(Priority.HIGH) >= 0, run);
        lock.lock();
        try {
            if (stopped) {
                throw new RejectedExecutionException("delivery stopped");
            }
            (entry.urgent() ? urgent : others).add(entry);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            Entry next;
            lock.lock();
            try {
                while (true) {
                    if (stopped) {
                        return;
                    }
                    next = take();
                    if (next != null) {
                        running++;
                        break;
                    }
                    changed.awaitUninterruptibly();
                }
            } finally {
                lock.unlock();
            }
            try {
                next.run().run();
            } catch (RuntimeException | Error e) {
                org.slf4j.LoggerFactory.getLogger(ReadyQueue.class).error("A delivery run failed unexpectedly", e);
            } finally {
                lock.lock();
                try {
                    running--;
                    // A NORMAL lane may have waited for this worker, and others for the head to change.
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** The next entry this worker may run, or null. Called with the lock held. */
    private Entry take() {
        Entry first = urgent.peek();
        Entry other = running < workers - reserved ? others.peek() : null;
        if (other != null && (first == null || other.compareTo(first) < 0)) {
            return others.poll();
        }
        return first == null ? null : urgent.poll();
    }

    /** Takes no more lanes: the ones waiting are dropped, the ones running finish. */
    void shutdown() {
        lock.lock();
        try {
            stopped = true;
            urgent.clear();
            others.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedJoin(t, left);
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    private record Entry(long deadline, long sequence, boolean urgent, Runnable run) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry other) {
            int byDeadline = Long.compare(deadline, other.deadline);
            return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
        }
    }
}
