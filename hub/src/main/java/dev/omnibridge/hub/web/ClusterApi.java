package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.hub.cluster.BusStatus;
import dev.omnibridge.hub.cluster.Cluster;
import dev.omnibridge.hub.cluster.LeaseView;
import dev.omnibridge.hub.cluster.NodeView;
import dev.omnibridge.hub.runtime.ConnectorInstance;
import dev.omnibridge.hub.runtime.InstanceManager;
import dev.omnibridge.hub.runtime.InstanceState;
import dev.omnibridge.model.json.CanonicalJson;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 25: {@code GET /api/cluster}, the nodes sharing the store (alive or stale, each with the health it last
 * reported) and every lease with its holder, as any node sees them; and this node's part of {@code /health}
 * ({@link #health()}: its id, the leases it holds, whether its bus hears the others). A hub on its own is a cluster
 * of one: itself and its own leases. Mounted behind {@link HttpApi}'s admin authorisation (everyone reads it, as
 * the instances).
 */
public final class ClusterApi {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterApi.class);
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();

    private final Cluster cluster;
    private final Clock clock;

    public ClusterApi(Cluster cluster, Clock clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler checks the caller first. */
    public void mount(Router router, HttpApi api) {
        router.get("/api/cluster").handler(ctx -> api.offload(ctx, () -> cluster(ctx)));
    }

    private void cluster(RoutingContext ctx) {
        HttpApi.json(ctx, 200, view());
    }

    /** The body of {@code GET /api/cluster}: this node's id, the nodes the store knows and every lease. */
    public Map<String, Object> view() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("nodeId", cluster.nodeId());
        body.put("enabled", cluster.enabled());
        body.put("now", clock.instant().toString());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeView n : cluster.nodes()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("nodeId", n.nodeId());
            node.put("self", n.nodeId().equals(cluster.nodeId()));
            node.put("startedAt", text(n.startedAt()));
            node.put("heartbeatAt", text(n.heartbeatAt()));
            node.put("alive", n.alive());
            node.put("stopping", n.stopping());
            node.put("advertisedUrl", n.advertisedUrl());
            node.put("version", n.version());
            node.put("health", health(n.health()));
            nodes.add(node);
        }
        body.put("nodes", nodes);
        List<Map<String, Object>> leases = new ArrayList<>();
        for (LeaseView l : cluster.leases().all()) {
            Map<String, Object> lease = new LinkedHashMap<>();
            lease.put("name", l.name());
            lease.put("kind", kind(l.name()));
            lease.put("holder", l.holder());
            lease.put("token", l.token());
            lease.put("acquiredAt", text(l.acquiredAt()));
            lease.put("expiresAt", text(l.expiresAt()));
            leases.add(lease);
        }
        body.put("leases", leases);
        return body;
    }

    /**
     * The short health this node writes with each heartbeat, shown by every node's console: its status as its own
     * {@code /health} says it ({@code status}: UP, DOWN or STARTING), its instances running of those enabled, and
     * its cluster part. Never fails: a part that cannot be read is left out.
     */
    public String nodeSummary(InstanceManager instances) {
        Map<String, Object> summary = new LinkedHashMap<>();
        try {
            int enabled = 0;
            int running = 0;
            for (ConnectorInstance i : instances.instances()) {
                if (i.enabled()) {
                    enabled++;
                    running += i.state() == InstanceState.RUNNING ? 1 : 0;
                }
            }
            summary.put("status", instances.startingUp() ? "STARTING" : running == enabled ? "UP" : "DOWN");
            summary.put("instancesRunning", running);
            summary.put("instancesEnabled", enabled);
            Map<String, Object> part = health();
            summary.put("leasesHeld", part.get("leasesHeld"));
            summary.put("bus", part.get("bus"));
            return JSON.writeValueAsString(summary);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * This node's part of {@code /health}: stays per node (the load balancer asks each node), never fails the
     * health check itself; a store that cannot be read shows as {@code leasesHeld: null} with an error.
     */
    public Map<String, Object> health() {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("nodeId", cluster.nodeId());
        part.put("enabled", cluster.enabled());
        try {
            Instant now = clock.instant();
            List<String> held = cluster.leases().all().stream()
                    .filter(l -> cluster.nodeId().equals(l.holder()))
                    .filter(l -> l.expiresAt() == null || l.expiresAt().isAfter(now))
                    .map(LeaseView::name).toList();
            part.put("leasesHeld", held.size());
            part.put("shards", held.stream().filter(n -> n.startsWith("shard:")).count());
            // Pollers and timers by name (few); shares of the deliveries only counted (up to hub.cluster.shards).
            part.put("leases", held.stream().filter(n -> !n.startsWith("shard:")).toList());
        } catch (RuntimeException e) {
            LOG.warn("Cluster health: the leases could not be read: {}", e.getClass().getSimpleName());
            part.put("leasesHeld", null);
            part.put("error", "leases could not be read");
        }
        part.put("bus", !cluster.enabled() ? "single" : cluster.bus() instanceof BusStatus s
                ? (s.isUp() ? "up" : "down") : "unknown");
        return part;
    }

    /** {@code shard}, {@code poll}, {@code timer}, ... : the part of a lease's name before its first colon. */
    static String kind(String name) {
        int colon = name.indexOf(':');
        return colon > 0 ? name.substring(0, colon) : "other";
    }

    /** A node's reported health: JSON as the node wrote it, or its text when it is not JSON. */
    private static Object health(String reported) {
        if (reported == null || reported.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(reported);
            return node != null && node.isObject() ? node : reported;
        } catch (Exception e) {
            return reported;
        }
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
