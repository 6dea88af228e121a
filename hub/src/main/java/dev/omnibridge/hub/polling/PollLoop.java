package dev.omnibridge.hub.polling;

import dev.omnibridge.hub.cluster.Fence;
import dev.omnibridge.hub.cluster.LeaseLost;
import dev.omnibridge.hub.cluster.Leases;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.PollException;
import dev.omnibridge.spi.PollHandle;
import dev.omnibridge.spi.PollRequest;
import dev.omnibridge.spi.PollResult;
import dev.omnibridge.spi.PollSchedule;
import dev.omnibridge.spi.PolledSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One polled source of one instance, on its own thread: read the declared offsets, poll, store the result with its
 * offsets through {@link ConnectorContext#submit} (one transaction) and wait for it, then wait as the result or the
 * backoff says. {@link #step()} is one round without the wait, so tests drive it without a thread.
 *
 * <p>Stopping interrupts a poll or a wait, never a store: a result being stored is stored (and its
 * {@link PollResult#stored()} action run) before {@link #stop()} returns.
 *
 * <p>Issue 25: a loop runs under a leader lease ({@link Pollers}); its {@link Fence} goes with every store, which
 * checks it in the transaction of the messages and offsets. A store refused because the lease moved
 * ({@link LeaseLost}) is not acknowledged upstream and ends the loop; while the lease is not surely held by this
 * node's clock, the loop does not poll.
 */
final class PollLoop implements PollHandle, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
    /** How long a result may take to be stored before the poll counts as failed (the store is down or stuck). */
    static final Duration STORE_TIMEOUT = Duration.ofMinutes(2);
    /** How long a loop waits before looking again when its lease is not surely held (issue 25). */
    static final Duration UNSURE_PAUSE = Duration.ofMillis(250);

    private enum Phase { WAITING, POLLING, STORING, BACKING_OFF, STOPPED }

    private final String instanceId;
    private final String name;
    private final PolledSource source;
    private final PollSchedule schedule;
    private final ConnectorContext context;
    private final Clock clock;
    private final Backoff backoff;
    private final Runnable onStopped;
    private final Fence fence;
    private final Leases leases;
    private final Pollers.FencedStore store;
    private final Thread predecessor;
    private final Object lock = new Object();
    private volatile Thread thread;
    private volatile boolean stopping;

    // health, written by the polling thread only
    private volatile Phase phase = Phase.WAITING;
    private volatile Instant lastPollAt;
    private volatile Instant lastSuccessAt;
    private volatile int failuresInARow;
    private volatile long failures;
    private volatile String lastFailure;
    private volatile Instant lastFailureAt;
    private volatile Instant nextPollAt;

    /** A loop on its own (no lease): stores through {@code context.submit}. */
    PollLoop(String instanceId, String name, PolledSource source, PollSchedule schedule, ConnectorContext context,
             Clock clock, Backoff backoff, Runnable onStopped) {
        this(instanceId, name, source, schedule, context, clock, backoff, onStopped, Fence.NONE, null,
                (inbound, fence) -> context.submit(inbound), null);
    }

    /**
     * @param fence       the lease this loop polls under ({@link Fence#NONE}: none to check)
     * @param leases      where {@code fence} is checked before each poll (null: never)
     * @param predecessor the thread of the loop this one replaces (after a lease was lost and acquired again): the
     *                    new loop waits for it to end before its first poll, so two loops never overlap on a node
     */
    PollLoop(String instanceId, String name, PolledSource source, PollSchedule schedule, ConnectorContext context,
             Clock clock, Backoff backoff, Runnable onStopped, Fence fence, Leases leases, Pollers.FencedStore store,
             Thread predecessor) {
        this.fence = fence;
        this.leases = leases;
        this.store = store;
        this.predecessor = predecessor;
        this.instanceId = instanceId;
        this.name = name;
        this.source = source;
        this.schedule = schedule;
        this.context = context;
        this.clock = clock;
        this.backoff = backoff;
        this.onStopped = onStopped;
    }

    /** Starts the thread; it runs with {@code loader} as context class loader (the plugin's). */
    void start(ClassLoader loader) {
        Thread t = new Thread(this, "poll-" + instanceId + "-" + name);
        t.setDaemon(true);
        t.setContextClassLoader(loader);
        thread = t;
        t.start();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void run() {
        Duration wait = schedule.initialDelay();
        try {
            Thread before = predecessor;
            if (before != null) {
                before.join();
            }
            while (!stopping) {
                if (!wait.isZero()) {
                    nextPollAt = clock.instant().plus(wait);
                    if (phase != Phase.BACKING_OFF) {
                        phase = Phase.WAITING;
                    }
                    Thread.sleep(Math.max(1, wait.toMillis()));
                }
                if (stopping) {
                    break;
                }
                try {
                    wait = step();
                } catch (RuntimeException e) {
                    // A failure of the hub's own side (reporting, health): the loop must not die of it.
                    LOG.warn("Instance {}: polling {} hit {}; next poll in {}", instanceId, name,
                            e.getClass().getSimpleName(), schedule.maxBackoff());
                    wait = schedule.maxBackoff();
                }
            }
        } catch (InterruptedException stopped) {
            // stop() interrupts a wait or a poll; anything else interrupting this thread ends it too
        } finally {
            phase = Phase.STOPPED;
            nextPollAt = null;
        }
    }

    /**
     * One round: poll and, when the result holds anything, store it and wait for the store.
     *
     * @return the wait before the next round
     * @throws InterruptedException the loop is stopping
     */
    Duration step() throws InterruptedException {
        nextPollAt = null;
        lastPollAt = clock.instant();
        PollResult result;
        synchronized (lock) {
            if (stopping) {
                throw new InterruptedException("stopping");
            }
            phase = Phase.POLLING;
        }
        if (leases != null && !leases.stillHeld(fence)) {
            // Not sure of the lease by this node's clock (a renewal is late, or the node was paused): another node
            // may poll by now, so the vendor is not asked. Look again shortly: a late renewal makes it sure again;
            // a lease really lost is said by the lease thread, which stops this loop.
            phase = Phase.WAITING;
            return UNSURE_PAUSE;
        }
        try {
            result = source.poll(request());
        } catch (InterruptedException e) {
            if (stopping) {
                throw e;
            }
            return failed("polling " + name + " was interrupted", false, null);
        } catch (PollException e) {
            return failed(e.getMessage(), e.needsAttention(), e.retryAfter().orElse(null));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Exception | LinkageError e) {
            // Not classified by the connector: its message may carry anything, so only the type is shown.
            LOG.debug("Instance {}: polling {} failed", instanceId, name, e);
            return failed("polling " + name + " failed: " + e.getClass().getSimpleName(), e instanceof LinkageError,
                    null);
        }
        if (result == null) {
            result = PollResult.nothing();
        }
        if (result.isHeld()) {
            // Not asked: no news about the vendor either way (a problem it reported stays shown).
            phase = Phase.WAITING;
            return result.nextPollIn().orElse(schedule.interval());
        }
        if (!result.isEmpty()) {
            synchronized (lock) {
                phase = Phase.STORING;
                // An interrupt that stop() sent while the poll was returning must not break off the store.
                Thread.interrupted();
            }
            try {
                try {
                    store.submit(result.inbound(), fence).toCompletableFuture()
                            .get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    if (leaseLost(cause)) {
                        // Another node holds the source now: nothing was stored, nothing is acknowledged upstream.
                        return leaseLost();
                    }
                    String what = result.description().orElse("what " + name + " polled");
                    return failed("storing " + what + " failed, it is polled again: "
                            + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), false, null);
                }
                try {
                    result.stored();   // e.g. acknowledging upstream: part of the store, so stop waits for it too
                } catch (RuntimeException e) {
                    LOG.warn("Instance {}: after storing what {} polled: {}", instanceId, name,
                            e.getClass().getSimpleName());
                }
            } finally {
                synchronized (lock) {
                    if (phase == Phase.STORING) {
                        phase = Phase.POLLING;
                    }
                }
            }
        }
        failuresInARow = 0;
        lastSuccessAt = clock.instant();
        context.problemResolved();
        phase = Phase.WAITING;
        return result.nextPollIn().orElse(result.isEmpty() ? schedule.interval() : Duration.ZERO);
    }

    private static boolean leaseLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LeaseLost) {
                return true;
            }
        }
        return false;
    }

    /** Ends the loop: the lease moved to another node (the lease listener starts a new loop if it comes back). */
    private Duration leaseLost() throws InterruptedException {
        LOG.info("Instance {}: polling {} stops: lease {} (token {}) no longer held", instanceId, name,
                fence.name(), fence.token());
        synchronized (lock) {
            stopping = true;
        }
        throw new InterruptedException("lease lost");
    }

    private PollRequest request() {
        PollRequest.Builder b = PollRequest.builder().consecutiveFailures(failuresInARow);
        for (String key : schedule.offsetKeys()) {
            b.offset(key, context.offset(key).orElse(null));
        }
        return b.build();
    }

    private Duration failed(String message, boolean needsAttention, Duration retryAfter) {
        int n = failuresInARow + 1;
        failuresInARow = n;
        failures++;
        lastFailure = message;
        lastFailureAt = clock.instant();
        Duration wait = backoff.after(schedule, n, needsAttention, retryAfter);
        phase = Phase.BACKING_OFF;
        context.reportProblem(message);
        LOG.info("Instance {}: poll {} failed ({} in a row); next in {} ms", instanceId, name, n, wait.toMillis());
        return wait;
    }

    @Override
    public void stop() {
        halt();
        join();
    }

    /** Asks the loop to stop without waiting: interrupts a poll or a wait, never a store. */
    void halt() {
        synchronized (lock) {
            stopping = true;
            Thread t = thread;
            if (t != null && phase != Phase.STORING) {
                t.interrupt();
            }
        }
        try {
            source.wakeup();   // a poll blocked where an interrupt does not reach (e.g. IMAP IDLE)
        } catch (RuntimeException e) {
            LOG.debug("wakeup failed", e);
        }
    }

    /** Waits for the loop to end (a result being stored is stored first). */
    void join() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(STORE_TIMEOUT.plusSeconds(10).toMillis());
                if (t.isAlive()) {
                    LOG.warn("Instance {}: polling {} did not stop in time", instanceId, name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        onStopped.run();
    }

    Thread thread() {
        return thread;
    }

    Fence fence() {
        return fence;
    }

    boolean stopped() {
        return phase == Phase.STOPPED;
    }

    PollerHealth health() {
        return new PollerHealth(name, phase.name(), lastPollAt, lastSuccessAt, failuresInARow, failures,
                lastFailure, lastFailureAt, nextPollAt, null);
    }
}
