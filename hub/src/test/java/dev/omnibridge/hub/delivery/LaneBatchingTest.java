package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.IngestReport;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.spi.DeliveryException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lane batching: a lane whose ticket is known hands its due queued rows to a desk that takes batches in one call,
 * in order, each message with its own key and its own outcome. The desk is faked (the plugin side); the store,
 * journal and dispatcher are the hub's own.
 */
class LaneBatchingTest {
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

    private Dispatcher dispatcher(BatchDesk desk, int maxAttempts) {
        Dispatcher d = new Dispatcher(rig.store, rig.journal, desk, new Metrics(),
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)), maxAttempts, 8, Clock.systemUTC(),
                HubConfig.Delivery.DEFAULT_WINDOW);
        return rig.serve(d);
    }

    private CompletableFuture<IngestReport> submit(String thread, String text) {
        return rig.submit(DeliveryRig.customerMessage(thread, text).build());
    }

    /** Stores the messages of one conversation, in order; returns their ids. */
    private List<String> store(String thread, String... texts) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String text : texts) {
            ids.add(submit(thread, text).get(10, TimeUnit.SECONDS).storedMessageIds().get(0));
        }
        return ids;
    }

    private static String key(String messageId) {
        return "omnibridge-" + messageId + "-" + DESK;
    }

    private void awaitOutboxEmpty() {
        Poll.until("every outcome committed", () -> {
            try {
                return rig.store.pendingPage(DESK, 0, 10).isEmpty();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void followUpsQueuedBehindAKnownTicketGoInOneCallInOrderEachWithItsOwnKey() throws Exception {
        BatchDesk desk = new BatchDesk(10);
        List<String> ids = store("conv-a", "m1", "m2", "m3", "m4", "m5");
        dispatcher(desk, 5).recover();

        Poll.until("all delivered", () -> desk.applied.size() == 5, desk::describe);
        assertThat(desk.calls).hasSize(2);
        assertThat(desk.calls.get(1).stream().map(d -> d.message().text())).containsExactly("m2", "m3", "m4", "m5");
        assertThat(desk.calls.get(1).stream().map(DeskDelivery::idempotencyKey))
                .containsExactly(key(ids.get(1)), key(ids.get(2)), key(ids.get(3)), key(ids.get(4)));
        assertThat(desk.calls.get(1)).allSatisfy(d -> assertThat(d.ticketRef()).isEqualTo(desk.ticketOf("conv-a")));
        awaitOutboxEmpty();
    }

    @Test
    void theMessageThatOpensTheTicketGoesAloneThoughOthersAreQueuedBehindIt() throws Exception {
        BatchDesk desk = new BatchDesk(10);
        store("conv-b", "first", "second", "third");
        dispatcher(desk, 5).recover();

        Poll.until("all delivered", () -> desk.applied.size() == 3, desk::describe);
        assertThat(desk.calls.get(0)).hasSize(1);
        assertThat(desk.calls.get(0).get(0).message().text()).isEqualTo("first");
        assertThat(desk.calls.get(0).get(0).opensTicket()).isTrue();
        assertThat(desk.singleCalls.get()).isEqualTo(1);
        assertThat(desk.calls.get(1).stream().map(d -> d.message().text())).containsExactly("second", "third");
    }

    @Test
    void withMaxBatchOneEveryMessageIsItsOwnDeliverCall() throws Exception {
        BatchDesk desk = new BatchDesk(1);
        store("conv-c", "m1", "m2", "m3", "m4");
        dispatcher(desk, 5).recover();

        Poll.until("all delivered", () -> desk.applied.size() == 4, desk::describe);
        assertThat(desk.batchCalls.get()).isZero();
        assertThat(desk.singleCalls.get()).isEqualTo(4);
        assertThat(desk.appliedTexts()).containsExactly("m1", "m2", "m3", "m4");
    }

    @Test
    void aBatchThatFailsAtIndexKRecordsThePrefixAndRetriesFromK() throws Exception {
        BatchDesk desk = new BatchDesk(10);
        store("conv-d", "m1", "m2", "m3", "m4", "m5", "m6");
        // The first batch (m2..m6) is applied up to m3, then the desk fails: m4 onwards must come again.
        desk.failOnce = batch -> batch.size() > 1 ? 2 : -1;
        dispatcher(desk, 5).recover();

        Poll.until("all delivered", () -> desk.applied.size() == 6, desk::describe);
        assertThat(desk.appliedTexts()).containsExactly("m1", "m2", "m3", "m4", "m5", "m6");
        assertThat(desk.calls.get(1).stream().map(d -> d.message().text()))
                .containsExactly("m2", "m3", "m4", "m5", "m6");
        assertThat(desk.calls.get(2).stream().map(d -> d.message().text())).containsExactly("m4", "m5", "m6");
        awaitOutboxEmpty();

        // Done means recorded: a restarted dispatcher finds nothing of the prefix to deliver again.
        rig.closeDispatchers();
        BatchDesk after = new BatchDesk(10);
        Dispatcher second = dispatcher(after, 5);
        second.recover();
        store("conv-d", "m7");
        Poll.until("the next message delivered", () -> after.applied.size() == 1, after::describe);
        assertThat(after.appliedTexts()).containsExactly("m7");
    }

    @Test
    void theFailedMessageOfABatchIsRetriedAndDeadLetteredLikeASingleFailureAndTheRestAreNotCharged()
            throws Exception {
        BatchDesk desk = new BatchDesk(10);
        List<String> ids = store("conv-e", "m1", "m2", "m3", "m4", "m5", "m6");
        // m4 never goes through (retryable); m5 is refused (permanent) the first time it is at the head of a call.
        desk.refuse = d -> d.message().text().equals("m4")
                ? DeliveryException.retryable("HTTP 503: busy", null) : null;
        desk.refuseAtHead = d -> d.message().text().equals("m5") ? DeliveryException.permanent("HTTP 422: bad") : null;
        Dispatcher dispatcher = dispatcher(desk, 3);
        dispatcher.recover();

        Poll.until("two dead letters and the rest delivered",
                () -> dispatcher.deadCount() == 2 && desk.applied.size() == 4, desk::describe);
        assertThat(desk.appliedTexts()).containsExactly("m1", "m2", "m3", "m6");
        Map<String, Integer> attempts = rig.store.deadLetters(10).stream()
                .collect(Collectors.toMap(DeliveryStore.DeadLetter::messageId, DeliveryStore.DeadLetter::attempts));
        // Three attempts, the first of them inside the batch, exactly as maxAttempts counts for a single delivery.
        assertThat(attempts.get(ids.get(3))).isEqualTo(3);
        // m5 travelled behind m4 in failed batches: those were no attempts of its own.
        assertThat(attempts.get(ids.get(4))).isEqualTo(1);
        assertThat(desk.calls.stream().filter(c -> c.stream().anyMatch(d -> d.message().text().equals("m4"))).count())
                .isEqualTo(3);
    }

    @Test
    void aRetryAfterOnABatchIsHonouredBeforeTheFailedMessageIsTriedAgain() throws Exception {
        BatchDesk desk = new BatchDesk(10);
        store("conv-f", "m1", "m2", "m3", "m4");
        desk.failOnce = batch -> batch.size() > 1 ? 1 : -1;
        desk.failure = () -> DeliveryException.retryAfter("HTTP 429: slow down", Duration.ofMillis(600));
        dispatcher(desk, 5).recover();

        Poll.until("all delivered", () -> desk.applied.size() == 4, desk::describe);
        assertThat(desk.appliedTexts()).containsExactly("m1", "m2", "m3", "m4");
        assertThat(desk.calls.get(2).get(0).message().text()).isEqualTo("m3");
        assertThat(Duration.between(desk.callStarts.get(1), desk.callStarts.get(2)))
                .isGreaterThanOrEqualTo(Duration.ofMillis(550));
    }

    @Test
    void whileTheTargetIsPausedItsProbesGoAlone() throws Exception {
        BatchDesk desk = new BatchDesk(10);
        Dispatcher dispatcher = dispatcher(desk, 1000);
        List<String> threads = List.of("p1", "p2", "p3");
        for (String t : threads) {
            store(t, t + "-open");
        }
        Poll.until("tickets opened", () -> desk.applied.size() == 3, desk::describe);
        desk.down = true;
        for (String t : threads) {
            store(t, t + "-a", t + "-b", t + "-c");
        }
        Poll.until("the target paused", () -> dispatcher.paused(DESK).isPresent(), desk::describe);
        int atPause = desk.calls.size();
        // A lane that passed its breaker check just before the breaker opened may still make its call: one per lane.
        Poll.until("probes made", () -> desk.calls.size() >= atPause + threads.size() + 4, desk::describe);
        // A snapshot first: probes keep coming, and a sub-list of a list that changes meanwhile fails to copy.
        List<List<DeskDelivery>> calls = List.copyOf(desk.calls);
        List<List<DeskDelivery>> probes = calls.subList(atPause + threads.size(), calls.size());
        desk.down = false;
        assertThat(probes).allSatisfy(call -> assertThat(call).hasSize(1));

        Poll.until("all delivered", () -> desk.applied.size() == 12, desk::describe);
        for (String t : threads) {
            assertThat(desk.appliedTexts().stream().filter(x -> x.startsWith(t + "-")))
                    .containsExactly(t + "-open", t + "-a", t + "-b", t + "-c");
        }
    }

    @Test
    void aBusyConversationArrivesInOrderInFarFewerDeskCalls() throws Exception {
        int messages = 2000;
        BatchDesk desk = new BatchDesk(50);
        desk.workMillis = 2; // a desk round trip
        dispatcher(desk, 5).recover();
        List<CompletableFuture<IngestReport>> stored = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            stored.add(submit("busy", String.format("m%05d", i)));
        }
        CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Poll.until("all delivered", () -> desk.applied.size() == messages, desk::describe);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            expected.add(String.format("m%05d", i));
        }
        assertThat(desk.appliedTexts()).containsExactlyElementsOf(expected);
        assertThat(desk.overlapped).isFalse();
        assertThat(desk.calls.size()).isLessThan(messages / 5);
        awaitOutboxEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * The connector side: a desk that takes up to {@code maxBatch} follow-ups per call and applies them in order,
     * recording every call and every applied message.
     */
    static final class BatchDesk implements DeliveryTargets {
        final int maxBatch;
        final List<List<DeskDelivery>> calls = new CopyOnWriteArrayList<>();
        final List<Instant> callStarts = new CopyOnWriteArrayList<>();
        final List<DeskDelivery> applied = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger singleCalls = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger batchCalls = new java.util.concurrent.atomic.AtomicInteger();
        private final Map<String, String> tickets = new ConcurrentHashMap<>();
        private final Set<String> busy = ConcurrentHashMap.newKeySet();
        volatile boolean overlapped;
        volatile boolean down;
        volatile long workMillis;
        /** For a call's batch: how many to apply before failing once with {@link #failure}; -1 to apply all. */
        volatile java.util.function.ToIntFunction<List<DeskDelivery>> failOnce;
        volatile java.util.function.Supplier<DeliveryException> failure =
                () -> DeliveryException.retryable("HTTP 503: unavailable", null);
        /** A failure for this message wherever it is in a call, or null. */
        volatile java.util.function.Function<DeskDelivery, DeliveryException> refuse = d -> null;
        /** A failure for this message the first time it heads a call, or null. */
        volatile java.util.function.Function<DeskDelivery, DeliveryException> refuseAtHead = d -> null;
        private final Set<String> refusedAtHead = ConcurrentHashMap.newKeySet();

        BatchDesk(int maxBatch) {
            this.maxBatch = maxBatch;
        }

        String ticketOf(String threadKey) {
            return tickets.values().stream().filter(t -> t.endsWith(threadKey)).findFirst().orElse(null);
        }

        List<String> appliedTexts() {
            return applied.stream().map(d -> d.message().text()).toList();
        }

        String describe() {
            return calls.size() + " calls: " + calls.stream().map(c -> c.stream().map(d -> d.message().text())
                    .collect(Collectors.joining(",", "[", "]"))).collect(Collectors.joining(" "));
        }

        @Override
        public int maxBatch(String instanceId) {
            return maxBatch;
        }

        @Override
        public DeskResult deliverToDesk(String instanceId, DeskDelivery delivery) {
            singleCalls.incrementAndGet();
            List<DeskResult> results = call(List.of(delivery));
            return results.get(0);
        }

        @Override
        public List<DeskResult> deliverAllToDesk(String instanceId, List<DeskDelivery> batch) {
            assertThat(batch.size()).isBetween(2, maxBatch);
            assertThat(batch).noneMatch(DeskDelivery::opensTicket);
            batchCalls.incrementAndGet();
            return call(batch);
        }

        private List<DeskResult> call(List<DeskDelivery> batch) {
            String conversation = batch.get(0).conversation().id();
            if (!busy.add(conversation)) {
                overlapped = true;
            }
            try {
                calls.add(List.copyOf(batch));
                callStarts.add(Instant.now());
                if (workMillis > 0) {
                    Thread.sleep(workMillis);
                }
                if (down) {
                    throw DeliveryException.retryable("HTTP 503: down", null);
                }
                DeliveryException atHead = refuseAtHead.apply(batch.get(0));
                if (atHead != null && refusedAtHead.add(batch.get(0).idempotencyKey())) {
                    throw atHead;
                }
                var once = failOnce;
                int failAt = once == null ? -1 : once.applyAsInt(batch);
                if (failAt >= 0) {
                    failOnce = null;
                }
                List<DeskResult> results = new ArrayList<>();
                for (DeskDelivery d : batch) {
                    DeliveryException refused = refuse.apply(d);
                    if (refused == null && results.size() == failAt) {
                        refused = failure.get();
                    }
                    if (refused != null) {
                        throw results.isEmpty() ? refused : refused.afterDelivering(results);
                    }
                    String ticket = d.ticketRef() != null ? d.ticketRef()
                            : tickets.computeIfAbsent(conversation, c -> "T-" + d.conversation().threadKey());
                    applied.add(d);
                    results.add(new DeskResult(ticket, "item-" + d.message().id()));
                }
                return results;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw DeliveryException.retryable("interrupted", e);
            } finally {
                busy.remove(conversation);
            }
        }

        @Override
        public String sendToChannel(String instanceId, OutboundMessage message) {
            throw new UnsupportedOperationException("no channel deliveries in these tests");
        }
    }
}
