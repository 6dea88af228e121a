package dev.omnibridge.hub.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster the test drives: leases are granted and revoked by the test ({@link #grant}, {@link #revoke},
 * {@link #moveAway}), and {@link #verify} refuses a fence whose token is no longer the lease's current one, as the
 * store's lease rows do. Its bus is silent unless the test gives one. A test whose nodes need other leases or
 * another view of the nodes extends it and overrides those methods.
 */
public class TestCluster implements Cluster, Leases {
    private final String nodeId;
    private final Bus bus;
    private final Map<String, LeaseListener> wanted = new ConcurrentHashMap<>();
    /** Each lease's current holder and token, as the store would have them. */
    private final Map<String, Fence> current = new ConcurrentHashMap<>();
    /** What this node believes it holds (by its own clock): a paused node still believes in a lease moved away. */
    private final Map<String, Fence> believed = new ConcurrentHashMap<>();
    private final java.util.Set<String> unsure = ConcurrentHashMap.newKeySet();
    private long tokens;

    public TestCluster(String nodeId) {
        this(nodeId, new NoBus());
    }

    public TestCluster(String nodeId, Bus bus) {
        this.nodeId = nodeId;
        this.bus = bus;
    }

    /** Whether this node wants {@code name} now. */
    public boolean wants(String name) {
        return wanted.containsKey(name);
    }

    /** This node acquires {@code name}: a fresh token, the listener hears it. */
    public synchronized Fence grant(String name) {
        Fence fence = new Fence(name, nodeId, ++tokens);
        current.put(name, fence);
        believed.put(name, fence);
        LeaseListener l = wanted.get(name);
        if (l != null) {
            l.acquired(fence);
        }
        return fence;
    }

    /** This node loses {@code name} (the lease thread noticed): the listener hears it. */
    public synchronized void revoke(String name) {
        Fence fence = believed.remove(name);
        current.remove(name, fence);
        LeaseListener l = wanted.get(name);
        if (l != null && fence != null) {
            l.lost(fence);
        }
    }

    /**
     * Another node took {@code name} over while this node did not notice (it was paused): nobody tells the listener,
     * only the store refuses this node's fence from now on.
     */
    public synchronized void moveAway(String name, String otherNode) {
        current.put(name, new Fence(name, otherNode, ++tokens));
    }

    /** This node's renewal of {@code name} is late: by its own clock it is not sure it still holds it. */
    public void unsure(String name) {
        unsure.add(name);
    }

    /** The late renewal went through: sure again, same fence. */
    public void sure(String name) {
        unsure.remove(name);
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

    @Override
    public List<NodeView> nodes() {
        return List.of();
    }

    @Override
    public void close() {
    }

    @Override
    public Wanted want(String name, LeaseListener listener) {
        wanted.put(name, listener);
        return () -> {
            if (wanted.remove(name, listener)) {
                Fence fence = believed.remove(name);
                if (fence != null) {
                    current.remove(name, fence);
                    listener.lost(fence);
                }
            }
        };
    }

    @Override
    public void verify(Connection c, Fence fence) throws SQLException {
        if (fence.none()) {
            return;
        }
        if (!fence.equals(current.get(fence.name()))) {
            throw new LeaseLost(fence);
        }
    }

    @Override
    public boolean stillHeld(Fence fence) {
        // By this node's clock: a paused node does not know yet (moveAway); a revoked lease it knows.
        return fence.none() || fence.equals(believed.get(fence.name())) && !unsure.contains(fence.name());
    }

    @Override
    public List<LeaseView> all() {
        return current.values().stream().map(f -> new LeaseView(f.name(), f.holder(), f.token(), Instant.EPOCH,
                null)).toList();
    }
}
