package dev.omnibridge.hub.cluster;

import java.net.URI;
import java.time.Duration;

/**
 * {@code hub.cluster}: several hub nodes sharing one PostgreSQL store. One file for all nodes; only the node id
 * differs (usually {@code ${env:OMNIBRIDGE_NODE_ID}}).
 *
 * @param enabled       several nodes may share the store (needs PostgreSQL); false: this node is alone
 * @param nodeId        this node's name, unique in the cluster: 1-64 letters, digits, '.', '_' or '-'
 * @param leaseTtl      how long a lease (a poller, a timer, a share of the deliveries) outlives its holder's last
 *                      renewal: a dead node's work moves after at most this (plus a second)
 * @param shards        how many shares the conversations' deliveries are split into; fixed once the cluster runs
 * @param advertisedUrl where the other nodes and the console reach this node (shown in the node list); may be null
 */
public record ClusterConfig(boolean enabled, String nodeId, Duration leaseTtl, int shards, URI advertisedUrl) {
    public static final String KEY = "cluster";
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(10);
    public static final int DEFAULT_SHARDS = 64;

    public ClusterConfig {
        leaseTtl = leaseTtl == null ? DEFAULT_LEASE_TTL : leaseTtl;
        shards = shards <= 0 ? DEFAULT_SHARDS : shards;
    }

    /** One node on its own store (the default). */
    public static ClusterConfig off() {
        return new ClusterConfig(false, null, DEFAULT_LEASE_TTL, DEFAULT_SHARDS, null);
    }
}
