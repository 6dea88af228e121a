package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24: a target held for a plugin swap. The delivery running finishes (drain waits for it, no interrupt), the
 * rows after it stay queued without an attempt, and after the release they go in order, each once.
 */
class DispatcherHoldTest {
    private static final String DESK = "desk";

    @TempDir
    Path dir;

    private DeliveryRig rig;

    @BeforeEach
    void open() {
        rig = new DeliveryRig(dir, DESK);
    }

    @AfterEach
    void close() {
        rig.close();
    }

    @Test
    void aHeldTargetDrainsTheDeliveryRunningKeepsTheRestQueuedAndDeliversThemInOrderOnRelease() throws Exception {
        GatedDesk desk = new GatedDesk();
        Dispatcher dispatcher = rig.serve(new Dispatcher(rig.store, rig.journal, desk, new Metrics(),
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)), 3, 4, Clock.systemUTC(),
                HubConfig.Delivery.DEFAULT_WINDOW));
        dispatcher.recover();
        store("conv", "m1");
        Poll.until("m1 is being delivered", () -> desk.started.size() == 1);

        dispatcher.hold(DESK);
        assertThat(dispatcher.drain(DESK, Duration.ofMillis(100))).as("m1 still runs").isFalse();
        store("conv", "m2", "m3");
        desk.gate.countDown();
        assertThat(dispatcher.drain(DESK, Duration.ofSeconds(10))).as("m1 finished").isTrue();
        assertThat(desk.delivered).containsExactly("m1");

        Poll.until("m2 and m3 queued in the outbox", () -> pending().size() == 2);
        assertThat(pending()).allSatisfy(t -> assertThat(t.attempts()).isZero());
        assertThat(desk.started).containsExactly("m1");
        assertThat(dispatcher.heldTargets()).containsExactly(DESK);

        dispatcher.release(DESK);
        Poll.until("all delivered", () -> desk.delivered.size() == 3);
        assertThat(desk.delivered).containsExactly("m1", "m2", "m3");
        assertThat(desk.started).containsExactly("m1", "m2", "m3");
        Poll.until("every outcome committed", () -> pending().isEmpty());
        assertThat(dispatcher.deadCount()).isZero();
    }

    private void store(String thread, String... texts) throws Exception {
        for (String text : texts) {
            rig.submit(DeliveryRig.customerMessage(thread, text).build()).get(10, TimeUnit.SECONDS);
        }
    }

    private List<DeliveryTask> pending() {
        try {
            return rig.store.pendingPage(DESK, 0, 10);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A desk whose first delivery waits for the test's gate. */
    private static final class GatedDesk implements DeliveryTargets {
        final CountDownLatch gate = new CountDownLatch(1);
        final List<String> started = new CopyOnWriteArrayList<>();
        final List<String> delivered = new CopyOnWriteArrayList<>();

        @Override
        public DeskResult deliverToDesk(String instanceId, DeskDelivery delivery) {
            started.add(delivery.message().text());
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError("a delivery was interrupted", e);
            }
            delivered.add(delivery.message().text());
            return new DeskResult("T-" + delivery.conversation().id(), "i-" + delivered.size());
        }

        @Override
        public String sendToChannel(String instanceId, OutboundMessage message) {
            throw new UnsupportedOperationException();
        }
    }
}
