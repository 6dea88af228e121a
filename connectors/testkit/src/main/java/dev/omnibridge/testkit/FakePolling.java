package dev.omnibridge.testkit;

import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.PollException;
import dev.omnibridge.spi.PollHandle;
import dev.omnibridge.spi.PollRequest;
import dev.omnibridge.spi.PollResult;
import dev.omnibridge.spi.PollSchedule;
import dev.omnibridge.spi.PolledSource;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The hub's polling loop as a connector test needs it ({@link FakeConnectorContext#poll}): a thread per source that
 * polls on the schedule, stores each result through the context's submit before the next poll, backs off after
 * failures (the schedule's {@link PollSchedule#backoffAfter}, no jitter; a retry-after is honoured) and reports them
 * as the instance's problem, as the hub does. The hub's own loop is tested in the hub.
 */
final class FakePolling implements PollHandle, Runnable {
    private final String name;
    private final PolledSource source;
    private final PollSchedule schedule;
    private final ConnectorContext context;
    private final Object lock = new Object();
    private final Thread thread;
    private volatile boolean stopping;
    private boolean storing;
    private int failures;

    FakePolling(String instanceId, String name, PolledSource source, PollSchedule schedule,
                ConnectorContext context) {
        this.name = name;
        this.source = source;
        this.schedule = schedule;
        this.context = context;
        this.thread = new Thread(this, "fake-poll-" + instanceId + "-" + name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
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
                    Thread.sleep(Math.max(1, wait.toMillis()));
                }
                if (stopping) {
                    return;
                }
                wait = step();
            }
        } catch (InterruptedException stopped) {
            // stop()
        }
    }

    private Duration step() throws InterruptedException {
        PollResult result;
        try {
            PollRequest.Builder request = PollRequest.builder().consecutiveFailures(failures);
            schedule.offsetKeys().forEach(k -> request.offset(k, context.offset(k).orElse(null)));
            result = source.poll(request.build());
        } catch (InterruptedException e) {
            if (stopping) {
                throw e;
            }
            return failed("polling " + name + " was interrupted", false, null);
        } catch (PollException e) {
            return failed(e.getMessage(), e.needsAttention(), e.retryAfter().orElse(null));
        } catch (Exception e) {
            return failed("polling " + name + " failed: " + e.getClass().getSimpleName(), false, null);
        }
        if (result == null) {
            result = PollResult.nothing();
        }
        if (result.isHeld()) {
            // Not asked: no news about the vendor either way (a problem it reported stays shown).
            return result.nextPollIn().orElse(schedule.interval());
        }
        if (!result.isEmpty()) {
            synchronized (lock) {
                storing = true;
                Thread.interrupted();
            }
            try {
                try {
                    context.submit(result.inbound()).toCompletableFuture().get(1, TimeUnit.MINUTES);
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    return failed("storing " + result.description().orElse("what " + name + " polled")
                            + " failed, it is polled again: " + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), false, null);
                }
                result.stored();
            } finally {
                synchronized (lock) {
                    storing = false;
                }
            }
        }
        failures = 0;
        context.problemResolved();
        return result.nextPollIn().orElse(result.isEmpty() ? schedule.interval() : Duration.ZERO);
    }

    private Duration failed(String message, boolean needsAttention, Duration retryAfter) {
        failures++;
        context.reportProblem(message);
        Duration wait = needsAttention ? schedule.maxBackoff() : schedule.backoffAfter(failures);
        return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
    }

    @Override
    public void stop() {
        synchronized (lock) {
            stopping = true;
            if (!storing) {
                thread.interrupt();
            }
        }
        try {
            source.wakeup();   // like the hub: a poll blocked where an interrupt does not reach (e.g. IMAP IDLE)
        } catch (RuntimeException e) {
            // the source's own problem; stopping anyway
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(70_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
