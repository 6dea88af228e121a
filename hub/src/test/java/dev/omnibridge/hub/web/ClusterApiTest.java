package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.access.AccessConfig;
import dev.omnibridge.hub.access.Principal;
import dev.omnibridge.hub.cluster.BusStatus;
import dev.omnibridge.hub.cluster.ClusterConfig;
import dev.omnibridge.hub.cluster.Fence;
import dev.omnibridge.hub.cluster.LeaseListener;
import dev.omnibridge.hub.cluster.LeaseView;
import dev.omnibridge.hub.cluster.NodeView;
import dev.omnibridge.hub.cluster.NoBus;
import dev.omnibridge.hub.cluster.PostgresCluster;
import dev.omnibridge.hub.cluster.TestCluster;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.PostgresDatabases;
import dev.omnibridge.hub.testing.LocalHub;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25: {@code GET /api/cluster} and the cluster part of {@code /health}. A hub on its own answers as a cluster
 * of one (itself, alive, and its own leases), for every role that reads the instances; several nodes' leases are
 * counted per node for {@code /health}.
 */
class ClusterApiTest {
    private static final String TOKEN = "cluster-api-admin-token";
    private static final String VIEWER_TOKEN = "cluster-api-viewer-token-1";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    java.nio.file.Path dir;
    private Hub hub;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aHubOnItsOwnShowsItselfAsAClusterOfOneToViewersAndInItsHealth() throws Exception {
        var config = local.config(dir, LocalHub.QUICK_DELIVERY, List.of(), List.of())
                .withAccess(AccessConfig.standard().withTokens(List.of(
                        new AccessConfig.ApiToken("reporting", VIEWER_TOKEN, Principal.Role.VIEWER))))
                .withCluster(new ClusterConfig(false, "node-a", null, 0, null));
        hub = Hub.start(config);

        assertThat(local.send(local.get("/api/cluster")).statusCode()).isEqualTo(401);
        var response = local.send(local.get("/api/cluster").header("Authorization", "Bearer " + VIEWER_TOKEN));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("nodeId").asText()).isEqualTo("node-a");
        assertThat(body.path("enabled").asBoolean()).isFalse();
        assertThat(body.path("nodes")).hasSize(1);
        JsonNode self = body.path("nodes").get(0);
        assertThat(self.path("nodeId").asText()).isEqualTo("node-a");
        assertThat(self.path("self").asBoolean()).isTrue();
        assertThat(self.path("alive").asBoolean()).isTrue();
        assertThat(self.path("stopping").asBoolean()).isFalse();
        assertThat(Instant.parse(self.path("startedAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(body.path("leases").isArray()).isTrue();
        for (JsonNode lease : body.path("leases")) {
            assertThat(lease.path("holder").asText()).isEqualTo("node-a");
        }

        JsonNode health = json(local.send(local.get("/health")));
        assertThat(health.path("status").asText()).isEqualTo("UP");
        JsonNode part = health.path("cluster");
        assertThat(part.path("nodeId").asText()).isEqualTo("node-a");
        assertThat(part.path("enabled").asBoolean()).isFalse();
        assertThat(part.path("leasesHeld").asInt()).isEqualTo(body.path("leases").size());
        assertThat(part.path("bus").asText()).isEqualTo("single");
    }

    @Test
    void healthCountsOnlyTheLeasesThisNodeHoldsUnexpiredAndSaysWhetherTheBusHearsTheOthers() {
        Instant now = Instant.parse("2026-12-05T04:00:00Z");
        List<LeaseView> leases = List.of(
                new LeaseView("shard:0", "node-a", 3, now.minusSeconds(5), now.plusSeconds(5)),
                new LeaseView("shard:1", "node-b", 1, now.minusSeconds(5), now.plusSeconds(5)),
                new LeaseView("poll:telegram-1:updates", "node-a", 7, now.minusSeconds(5), now.plusSeconds(8)),
                new LeaseView("timer:retention", "node-a", 2, now.minusSeconds(20), now.minusSeconds(1)),
                new LeaseView("timer:surveys", null, 4, null, null));
        ClusterApi api = new ClusterApi(new TwoNodes("node-a", leases, false), Clock.fixed(now, ZoneOffset.UTC));

        Map<String, Object> health = api.health();

        assertThat(health).containsEntry("nodeId", "node-a").containsEntry("enabled", true)
                .containsEntry("leasesHeld", 2).containsEntry("shards", 1L)
                .containsEntry("leases", List.of("poll:telegram-1:updates")).containsEntry("bus", "down");
        assertThat(ClusterApi.kind("poll:telegram-1:updates")).isEqualTo("poll");
        assertThat(ClusterApi.kind("odd")).isEqualTo("other");
    }

    @Test
    void onPostgresAnyNodeListsTheNodesAndEveryLeaseWithItsHolder() throws Exception {
        try (Database db = PostgresDatabases.open("cluster_api", dir);
             PostgresCluster a = PostgresCluster.start(db.dataSource(), new ClusterConfig(true, "node-a",
                     Duration.ofSeconds(3), 8, URI.create("http://10.0.0.5:8080")), new NoBus(), "9.9.9", null);
             PostgresCluster b = PostgresCluster.start(db.dataSource(), new ClusterConfig(true, "node-b",
                     Duration.ofSeconds(3), 8, null), new NoBus(), "9.9.9", null)) {
            a.health(() -> "{\"status\":\"UP\",\"instancesRunning\":2}");
            CountDownLatch acquired = new CountDownLatch(2);
            LeaseListener count = new LeaseListener() {
                @Override
                public void acquired(Fence fence) {
                    acquired.countDown();
                }

                @Override
                public void lost(Fence fence) {
                }
            };
            a.want("timer:retention", count);
            b.want("poll:telegram-1:updates", count);
            assertThat(acquired.await(15, TimeUnit.SECONDS)).as("both leases acquired").isTrue();

            // Node B's console: both nodes, node A's health as A wrote it, each lease with its holder.
            JsonNode view = JSON.valueToTree(new ClusterApi(b, Clock.systemUTC()).view());
            assertThat(view.path("nodeId").asText()).isEqualTo("node-b");
            assertThat(view.path("enabled").asBoolean()).isTrue();
            JsonNode nodeA = null;
            for (JsonNode n : view.path("nodes")) {
                assertThat(n.path("alive").asBoolean()).as("%s alive", n.path("nodeId")).isTrue();
                if (n.path("nodeId").asText().equals("node-a")) {
                    nodeA = n;
                }
            }
            assertThat(view.path("nodes")).hasSize(2);
            assertThat(nodeA).isNotNull();
            assertThat(nodeA.path("self").asBoolean()).isFalse();
            assertThat(nodeA.path("advertisedUrl").asText()).isEqualTo("http://10.0.0.5:8080");
            assertThat(nodeA.path("version").asText()).isEqualTo("9.9.9");
            Instant now = Instant.now();
            Map<String, JsonNode> leases = new java.util.HashMap<>();
            view.path("leases").forEach(l -> leases.put(l.path("name").asText(), l));
            assertThat(leases.get("timer:retention").path("holder").asText()).isEqualTo("node-a");
            assertThat(leases.get("timer:retention").path("kind").asText()).isEqualTo("timer");
            assertThat(Instant.parse(leases.get("timer:retention").path("expiresAt").asText())).isAfter(now);
            assertThat(leases.get("poll:telegram-1:updates").path("holder").asText()).isEqualTo("node-b");
            assertThat(leases.get("poll:telegram-1:updates").path("token").asLong()).isPositive();

            Map<String, Object> healthOfA = new ClusterApi(a, Clock.systemUTC()).health();
            assertThat(healthOfA).containsEntry("nodeId", "node-a").containsEntry("leasesHeld", 1)
                    .containsEntry("leases", List.of("timer:retention"));
            // Node A's heartbeat carries its summary to the others (written every ttl/3).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            JsonNode health = null;
            while (System.nanoTime() < deadline && (health == null || !health.path("status").asText().equals("UP"))) {
                health = nodeHealth(new ClusterApi(b, Clock.systemUTC()), "node-a");
                if (health == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(health).isNotNull();
            assertThat(health.path("instancesRunning").asInt()).isEqualTo(2);
        }
    }

    private static JsonNode nodeHealth(ClusterApi api, String nodeId) {
        for (JsonNode n : JSON.valueToTree(api.view()).path("nodes")) {
            if (n.path("nodeId").asText().equals(nodeId) && n.path("health").isObject()) {
                return n.path("health");
            }
        }
        return null;
    }

    /** Two nodes' view as a PostgreSQL cluster would give it, with a bus whose listener is down. */
    private static final class TwoNodes extends TestCluster {
        private final List<LeaseView> leaseViews;

        TwoNodes(String nodeId, List<LeaseView> leaseViews, boolean isUp) {
            super(nodeId, new KnownBus(isUp));
            this.leaseViews = leaseViews;
        }

        @Override
        public List<NodeView> nodes() {
            Instant t = Instant.now();
            return List.of(new NodeView(nodeId(), t, t, true, false, null, null, null),
                    new NodeView("node-b", t, t.minus(Duration.ofMinutes(1)), false, false, null, null, null));
        }

        @Override
        public Wanted want(String name, LeaseListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<LeaseView> all() {
            return leaseViews;
        }
    }

    /** A silent bus that says whether its listener is up. */
    private static final class KnownBus extends NoBus implements BusStatus {
        private final boolean up;

        KnownBus(boolean up) {
            this.up = up;
        }

        @Override
        public boolean isUp() {
            return up;
        }
    }
}
