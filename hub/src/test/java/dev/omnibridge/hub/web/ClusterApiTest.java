package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.access.AccessConfig;
import dev.omnibridge.hub.access.Principal;
import dev.omnibridge.hub.cluster.Bus;
import dev.omnibridge.hub.cluster.BusStatus;
import dev.omnibridge.hub.cluster.Cluster;
import dev.omnibridge.hub.cluster.ClusterConfig;
import dev.omnibridge.hub.cluster.Fence;
import dev.omnibridge.hub.cluster.LeaseListener;
import dev.omnibridge.hub.cluster.LeaseView;
import dev.omnibridge.hub.cluster.Leases;
import dev.omnibridge.hub.cluster.NodeView;
import dev.omnibridge.hub.testing.LocalHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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

    /** Two nodes' view as a PostgreSQL cluster would give it, with a bus whose listener is down. */
    private record TwoNodes(String nodeId, List<LeaseView> leaseViews, boolean listening)
            implements Cluster, Leases, Bus, BusStatus {
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
            return this;
        }

        @Override
        public List<NodeView> nodes() {
            Instant t = Instant.now();
            return List.of(new NodeView(nodeId, t, t, true, false, null, null, null),
                    new NodeView("node-b", t, t.minus(Duration.ofMinutes(1)), false, false, null, null, null));
        }

        @Override
        public void close() {
        }

        @Override
        public Wanted want(String name, LeaseListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void verify(Connection c, Fence fence) {
        }

        @Override
        public boolean stillHeld(Fence fence) {
            return true;
        }

        @Override
        public List<LeaseView> all() {
            return leaseViews;
        }

        @Override
        public void publish(Connection c, String topic, String payload) {
        }

        @Override
        public void publish(String topic, String payload) {
        }

        @Override
        public void subscribe(String topic, Consumer<String> handler) {
        }
    }
}
