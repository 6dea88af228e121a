package dev.omnibridge.hub.polling;

import dev.omnibridge.hub.cluster.Cluster;
import dev.omnibridge.hub.cluster.Fence;
import dev.omnibridge.hub.cluster.LeaseListener;
import dev.omnibridge.hub.cluster.LeaseView;
import dev.omnibridge.hub.cluster.Leases;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.PollHandle;
import dev.omnibridge.spi.PollSchedule;
import dev.omnibridge.spi.PolledSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Every polled source the hub runs, by instance: the one place that starts and stops them and that {@code /health}
 * asks how they do.
 *
 * <p>Issue 25: each source runs on exactly one node of a cluster. Every node wants the source's leader lease
 * {@code poll:<instance>:<name>}; the node that acquires it starts a {@link PollLoop} carrying the lease's
 * {@link Fence}, and stops it when the lease is lost. The loop's stores check the fence in their transaction, so a
 * node that lost the lease (paused, cut off) cannot store what it polled. A hub on its own holds every lease at once,
 * so its sources start as before.
 */
public final class Pollers {
    private static final Logger LOG = LoggerFactory.getLogger(Pollers.class);
    /** Source names appear in thread names and {@code /health}: short and plain. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Stores a polled result with the fence of the lease it was polled under, in one transaction (issue 25). */
    @FunctionalInterface
    public interface FencedStore {
        CompletionStage<?> submit(Inbound inbound, Fence fence);
    }

    private final Map<String, Map<String, Leader>> byInstance = new LinkedHashMap<>();
    private final Backoff backoff;
    private volatile Cluster cluster = Cluster.single(null);

    public Pollers() {
        this(new Backoff(() -> ThreadLocalRandom.current().nextDouble()));
    }

    Pollers(Backoff backoff) {
        this.backoff = backoff;
    }

    /** The cluster whose leases decide which node polls (set once at start-up, before any source starts). */
    public void cluster(Cluster cluster) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    public Leases leases() {
        return cluster.leases();
    }

    /** The lease of a polled source. */
    public static String leaseName(String instanceId, String name) {
        return "poll:" + instanceId + ":" + name;
    }

    /** Starts polling {@code source}, storing through {@code context.submit} (no fence). */
    public PollHandle start(String instanceId, String name, PolledSource source, PollSchedule schedule,
                            ConnectorContext context, Clock clock) {
        return start(instanceId, name, source, schedule, context, clock, (inbound, fence) -> context.submit(inbound));
    }

