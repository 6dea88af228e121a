package dev.omnibridge.hub.polling;

import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.PollHandle;
import dev.omnibridge.spi.PollSchedule;
import dev.omnibridge.spi.PolledSource;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Every polled source the hub runs, by instance: the one place that starts and stops them (so a cluster can later
 * run them on one node only, issue 25) and that {@code /health} asks how they do.
 */
public final class Pollers {
    /** Source names appear in thread names and {@code /health}: short and plain. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Map<String, Map<String, PollLoop>> byInstance = new LinkedHashMap<>();
    private final Backoff backoff;

    public Pollers() {
        this(new Backoff(() -> ThreadLocalRandom.current().nextDouble()));
    }

    Pollers(Backoff backoff) {
        this.backoff = backoff;
    }

    /**
     * Starts polling {@code source} for an instance, on a thread of its own whose context class loader is the
     * caller's (the plugin's, while the connector starts).
     *
     * @throws IllegalArgumentException a bad name, or a source of that name already runs for the instance
     */
    public PollHandle start(String instanceId, String name, PolledSource source, PollSchedule schedule,
                            ConnectorContext context, Clock clock) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(schedule, "schedule");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a polled source's name is 1-64 letters, digits, '.', '_' or '-'");
        }
        PollLoop loop;
        synchronized (byInstance) {
            Map<String, PollLoop> loops = byInstance.computeIfAbsent(instanceId, k -> new LinkedHashMap<>());
            if (loops.containsKey(name)) {
                throw new IllegalArgumentException("a polled source named '" + name + "' already runs for "
                        + instanceId);
            }
            loop = new PollLoop(instanceId, name, source, schedule, context, clock, backoff,
                    () -> forget(instanceId, name));
            loops.put(name, loop);
        }
        loop.start(Thread.currentThread().getContextClassLoader());
        return loop;
    }

    /** Stops every source of the instance, each waiting for a result being stored. */
    public void stopAll(String instanceId) {
        List<PollLoop> loops;
        synchronized (byInstance) {
            Map<String, PollLoop> m = byInstance.get(instanceId);
            loops = m == null ? List.of() : new ArrayList<>(m.values());
        }
        loops.forEach(PollLoop::stop);
    }

    /** How the instance's sources do, in the order they started; empty for an instance that polls nothing. */
    public List<PollerHealth> health(String instanceId) {
        synchronized (byInstance) {
            Map<String, PollLoop> m = byInstance.get(instanceId);
            return m == null ? List.of() : m.values().stream().map(PollLoop::health).toList();
        }
    }

    private void forget(String instanceId, String name) {
        synchronized (byInstance) {
            Map<String, PollLoop> m = byInstance.get(instanceId);
            if (m != null) {
                m.remove(name);
                if (m.isEmpty()) {
                    byInstance.remove(instanceId);
                }
            }
        }
    }
}
