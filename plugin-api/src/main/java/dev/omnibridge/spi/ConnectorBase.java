package dev.omnibridge.spi;

import dev.omnibridge.webhook.WebhookRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An optional base for connectors: the start/stop bookkeeping every connector repeats, in one place. A subclass
 * builds what a started instance needs in {@link #open} (settings, API client, polled sources) and returns it as one
 * value {@code R}; the base keeps it while the instance runs and answers for it while not:
 * <ul>
 *   <li>{@link #running()}: the state for a delivery, or {@link DeliveryException#whileRunning}'s retryable
 *       "instance is not running" (a delivery racing a stop is tried again once it runs);</li>
 *   <li>{@link #runningForWebhook()}: the state for a webhook, or a 503 "instance is not running" (the vendor
 *       retries);</li>
 *   <li>{@link #stop()}: first forgets the state (new calls get the answers above), then stops the sources
 *       {@link #poll registered} through it (waiting for a result being stored), then {@link #close}s the state.</li>
 * </ul>
 *
 * @param <R> what a started instance holds
 */
public abstract class ConnectorBase<R> implements Connector {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorBase.class);

    private volatile R running;
    private final List<PollHandle> polled = new ArrayList<>();

    /**
     * Builds the started instance's state; throwing fails the start (sources registered so far are stopped).
     * Register polled sources here with {@link #poll}.
     */
    protected abstract R open(ConnectorContext context) throws Exception;

    /** Releases what {@link #open} built, after its polled sources have stopped. */
    protected void close(R state) throws Exception {
    }

    /**
     * Starts the instance with {@link #open}. Declares no checked exception, so code holding a subclass (its tests)
     * need not handle one that subclass's {@code open} never throws; whatever {@code open} throws, checked or not,
     * still reaches the caller unchanged (the hub calls this through {@link Connector#start}, which declares
     * {@code Exception}).
     */
    @Override
    public final void start(ConnectorContext context) {
        if (running != null) {
            throw new IllegalStateException("already started");
        }
        try {
            running = java.util.Objects.requireNonNull(open(context), "open returned no state");
        } catch (Exception | Error e) {
            stopPolling();
            throw ConnectorBase.<RuntimeException>rethrow(e);
        }
    }

    /** Throws {@code e} as it is; the compiler takes it for an {@code E} (unchecked at the call site above). */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E rethrow(Throwable e) throws E {
        throw (E) e;
    }

    /** Stops the instance; never throws (a failing close is logged), and waits for a result being stored. */
    @Override
    public void stop() {
        R was = running;
        running = null;
        stopPolling();
        if (was != null) {
            try {
                close(was);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("{}: stopping did not finish cleanly: {}", getClass().getSimpleName(), e.toString());
            }
        }
    }

    /**
     * Has the hub poll {@code source} for this instance ({@link ConnectorContext#poll}); stopped by {@link #stop()}
     * before {@link #close}.
     */
    protected final PollHandle poll(ConnectorContext context, String name, PolledSource source,
                                    PollSchedule schedule) {
        PollHandle handle = context.poll(name, source, schedule);
        synchronized (polled) {
            polled.add(handle);
        }
        return handle;
    }

    /** The state for a delivery; throws a retryable {@link DeliveryException} while not running. */
    protected final R running() throws DeliveryException {
        return DeliveryException.whileRunning(running);
    }

    /** The state for a webhook; throws a 503 {@link WebhookRejectedException} while not running. */
    protected final R runningForWebhook() {
        R r = running;
        if (r == null) {
            throw notRunning();
        }
        return r;
    }

    /** The state, if running (for calls with a harmless answer while not running, e.g. {@code maxBatch}). */
    protected final Optional<R> current() {
        return Optional.ofNullable(running);
    }

    /** The webhook answer while an instance is not running: 503, so the vendor tries again. */
    public static WebhookRejectedException notRunning() {
        return new WebhookRejectedException(503, "instance is not running");
    }

    private void stopPolling() {
        List<PollHandle> handles;
        synchronized (polled) {
            handles = List.copyOf(polled);
            polled.clear();
        }
        for (PollHandle h : handles) {
            try {
                h.stop();
            } catch (RuntimeException e) {
                LOG.warn("{}: polled source {} did not stop cleanly: {}", getClass().getSimpleName(), h.name(),
                        e.toString());
            }
        }
    }
}