    /**
     * Starts polling {@code source} for an instance, on a thread of its own whose context class loader is the
     * caller's (the plugin's, while the connector starts), whenever this node holds the source's lease. The handle
     * stays valid across leases gained and lost; its {@code stop()} stops wanting the lease.
     *
     * @throws IllegalArgumentException a bad name, or a source of that name already runs for the instance
     */
    public PollHandle start(String instanceId, String name, PolledSource source, PollSchedule schedule,
                            ConnectorContext context, Clock clock, FencedStore store) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(schedule, "schedule");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a polled source's name is 1-64 letters, digits, '.', '_' or '-'");
        }
        Leader leader;
        synchronized (byInstance) {
            Map<String, Leader> leaders = byInstance.computeIfAbsent(instanceId, k -> new LinkedHashMap<>());
            if (leaders.containsKey(name)) {
                throw new IllegalArgumentException("a polled source named '" + name + "' already runs for "
                        + instanceId);
            }
            leader = new Leader(instanceId, name, source, schedule, context, clock, store,
                    Thread.currentThread().getContextClassLoader(), cluster);
            leaders.put(name, leader);
        }
        leader.want();
        return leader;
    }

    /** Stops every source of the instance, each waiting for a result being stored. */
    public void stopAll(String instanceId) {
        List<Leader> leaders;
        synchronized (byInstance) {
            Map<String, Leader> m = byInstance.get(instanceId);
            leaders = m == null ? List.of() : new ArrayList<>(m.values());
        }
        leaders.forEach(Leader::stop);
    }

    /** How the instance's sources do, in the order they started; empty for an instance that polls nothing. */
    public List<PollerHealth> health(String instanceId) {
        List<Leader> leaders;
        synchronized (byInstance) {
            Map<String, Leader> m = byInstance.get(instanceId);
            leaders = m == null ? List.of() : new ArrayList<>(m.values());
        }
        if (leaders.isEmpty()) {
            return List.of();
        }
        Map<String, String> holders = leaders.stream().anyMatch(l -> !l.polling()) ? holders() : Map.of();
        return leaders.stream().map(l -> l.health(holders)).toList();
    }

    /** Who holds each lease the store knows (asked only when a source stands by here). */
    private Map<String, String> holders() {
        Map<String, String> m = new java.util.HashMap<>();
        try {
            for (LeaseView v : cluster.leases().all()) {
                if (v.holder() != null) {
                    m.put(v.name(), v.holder());
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Reading the leases failed: {}", e.getMessage());
        }
        return m;
    }

    private void forget(String instanceId, String name, Leader leader) {
        synchronized (byInstance) {
            Map<String, Leader> m = byInstance.get(instanceId);
            if (m != null) {
                m.remove(name, leader);
                if (m.isEmpty()) {
                    byInstance.remove(instanceId);
                }
            }
        }
    }

    /** One source as the connector sees it: polled here while this node holds its lease. */
    private final class Leader implements PollHandle, LeaseListener {
        private final String instanceId;
        private final String name;
        private final PolledSource source;
        private final PollSchedule schedule;
        private final ConnectorContext context;
        private final Clock clock;
        private final FencedStore store;
        private final ClassLoader loader;
        private final Cluster cluster;
        private final String lease;
        private Leases.Wanted wanted;    // guarded by this
        private PollLoop loop;           // guarded by this; the latest loop (running, or ended)
        private boolean stopped;         // guarded by this

        Leader(String instanceId, String name, PolledSource source, PollSchedule schedule, ConnectorContext context,
               Clock clock, FencedStore store, ClassLoader loader, Cluster cluster) {
            this.instanceId = instanceId;
            this.name = name;
            this.source = source;
            this.schedule = schedule;
            this.context = context;
            this.clock = clock;
            this.store = store;
            this.loader = loader;
            this.cluster = cluster;
            this.lease = leaseName(instanceId, name);
        }

        void want() {
            // A single node acquires at once, inside want(), so the loop runs before start() returns, as before.
            Leases.Wanted w = cluster.leases().want(lease, this);
            boolean late;
            synchronized (this) {
                late = stopped;
                wanted = w;
            }
            if (late) {
                w.close();
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void acquired(Fence fence) {
            synchronized (this) {
                if (stopped) {
                    return;
                }
                PollLoop before = loop;
                if (before != null && !before.stopped()) {
                    before.halt();   // a loop under an older fence: it ends before the new one polls
                }
                loop = new PollLoop(instanceId, name, source, schedule, context, clock, backoff, () -> { }, fence,
                        cluster.enabled() ? cluster.leases() : null, store, before == null ? null : before.thread());
                loop.start(loader);
            }
            if (cluster.enabled()) {
                LOG.info("Instance {}: polling {} here (lease token {})", instanceId, name, fence.token());
            }
        }

        @Override
        public void lost(Fence fence) {
            PollLoop current;
            synchronized (this) {
                current = loop;
            }
            if (current != null) {
                // Without waiting: the lease thread must not block on a store (which the fence refuses anyway).
                current.halt();
            }
            if (cluster.enabled()) {
                LOG.info("Instance {}: polling {} stops here (lease token {} lost)", instanceId, name,
                        fence.token());
            }
        }

        /** Stops wanting the lease and waits for the loop (a result being stored is stored first). */
        @Override
        public void stop() {
            Leases.Wanted w;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                stopped = true;
                w = wanted;
            }
            if (w != null) {
                w.close();
            }
            PollLoop last;
            synchronized (this) {
                last = loop;
            }
            if (last != null) {
                last.stop();
            }
            forget(instanceId, name, this);
        }

        synchronized boolean polling() {
            return loop != null && !loop.stopped() && !stopped;
        }

        PollerHealth health(Map<String, String> holders) {
            PollLoop current;
            boolean active;
            synchronized (this) {
                current = loop;
                active = polling();
            }
            if (active) {
                PollerHealth h = current.health();
                return cluster.enabled() ? h.heldBy(cluster.nodeId()) : h;
            }
            if (current != null && !cluster.enabled()) {
                return current.health();
            }
            return PollerHealth.standby(name, holders.get(lease));
        }
    }
}
