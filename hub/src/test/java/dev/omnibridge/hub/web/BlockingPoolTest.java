package dev.omnibridge.hub.web;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BlockingPoolTest {
    private ExecutorService pool;

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void shortTasksOneAfterAnotherReuseOneThreadInsteadOfStartingOneEach() throws Exception {
        pool = BlockingPool.create("t-", 64, 60);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 200; i++) {
            Future<?> f = pool.submit(() -> threads.add(Thread.currentThread().getName()));
            f.get(5, TimeUnit.SECONDS);
            // The finished thread is back waiting for work before the next submit (a fixed pool starts a new one
            // anyway until it has all 64).
            awaitIdle();
        }
        assertThat(threads).hasSize(1);
        assertThat(((ThreadPoolExecutor) pool).getPoolSize()).isEqualTo(1);
    }

    @Test
    void tasksThatRunAtTheSameTimeGetThreadsUpToTheMaximumAndTheRestWaitTheirTurn() throws Exception {
        pool = BlockingPool.create("t-", 4, 60);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            pool.execute(() -> {
                running.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.incrementAndGet();
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running.get() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(running.get()).isEqualTo(4);
        assertThat(((ThreadPoolExecutor) pool).getPoolSize()).isEqualTo(4);
        assertThat(((ThreadPoolExecutor) pool).getQueue()).hasSize(6);
        release.countDown();
        while (done.get() < 10 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(done.get()).isEqualTo(10);
        assertThat(((ThreadPoolExecutor) pool).getPoolSize()).isEqualTo(4);
    }

    @Test
    void idleThreadsRetireAfterTheKeepAlive() throws Exception {
        pool = BlockingPool.create("t-", 8, 1);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(((ThreadPoolExecutor) pool).getPoolSize()).isEqualTo(3);
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (((ThreadPoolExecutor) pool).getPoolSize() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(((ThreadPoolExecutor) pool).getPoolSize()).isZero();
    }

    /** Waits until every thread of the pool is back waiting for work. */
    private void awaitIdle() throws InterruptedException {
        ThreadPoolExecutor tpe = (ThreadPoolExecutor) pool;
        LinkedTransferQueue<Runnable> queue = (LinkedTransferQueue<Runnable>) tpe.getQueue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (queue.getWaitingConsumerCount() < tpe.getPoolSize() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }
}
