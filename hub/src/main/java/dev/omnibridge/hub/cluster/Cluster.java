package dev.omnibridge.hub.cluster;

import java.util.List;

/**
 * What a hub node knows of the cluster it belongs to. A hub on its own is a cluster of one ({@link #single}): it
 * holds every lease at once and its bus is silent, so features are written once, lease-aware, for both.
 */
public interface Cluster extends AutoCloseable {
    String nodeId();

    /** Several nodes may share the store. */
    boolean enabled();

    Leases leases();

    Bus bus();

    /** The nodes the store knows (alive or recently gone), this one included. */
    List<NodeView> nodes();

    /** A graceful stop: gives up this node's leases at once so that others take over without waiting. */
    @Override
    void close();

    /** A hub on its own. */
    static Cluster single(String nodeId) {
        return new SingleNode(nodeId);
    }
}
