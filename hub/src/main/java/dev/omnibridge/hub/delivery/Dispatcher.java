package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.TxWork;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.OutboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Works through the outbox. Each (target, conversation) pair is a lane: a lane delivers one message at a time, in
 * the order they were stored, so a conversation's messages reach a desk in order and its first message creates
 * the ticket before the next one is added; different lanes run in parallel on the worker pool. A failure is
 * retried with backoff (holding its lane), and a permanent or exhausted one goes to the dead-letter list while
 * the lane moves on.
 *
 * <p>A lane does not wait for the commit of a successful outcome before its next delivery: the journal commits
 * outcomes in the order they are submitted, and a crash before the commit only repeats deliveries under the same
 * idempotency key. What the next delivery needs from that outcome (a desk ticket just created) the lane keeps in
 * memory until it is committed.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final DeliveryStore store;
    private final Journal journal;
    private volatile java.util.function.BiConsumer<DeliveryTask, String> onChannelDeadLetter = (task, reason) -> {
    };
    private final DeliveryTargets targets;
    private final Metrics metrics;
    private final Backoff backoff;
    private final int maxAttempts;
    private final Clock clock;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "omnibridge-retry-timer");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Lane> lanes = new HashMap<>();
    // Outbox rows already in a lane: at start-up, recover() may read a row the writer has just handed over too.
    private final Set<Long> queued = ConcurrentHashMap.newKeySet();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong retrying = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private volatile boolean running = true;

    // Successful outcomes submitted to the journal and not yet committed; close() waits for them.
    private final Set<CompletableFuture<Void>> unrecorded = ConcurrentHashMap.newKeySet();

    private static final class Lane {
        final String key;
        final ArrayDeque<DeliveryTask> queue = new ArrayDeque<>();
        boolean busy;
        // Outcomes of this lane not committed yet: while there are any, the lane stays so its ticket is not lost.
        int unrecorded;
        // The desk ticket a delivery of this lane created, possibly not committed yet.
        volatile String ticketRef;

        Lane(String key) {
            this.key = key;
        }
    }

    /** Told when a reply to a customer is dead-lettered, so the desk can hear of it. */
    public void onChannelDeadLetter(java.util.function.BiConsumer<DeliveryTask, String> listener) {
        this.onChannelDeadLetter = listener;
    }

    public Dispatcher(DeliveryStore store, Journal journal, DeliveryTargets targets, Metrics metrics,
                      Backoff backoff, int maxAttempts, int workerCount, Clock clock) {
        this.store = store;
        this.journal = journal;
        this.targets = targets;
        this.metrics = metrics;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workerCount, r -> {
            Thread t = new Thread(r, "omnibridge-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        metrics.deliveries("pending", pending::get);
        metrics.deliveries("retrying", retrying::get);
        metrics.deliveries("dead", dead::get);
    }

    /** Queues everything the outbox still holds, e.g. after a restart. */
    public void recover() throws java.sql.SQLException {
        var tasks = store.pending();
        dead.set(store.countByState().getOrDefault("DEAD", 0L));
        tasks.forEach(this::enqueue);
        if (!tasks.isEmpty()) {
            LOG.info("Resuming {} undelivered message(s) from the outbox", tasks.size());
        }
    }

    /** Takes a committed outbox row. */
    public void enqueue(DeliveryTask task) {
        if (!queued.add(task.id())) {
            return;
        }
        pending.incrementAndGet();
        if (task.attempts() > 0) {
            retrying.incrementAndGet();
        }
        Lane lane;
        boolean start;
        synchronized (lanes) {
            lane = lanes.computeIfAbsent(task.target() + "|" + task.conversationId(), Lane::new);
            lane.queue.add(task);
            start = !lane.busy;
            lane.busy = true;
        }
        if (start) {
            schedule(lane, task.notBefore());
        }
    }

    public long deadCount() {
        return dead.get();
    }

    /** Puts a dead letter back into the outbox. */
    public boolean replay(long deliveryId) throws Exception {
        Optional<DeliveryTask> task = journal.submit(store.replay(deliveryId, clock.instant())).get();
        task.ifPresent(t -> {
            dead.decrementAndGet();
            LOG.info("Dead letter {} replayed to {}", deliveryId, t.target());
            enqueue(t);
        });
        return task.isPresent();
    }

    private void schedule(Lane lane, Instant notBefore) {
        if (!running) {
            return;
        }
        long delay = notBefore == null ? 0 : Duration.between(clock.instant(), notBefore).toMillis();
        if (delay <= 0) {
            workers.execute(() -> runHead(lane));
        } else {
            timer.schedule(() -> workers.execute(() -> runHead(lane)), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void runHead(Lane lane) {
        if (!running) {
            return;
        }
        DeliveryTask task;
        synchronized (lanes) {
            task = lane.queue.peek();
        }
        Instant next;
        try {
            next = attempt(lane, task);
        } catch (Exception e) {
            // The store could not record the outcome: keep the task at the head and try again shortly.
            LOG.error("Recording delivery {} failed, will retry: {}", task.id(), e.getMessage());
            schedule(lane, clock.instant().plusSeconds(1));
            return;
        }
        if (next != null) {
            schedule(lane, next);
            return;
        }
        synchronized (lanes) {
            lane.queue.poll();
            if (lane.queue.isEmpty()) {
                lane.busy = false;
                removeIfIdle(lane);
                return;
            }
            task = lane.queue.peek();
        }
        schedule(lane, task.notBefore());
    }

    /** Called with the lanes lock held. */
    private void removeIfIdle(Lane lane) {
        if (!lane.busy && lane.unrecorded == 0 && lane.queue.isEmpty()) {
            lanes.remove(lane.key);
        }
    }

    /** Delivers the task once; returns when to try again, or null when the task is finished (done or dead). */
    private Instant attempt(Lane lane, DeliveryTask task) throws Exception {
        Instant started = clock.instant();
        try {
            DeliveryStore.Context ctx = store.context(task);
            String resultRef;
            String newTicket = null;
            if (task.kind() == DeliveryTask.TargetKind.DESK) {
                String ticketRef = lane.ticketRef != null ? lane.ticketRef : ctx.ticketRef();
                DeskResult result = targets.deliverToDesk(task.target(), new DeskDelivery(ctx.message(),
                        ctx.conversation(), ctx.contact(), ticketRef, task.idempotencyKey()));
                if (!result.ticketRef().equals(ticketRef)) {
                    newTicket = result.ticketRef();
                    lane.ticketRef = newTicket;
                }
                resultRef = result.itemId();
            } else if (ctx.customerUnreachable() != null) {
                throw DeliveryException.permanent("not sent: the customer's address takes no messages ("
                        + ctx.customerUnreachable() + ")");
            } else {
                resultRef = targets.sendToChannel(task.target(), new OutboundMessage(ctx.message(),
                        ctx.conversation(), task.idempotencyKey()));
            }
            record(lane, task, store.done(task, resultRef, newTicket, clock.instant()));
            return null;
        } catch (DeliveryException e) {
            return failed(task, e, started);
        } catch (java.sql.SQLException e) {
            throw e;
        } catch (RuntimeException e) {
            // An unclassified error is most often the network or a transient bug: retry, bounded by maxAttempts.
            return failed(task, DeliveryException.retryable(e.getClass().getSimpleName() + ": " + e.getMessage(), e),
                    started);
        }
    }

    private Instant failed(DeliveryTask task, DeliveryException e, Instant now) throws Exception {
        metrics.deliveryFailed(task.target());
        int attempts = task.attempts() + 1;
        DeliveryTask updated = task.withAttempt(attempts, null);
        if (!e.isRetryable() || attempts >= maxAttempts) {
            String reason = e.isRetryable() ? "gave up after " + attempts + " attempts: " + e.getMessage()
                    : e.getMessage();
            journal.submit(store.dead(updated, reason, now)).get();
            finished(task);
            if (task.kind() == DeliveryTask.TargetKind.CHANNEL) {
                onChannelDeadLetter.accept(updated, reason);
            }
            dead.incrementAndGet();
            LOG.warn("Delivery {} of message {} to {} dead-lettered: {}", task.id(), task.messageId(), task.target(),
                    reason);
            return null;
        }
        Instant next = now.plus(backoff.delay(attempts, e.retryAfter().orElse(null)));
        journal.submit(store.retryLater(updated, next, e.getMessage(), now)).get();
        if (task.attempts() == 0) {
            retrying.incrementAndGet();
        }
        synchronized (lanes) {
            Lane lane = lanes.get(task.target() + "|" + task.conversationId());
            if (lane != null && lane.queue.peek() == task) {
                lane.queue.poll();
                lane.queue.addFirst(updated.withAttempt(attempts, next));
            }
        }
        LOG.info("Delivery {} to {} failed (attempt {} of {}), retrying at {}: {}", task.id(), task.target(),
                attempts, maxAttempts, next, e.getMessage());
        return next;
    }

    /** Submits a successful outcome without waiting for its commit; counts the delivery once it is committed. */
    private void record(Lane lane, DeliveryTask task, TxWork<Void> outcome) {
        synchronized (lanes) {
            lane.unrecorded++;
        }
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        unrecorded.add(recorded);
        recorded.whenComplete((ok, error) -> {
            unrecorded.remove(recorded);
            synchronized (lanes) {
                lane.unrecorded--;
                removeIfIdle(lane);
            }
            if (error == null) {
                finished(task);
                metrics.messageOut(task.target());
                metrics.deliveryLatency(Duration.between(task.createdAt(), clock.instant()).toNanos() / 1e9);
            }
        });
        submitUntilCommitted(task, outcome, recorded);
    }

    // A failed outcome write is retried rather than the delivery: later deliveries of the lane have gone out since.
    private void submitUntilCommitted(DeliveryTask task, TxWork<Void> outcome, CompletableFuture<Void> recorded) {
        journal.submit(outcome).whenComplete((ok, error) -> {
            if (error == null) {
                recorded.complete(null);
                return;
            }
            try {
                timer.schedule(() -> submitUntilCommitted(task, outcome, recorded), 1, TimeUnit.SECONDS);
                LOG.error("Recording delivery {} failed, will retry: {}", task.id(), error.getMessage());
            } catch (RejectedExecutionException stopped) {
                LOG.error("Recording delivery {} failed at shutdown; it will be repeated after the restart: {}",
                        task.id(), error.getMessage());
                recorded.completeExceptionally(error);
            }
        });
    }

    private void finished(DeliveryTask task) {
        queued.remove(task.id());
        pending.decrementAndGet();
        if (task.attempts() > 0) {
            retrying.decrementAndGet();
        }
    }

    /** Stops delivering and waits (bounded) for the outcomes of deliveries already made to be committed. */
    @Override
    public void close() {
        running = false;
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
            CompletableFuture.allOf(unrecorded.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Not every delivery outcome was recorded before shutdown; those deliveries will be repeated "
                    + "after the restart: {}", e.getMessage());
        } finally {
            timer.shutdownNow();
        }
    }
}
