package dev.omnibridge.hub.delivery;

import dev.omnibridge.model.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The order in which waiting lanes get a delivery worker. */
class ReadyQueueTest {
    private final List<ReadyQueue> queues = new ArrayList<>();

    @AfterEach
    void stop() {
        queues.forEach(ReadyQueue::shutdown);
    }

    private ReadyQueue queue(int workers, DeliveryOrder order) {
        ReadyQueue q = new ReadyQueue(workers, order);
        queues.add(q);
        return q;
    }

    /** Occupies the queue's only worker until the returned latch is released. */
    private static CountDownLatch occupy(ReadyQueue q) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        q.add(Priority.NORMAL, () -> {
            started.countDown();
            await(release);
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void higherPrioritiesRunFirstAndEqualOnesInTheOrderTheyBecameReady() throws Exception {
        ReadyQueue q = queue(1, DeliveryOrder.priority());
        CountDownLatch release = occupy(q);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(6);
        for (String[] lane : new String[][] {{"normal-1", "NORMAL"}, {"low", "LOW"}, {"urgent-1", "URGENT"},
                {"high", "HIGH"}, {"normal-2", "NORMAL"}, {"urgent-2", "URGENT"}}) {
            q.add(Priority.valueOf(lane[1]), () -> {
                ran.add(lane[0]);
                all.countDown();
            });
        }
        release.countDown();

        assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("urgent-1", "urgent-2", "high", "normal-1", "normal-2", "low");
    }

    @Test
    void fifoRunsLanesInTheOrderTheyBecameReadyWhateverTheirPriority() throws Exception {
        ReadyQueue q = queue(1, DeliveryOrder.fifo());
        CountDownLatch release = occupy(q);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(3);
        for (String[] lane : new String[][] {{"normal", "NORMAL"}, {"low", "LOW"}, {"urgent", "URGENT"}}) {
            q.add(Priority.valueOf(lane[1]), () -> {
                ran.add(lane[0]);
                all.countDown();
            });
        }
        release.countDown();

        assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("normal", "low", "urgent");
    }

    @Test
    void aLowLaneThatWaitedLongerThanItsSlackGoesBeforeAFreshUrgentOne() throws Exception {
        ReadyQueue q = queue(1, DeliveryOrder.priority(Map.of(Priority.URGENT, Duration.ZERO,
                Priority.HIGH, Duration.ofMillis(20), Priority.NORMAL, Duration.ofMillis(40),
                Priority.LOW, Duration.ofMillis(60))));
        CountDownLatch release = occupy(q);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(2);
        q.add(Priority.LOW, () -> {
            ran.add("low, waiting");
            all.countDown();
        });
        Thread.sleep(150);
        q.add(Priority.URGENT, () -> {
            ran.add("urgent, fresh");
            all.countDown();
        });
        release.countDown();

        assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("low, waiting", "urgent, fresh");
    }

    @Test
    void anUrgentLaneGetsAWorkerWhileNormalOnesKeepEveryOtherWorkerBusy() throws Exception {
        ReadyQueue q = queue(8, DeliveryOrder.priority());
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger normalRunning = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            q.add(Priority.NORMAL, () -> {
                normalRunning.incrementAndGet();
                await(release);
            });
        }
        for (int i = 0; i < 50 && normalRunning.get() < 7; i++) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        assertThat(normalRunning).as("NORMAL lanes running on 8 workers, one kept for urgent ones").hasValue(7);

        CountDownLatch urgentRan = new CountDownLatch(1);
        q.add(Priority.URGENT, urgentRan::countDown);

        assertThat(urgentRan.await(5, TimeUnit.SECONDS)).as("the urgent lane ran while the others were busy")
                .isTrue();
        release.countDown();
    }
}
