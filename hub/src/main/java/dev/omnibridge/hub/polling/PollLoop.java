package dev.omnibridge.hub.polling;

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
 */
final class PollLoop implements PollHandle, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
    /** How long a result may take to be stored before the poll counts as failed (the store is down or stuck). */
    static final Duration STORE_TIMEOUT = Duration.ofMinutes(2);

    private enum Phase { WAITING, POLLING, STORING, BACKING_OFF, STOPPED }

    private final String instanceId;
    private final String name;
    private final PolledSource source;
    private final PollSchedule schedule;
    private final ConnectorContext context;
    private final Clock clock;
    private final Backoff backoff;
    private final Runnable onStopped;
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

    PollLoop(String instanceId, String name, PolledSource source, PollSchedule schedule, ConnectorContext context,
             Clock clock, Backoff backoff, Runnable onStopped) {
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
                    context.submit(result.inbound()).toCompletableFuture()
                            .get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
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

    boolean stopped() {
        return phase == Phase.STOPPED;
    }

    PollerHealth health() {
        return new PollerHealth(name, phase.name(), lastPollAt, lastSuccessAt, failuresInARow, failures,
                lastFailure, lastFailureAt, nextPollAt);
    }
}
