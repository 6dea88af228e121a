package dev.omnibridge.hub.delivery;

import dev.omnibridge.model.Priority;

import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery workers and the lanes waiting for one, taken in {@link DeliveryOrder}: earliest deadline first, then
 * in the order they became ready. Replaces a FIFO executor queue, where a lane that became ready last waited for
 * every lane ahead of it whatever its priority.
 */
final class ReadyQueue {
    private final DeliveryOrder order;
    private final ThreadPoolExecutor workers;
    private final AtomicLong sequence = new AtomicLong();

    ReadyQueue(int workerCount, DeliveryOrder order) {
        this.order = order;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workerCount, workerCount, 0, TimeUnit.MILLISECONDS,
                new PriorityBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "omnibridge-delivery-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    DeliveryOrder order() {
        return order;
    }

    /**
     * Runs {@code run} (a lane's head) on a worker, after the ready lanes with an earlier deadline.
     *
     * @throws java.util.concurrent.RejectedExecutionException when shut down
     */
    void add(Priority priority, Runnable run) {
        workers.execute(new Entry(order.deadline(priority, System.nanoTime()), sequence.incrementAndGet(), run));
    }

    void shutdown() {
        workers.shutdown();
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return workers.awaitTermination(timeout, unit);
    }

    private record Entry(long deadline, long sequence, Runnable head) implements Runnable, Comparable<Entry> {
        @Override
        public void run() {
            head.run();
        }

        @Override
        public int compareTo(Entry other) {
            int byDeadline = Long.compare(deadline, other.deadline);
            return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
        }
    }
}
