package dev.omnibridge.connector.webhookdesk;

import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.connector.webhookdesk.CrossTicketBatchTest.delivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The queue's own bounds, with a desk that answers when the test says so (no HTTP timeout of its own). */
class CrossTicketBatcherTest {
    private final ExecutorService lanes = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch firstSent = new CountDownLatch(1);
    private final List<String> sent = new CopyOnWriteArrayList<>();

    /** Records each request's keys; the first request waits for {@link #release}. */
    private final CrossTicketBatcher.Desk desk = new CrossTicketBatcher.Desk() {
        @Override
        public List<DeskResult> alone(List<DeskDelivery> events) {
            events.forEach(e -> sent.add(e.idempotencyKey()));
            if (firstSent.getCount() > 0) {
                firstSent.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return events.stream().map(e -> new DeskResult(e.ticketRef(), e.idempotencyKey())).toList();
        }

        @Override
        public List<CrossTicketBatcher.Entry> mixed(List<DeskDelivery> events) {
            events.forEach(e -> sent.add(e.idempotencyKey()));
            return events.stream().map(e -> CrossTicketBatcher.Entry.of(new DeskResult(e.ticketRef(),
                    e.idempotencyKey()))).toList();
        }
    };

    @AfterEach
    void tearDown() {
        release.countDown();
        lanes.shutdownNow();
    }

    @Test
    void aCallerNotSentWithinTwiceTheTimeoutLeavesTheQueueRetryablyAndIsNeverSent() throws Exception {
        CrossTicketBatcher batcher = new CrossTicketBatcher(desk, 10, Duration.ofMillis(100));
        Future<List<DeskResult>> first = lanes.submit(() -> batcher.submit(List.of(delivery("c0", "T-0", "k0"))));
        assertThat(firstSent.await(5, TimeUnit.SECONDS)).isTrue();
        Future<List<DeskResult>> late = lanes.submit(() -> batcher.submit(List.of(delivery("c1", "T-1", "k1"))));

        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
        assertThat(e).isNotNull();
        assertThat(e.getCause()).isInstanceOf(DeliveryException.class);
        assertThat(((DeliveryException) e.getCause()).isRetryable()).isTrue();
        assertThat(e.getCause().getMessage()).startsWith("not sent");
        assertThat(batcher.queuedEvents()).isZero();

        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(new DeskResult("T-0", "k0"));
        // The turn is free again: the next caller is sent at once, alone.
        assertThat(batcher.submit(List.of(delivery("c2", "T-2", "k2")))).containsExactly(new DeskResult("T-2", "k2"));
        assertThat(sent).containsExactly("k0", "k2");
    }
}
