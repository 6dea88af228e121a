package dev.omnibridge.hub.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A hub node in a cluster sharing one PostgreSQL store ({@code hub.cluster.enabled}): its leases are rows of
 * {@code cluster_leases}, its presence a row of {@code cluster_nodes} (see {@link LeaseStore}, {@link NodeHeartbeat}).
 *
 * <p>One daemon thread per node ({@code omnibridge-cluster}) does all of it, so listeners hear one event at a time:
 * <ul>
 *   <li>every ttl/3 it beats the node's heartbeat and renews its leases, one row per statement (see
 *   {@code LeaseStore.renew}; a lease not renewed is lost: its listener hears {@link LeaseListener#lost});</li>
 *   <li>every second (and at once after a {@link #want}) it takes free or expired leases it wants while it holds
 *   fewer than its fair share, {@code ceil(wanted / live nodes)}; a node over its share (a node joined) gives up a
 *   few extras per second, only while no wanted lease is left free, so that work never waits for a taker that is
 *   not there;</li>
 *   <li>a lease it could not renew is dropped locally once its local deadline passes (renewal start + ttl - a
 *   margin), before the store lets another node take it.</li>
 * </ul>
 * Times are the database's ({@code clock_timestamp()}) except {@link #stillHeld}, which uses this node's monotonic
 * clock against the deadline of the last successful renewal. Each acquisition increments the lease's fencing token;
 * {@link #verify} checks it in the transaction that stores the work. {@link #close} (a graceful stop) gives up every
 * lease at once and marks the node stopping, so the others take over within a second.
 */
public final class PostgresCluster implements Cluster, Leases {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCluster.class);
    private static final long ACQUIRE_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final DataSource dataSource;
    private final String nodeId;
    private final Duration ttl;
    private final Bus bus;
    private final LeaseStore store;
    private final NodeHeartbeat heartbeat;
    private final long ttlNanos;
    private final long marginNanos;
    private final long renewPeriodNanos;
    private final Map<String, Want> wants = new ConcurrentHashMap<>();
    private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final Set<String> rowsToEnsure = new HashSet<>(); // lease thread only
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean halted;
    private volatile Supplier<String> health = () -> null;
    private volatile int liveNodes = 1;
    private boolean acquireSoon; // lease thread only
    private long lastFailureLog; // lease thread only

    /** A lease this node wants; fence and deadline written by the lease thread only. */
    private static final class Want implements Wanted {
        final String name;
        final LeaseListener listener;
        final PostgresCluster cluster;
        volatile Fence fence;
        volatile long heldUntilNanos;

        Want(String name, LeaseListener listener, PostgresCluster cluster) {
            this.name = name;
            this.listener = listener;
            this.cluster = cluster;
        }

        @Override
        public void close() {
            cluster.commands.add(() -> cluster.unwant(this));
        }
    }

    /**
     * Registers this node (its heartbeat row) and starts its lease thread.
     *
     * @param bus     the node's bus to the others (closed with the cluster when it is {@link AutoCloseable})
     * @param version the hub's version, shown in the node list (may be null)
     * @param metrics where {@code omnibridge_cluster_leases_held} and {@code omnibridge_cluster_nodes_live} go
     *                (null: nowhere)
     */
    public static PostgresCluster start(DataSource dataSource, ClusterConfig config, Bus bus, String version,
                                        MeterRegistry metrics) throws SQLException {
        return new PostgresCluster(dataSource, config.nodeId(), config.leaseTtl(),
                config.advertisedUrl() == null ? null : config.advertisedUrl().toString(), version, bus, metrics);
    }

    PostgresCluster(DataSource dataSource, String nodeId, Duration ttl, String advertisedUrl, String version, Bus bus,
                    MeterRegistry metrics) throws SQLException {
        if (nodeId == null || !ClusterSection.NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("hub.cluster.nodeId must be 1-64 letters, digits, '.', '_' or '-'");
        }
        this.dataSource = dataSource;
        this.nodeId = nodeId;
        this.ttl = ttl;
        this.bus = bus;
        this.ttlNanos = ttl.toNanos();
        this.marginNanos = Math.min(MAX_MARGIN_NANOS, ttlNanos / 4);
        this.renewPeriodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(100), ttlNanos / 3);
        this.store = new LeaseStore(dataSource, nodeId, ttl);
        this.heartbeat = new NodeHeartbeat(dataSource, nodeId, ttl, advertisedUrl, version);
        if (heartbeat.start(null)) {
            LOG.warn("Cluster node id {} was live a moment ago: either its previous process died, or another "
                    + "running node has the same hub.cluster.nodeId (each node needs its own)", nodeId);
        }
        // A new process holds nothing yet: leases its id still holds are a dead process's, given up so that the
        // next acquisition (this node's or another's) gets a new token.
        int stale = store.releaseAll();
        if (stale > 0) {
            LOG.info("Cluster node {} gave up {} lease(s) left by its previous process", nodeId, stale);
        }
        this.liveNodes = heartbeat.live();
        if (metrics != null) {
            Gauge.builder("omnibridge.cluster.leases.held", wants,
                    w -> w.values().stream().filter(x -> x.fence != null).count())
                    .description("Leases this node holds (shards, pollers, timers)").register(metrics);
            Gauge.builder("omnibridge.cluster.nodes.live", this, c -> c.liveNodes)
                    .description("Nodes whose heartbeat is within the lease ttl").register(metrics);
        }
        this.thread = new Thread(this::loop, "omnibridge-cluster");
        this.thread.setDaemon(true);
        this.thread.start();
        LOG.info("Cluster node {} started (lease ttl {} ms, {} live node(s))", nodeId, ttl.toMillis(), liveNodes);
    }

    /** The health summary (short JSON) written with each heartbeat, for the console on the other nodes. */
    public void health(Supplier<String> health) {
        this.health = health == null ? () -> null : health;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Leases leases() {
        return this;
    }

    @Override
    public Bus bus() {
        return bus;
    }

    public Duration leaseTtl() {
        return ttl;
    }

    @Override
    public List<NodeView> nodes() {
        try {
            return heartbeat.nodes();
        } catch (SQLException e) {
            LOG.warn("Reading the cluster's nodes failed: {}", e.getMessage());
            return List.of();
        }
    }

    @Override
    public List<LeaseView> all() {
        try {
            return store.all();
        } catch (SQLException e) {
            LOG.warn("Reading the cluster's leases failed: {}", e.getMessage());
            return List.of();
        }
    }

    @Override
    public Wanted want(String name, LeaseListener listener) {
        if (name == null || name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("a lease name has 1-200 characters");
        }
        Want w = new Want(name, listener, this);
        commands.add(() -> {
            Want old = wants.put(name, w);
            if (old != null) {
                giveUp(old); // the same work wanted again (e.g. after a reload): the old listener stops first
            }
            rowsToEnsure.add(name);
            acquireSoon = true;
        });
        return w;
    }

    @Override
    public void verify(Connection c, Fence fence) throws SQLException {
        if (fence == null || fence.none()) {
            return;
        }
        if (!LeaseStore.holds(c, fence)) {
            throw new LeaseLost(fence);
        }
    }

    @Override
    public boolean stillHeld(Fence fence) {
        if (fence == null || fence.none()) {
            return true;
        }
        Want w = wants.get(fence.name());
        return w != null && fence.equals(w.fence) && System.nanoTime() - w.heldUntilNanos < 0;
    }

    /** The names of the leases this node holds now (by its own view). */
    public List<String> held() {
        List<String> names = new ArrayList<>();
        wants.values().forEach(w -> {
            if (w.fence != null) {
                names.add(w.name);
            }
        });
        Collections.sort(names);
        return names;
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        commands.add(() -> { });
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(ttlNanos) + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (bus instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Closing the cluster bus failed: {}", e.getMessage());
            }
        }
    }

    // ---- the lease thread ----

    private void loop() {
        long nextRenew = System.nanoTime() + renewPeriodNanos;
        long nextAcquire = System.nanoTime();
        while (running) {
            try {
                long now = System.nanoTime();
                long wait = Math.max(0, Math.min(nextRenew, nextAcquire) - now);
                Runnable command = acquireSoon ? commands.poll() : commands.poll(wait, TimeUnit.NANOSECONDS);
                while (command != null) {
                    command.run();
                    command = commands.poll();
                }
                if (!running) {
                    break;
                }
                now = System.nanoTime();
                if (now - nextRenew >= 0) {
                    renew();
                    nextRenew = now + renewPeriodNanos;
                }
                dropExpired();
                if (acquireSoon || now - nextAcquire >= 0) {
                    acquireSoon = false;
                    share();
                    nextAcquire = System.nanoTime() + ACQUIRE_PERIOD_NANOS;
                }
            } catch (InterruptedException e) {
                break;
            } catch (SQLException | RuntimeException e) {
                failed(e);
            }
        }
        if (!halted) {
            stop();
        }
    }

    private void renew() throws SQLException {
        long start = System.nanoTime();
        heartbeat.beat(healthSummary());
        Map<String, Long> renewed = store.renew();
        for (Want w : wants.values()) {
            Fence f = w.fence;
            if (f == null) {
                continue;
            }
            Long token = renewed.remove(w.name);
            if (token != null && token == f.token()) {
                w.heldUntilNanos = start + ttlNanos - marginNanos;
            } else {
                LOG.warn("Cluster node {} lost lease {} (token {}): it was not renewed in time", nodeId, w.name,
                        f.token());
                lose(w);
            }
        }
        // Held in the store but by nobody here (no longer wanted, or a give-up that failed): let it go.
        for (Map.Entry<String, Long> e : renewed.entrySet()) {
            store.release(e.getKey(), e.getValue());
        }
    }

    /** Leases whose renewal failed until past their local deadline: stop their work before others take them. */
    private void dropExpired() {
        long now = System.nanoTime();
        for (Want w : wants.values()) {
            if (w.fence != null && now - w.heldUntilNanos >= 0) {
                LOG.warn("Cluster node {} dropped lease {}: it could not be renewed (store unreachable?)", nodeId,
                        w.name);
                lose(w);
            }
        }
    }

    /** Takes free leases up to this node's fair share, or gives a few up when over it. */
    private void share() throws SQLException {
        if (!rowsToEnsure.isEmpty()) {
            store.ensure(rowsToEnsure);
            rowsToEnsure.clear();
        }
        if (wants.isEmpty()) {
            return;
        }
        int live = heartbeat.live();
        liveNodes = live;
        int fair = (wants.size() + live - 1) / live;
        Map<String, LeaseStore.Row> rows = store.scan();
        List<Want> free = new ArrayList<>();
        List<Want> held = new ArrayList<>();
        for (Want w : wants.values()) {
            if (w.fence != null) {
                held.add(w);
            } else {
                LeaseStore.Row row = rows.get(w.name);
                if (row == null) {
                    rowsToEnsure.add(w.name);
                } else if (row.free()) {
                    free.add(w);
                }
            }
        }
        if (held.size() < fair) {
            Collections.shuffle(free); // nodes starting together then rarely race for the same rows
            for (Want w : free) {
                if (held.size() >= fair || !running) {
                    break;
                }
                long start = System.nanoTime();
                long token = store.acquire(w.name);
                if (token > 0) {
                    Fence fence = new Fence(w.name, nodeId, token);
                    w.heldUntilNanos = start + ttlNanos - marginNanos;
                    w.fence = fence;
                    held.add(w);
                    LOG.info("Cluster node {} acquired lease {} (token {})", nodeId, w.name, token);
                    try {
                        w.listener.acquired(fence);
                    } catch (RuntimeException e) {
                        LOG.error("Starting the work of lease {} failed", w.name, e);
                    }
                }
            }
        } else if (held.size() > fair && free.isEmpty()) {
            int extra = Math.min(held.size() - fair, Math.max(1, fair / 4));
            Collections.shuffle(held);
            for (Want w : held.subList(0, extra)) {
                LOG.info("Cluster node {} gives up lease {} ({} held, fair share {} of {} live node(s))", nodeId,
                        w.name, held.size(), fair, live);
                giveUp(w);
            }
        }
    }

    private void unwant(Want w) {
        if (wants.remove(w.name, w)) {
            giveUp(w);
        }
    }

    /** Stops the lease's work here, then lets it go in the store so another node takes it at once. */
    private void giveUp(Want w) {
        Fence f = w.fence;
        if (f == null) {
            return;
        }
        lose(w);
        try {
            store.release(f.name(), f.token());
        } catch (SQLException e) {
            LOG.warn("Giving up lease {} failed ({}); it expires by itself", f.name(), e.getMessage());
        }
    }

    private void lose(Want w) {
        Fence f = w.fence;
        if (f == null) {
            return;
        }
        w.fence = null;
        w.heldUntilNanos = 0;
        try {
            w.listener.lost(f);
        } catch (RuntimeException e) {
            LOG.error("Stopping the work of lease {} failed", w.name, e);
        }
    }

    /** The end of the lease thread: a graceful stop gives every lease up at once. */
    private void stop() {
        Runnable command;
        while ((command = commands.poll()) != null) {
            command.run();
        }
        wants.values().forEach(this::lose);
        try {
            int released = store.releaseAll();
            heartbeat.stopping();
            LOG.info("Cluster node {} stopped; gave up {} lease(s)", nodeId, released);
        } catch (SQLException e) {
            LOG.warn("Cluster node {} could not give up its leases ({}); they expire within {} ms", nodeId,
                    e.getMessage(), ttl.toMillis());
        }
    }

    private String healthSummary() {
        try {
            return health.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void failed(Exception e) {
        long now = System.nanoTime();
        if (now - lastFailureLog > TimeUnit.SECONDS.toNanos(10) || lastFailureLog == 0) {
            lastFailureLog = now;
            LOG.warn("Cluster node {}: lease work failed: {}", nodeId, e.getMessage());
        }
        try {
            Thread.sleep(100);
        } catch (InterruptedException ie) {
            running = false;
        }
    }

    /** A test's stand-in for SIGKILL: the lease thread stops without giving anything up or saying goodbye. */
    void halt() {
        halted = true;
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
