package dev.omnibridge.hub.cluster;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A hub on its own: every lease is its own at once (token 0, nothing to check) and nobody hears its bus. */
final class SingleNode implements Cluster, Leases {
    private final String nodeId;
    private final Instant startedAt = Instant.now();
    private final Map<String, LeaseListener> held = new ConcurrentHashMap<>();
    private final Bus bus = new NoBus();

    SingleNode(String nodeId) {
        this.nodeId = nodeId == null || nodeId.isBlank() ? "local" : nodeId;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean enabled() {
        return false;
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
        Instant now = Instant.now();
        return List.of(new NodeView(nodeId, startedAt, now, true, false, null, null, null));
    }

    @Override
    public void close() {
        for (String name : new ArrayList<>(held.keySet())) {
            LeaseListener listener = held.remove(name);
            if (listener != null) {
                listener.lost(Fence.NONE);
            }
        }
    }

    @Override
    public Wanted want(String name, LeaseListener listener) {
        held.put(name, listener);
        listener.acquired(Fence.NONE);
        return () -> {
            if (held.remove(name, listener)) {
                listener.lost(Fence.NONE);
            }
        };
    }

    @Override
    public void verify(Connection c, Fence fence) {
        // Nobody else can hold a lease.
    }

    @Override
    public boolean stillHeld(Fence fence) {
        return true;
    }

    @Override
    public List<LeaseView> all() {
        return held.keySet().stream().sorted().map(n -> new LeaseView(n, nodeId, 0, startedAt, null)).toList();
    }
}
