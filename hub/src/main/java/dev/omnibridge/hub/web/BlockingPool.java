package dev.omnibridge.hub.web;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool for the HTTP handlers' blocking work (webhooks, the operator API): up to {@code max} threads, but a new
 * thread only when none is idle, and an idle one retires after {@code keepAliveSeconds}.
 *
 * <p>A fixed pool ({@code Executors.newFixedThreadPool}) starts a new thread for every task until it has all of
 * them, busy or not: under a steady load of short webhook tasks it soon holds all 64, each with its stack and
 * thread-local buffers resident, while only a few ever run at once. Here the number of threads follows how many
 * tasks actually run at the same time; above {@code max}, tasks queue as in a fixed pool.
 */
public final class BlockingPool {
    private BlockingPool() {
    }

    public static ExecutorService create(String namePrefix, int max, long keepAliveSeconds) {
        HandOffQueue queue = new HandOffQueue();
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, max, keepAliveSeconds, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, namePrefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (task, executor) -> {
            // Every thread is busy and there are max of them: wait in the queue like in a fixed pool.
            if (executor.isShutdown()) {
                throw new RejectedExecutionException("pool is shut down");
            }
            queue.enqueue(task);
        });
        return pool;
    }

    /**
     * Accepts a task only when an idle thread takes it at once; otherwise the executor starts a thread (below its
     * maximum) or, at its maximum, its rejection handler queues the task for the next thread that is free.
     */
    static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        void enqueue(Runnable task) {
            super.offer(task);
        }
    }
}
