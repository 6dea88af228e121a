package dev.omnibridge.hub.runtime;

import dev.omnibridge.spi.Connector;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** One configured instance at run time: its connector (when it could be created) and its observable state. */
public final class ConnectorInstance {
    private final String id;
    private final String type;
    private final boolean enabled;
    private volatile InstanceState state = InstanceState.STOPPED;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile Instant lastMessageAt;
    private final Map<String, Quota> quotas = new TreeMap<>();
    volatile Connector connector;
    volatile HubConnectorContext context;
    volatile ClassLoader classLoader;
    // Issue 24: set while the instance is being stopped for a plugin swap or a reload: new vendor requests are
    // answered 503 with Retry-After, those already inside the connector (counted in calls) finish first.
    private volatile boolean draining;
    private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    ConnectorInstance(String id, String type, boolean enabled) {
        this.id = id;
        this.type = type;
        this.enabled = enabled;
    }

    public String id() {
        return id;
    }

    public String type() {
        return type;
    }

    public boolean enabled() {
        return enabled;
    }

    public InstanceState state() {
        return state;
    }

    public String lastError() {
        return lastError;
    }

    /** When the last problem or start failure happened; kept after it is resolved. */
    public Instant lastErrorAt() {
        return lastErrorAt;
    }

    public Instant lastMessageAt() {
        return lastMessageAt;
    }

    /**
     * What this channel instance can carry ({@link dev.omnibridge.spi.ChannelConnector#capabilities}) while it runs;
     * empty for a desk or an instance that is not running. A channel that fails to say is taken as declaring nothing
     * ({@link dev.omnibridge.spi.ChannelCapabilities#undeclared()}): its messages go as they are, options numbered.
     */
    public java.util.Optional<dev.omnibridge.spi.ChannelCapabilities> capabilities() {
        if (state != InstanceState.RUNNING || !(connector instanceof dev.omnibridge.spi.ChannelConnector channel)) {
            return java.util.Optional.empty();
        }
        try {
            var declared = InstanceManager.withLoader(classLoader, channel::capabilities);
            return java.util.Optional.of(declared == null ? dev.omnibridge.spi.ChannelCapabilities.undeclared()
                    : declared);
        } catch (Exception | LinkageError e) {
            return java.util.Optional.of(dev.omnibridge.spi.ChannelCapabilities.undeclared());
        }
    }

    void state(InstanceState state) {
        this.state = state;
        if (state == InstanceState.RUNNING) {
            this.lastError = null;
        }
    }

    void failed(String reason, Instant at) {
        this.state = InstanceState.FAILED;
        problem(reason, at);
    }

    synchronized void problem(String error, Instant at) {
        this.lastError = error;
        this.lastErrorAt = at;
    }

    /**
     * The instance has worked again: its reported problem is over. A start failure stays until the next start.
     *
     * @return whether there was a problem to clear
     */
    synchronized boolean recovered() {
        if (lastError == null || state == InstanceState.FAILED) {
            return false;
        }
        lastError = null;
        return true;
    }

    /**
     * Like {@link #recovered()}, for work that began at {@code started} and succeeded: a problem reported while it
     * ran (e.g. by a parallel delivery) is newer news than this success and stays.
     */
    synchronized boolean recoveredSince(Instant started) {
        // Equal instants (a coarse clock) count as before: a stale error is worse than a missed one, which is logged.
        return lastErrorAt != null && !lastErrorAt.isAfter(started) && recovered();
    }

    /**
     * A vendor's API budget as the connector last reported it ({@code ConnectorContext.reportQuota}).
     *
     * @param at when it was reported
     */
    public record Quota(long remaining, long limit, Instant at) {
    }

    /** Quota names are metric labels: short, fixed, lower case. */
    static final Pattern QUOTA_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** A bound on labels per instance, so a connector bug cannot flood the metrics. */
    static final int MAX_QUOTAS = 8;

    /** The quotas reported so far, by name. */
    public synchronized Map<String, Quota> quotas() {
        return Map.copyOf(quotas);
    }

    /** Records a reported quota; false when the name is not acceptable or one name too many. */
    synchronized boolean quota(String name, Quota quota) {
        if (name == null || !QUOTA_NAME.matcher(name).matches()
                || (!quotas.containsKey(name) && quotas.size() >= MAX_QUOTAS)) {
            return false;
        }
        quotas.put(name, quota);
        return true;
    }

    boolean draining() {
        return draining;
    }

    void draining(boolean on) {
        this.draining = on;
    }

    /** A vendor request enters the connector; false (and not counted) when the instance is draining. */
    boolean enter() {
        calls.incrementAndGet();
        if (draining) {
            exit();
            return false;
        }
        return true;
    }

    void exit() {
        if (calls.decrementAndGet() == 0) {
            synchronized (calls) {
                calls.notifyAll();
            }
        }
    }

    /** Waits (bounded) until no vendor request is inside the connector; call with draining set. */
    boolean awaitNoCalls(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (calls) {
            while (calls.get() > 0) {
                long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                calls.wait(Math.min(left, 50));
            }
        }
        return true;
    }

    /** Stopped or paused on purpose, with the reason shown in /health (a removed plugin, a swap under way). */
    void stoppedBecause(InstanceState state, String reason, Instant at) {
        this.state = state;
        problem(reason, at);
    }

    void messageSeen(Instant at) {
        this.lastMessageAt = at;
    }
}
