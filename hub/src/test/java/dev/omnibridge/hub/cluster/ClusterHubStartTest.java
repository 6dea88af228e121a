package dev.omnibridge.hub.cluster;

import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.PostgresDatabases;
import dev.omnibridge.hub.testing.LocalHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 25: two hub nodes with hub.cluster.enabled on one PostgreSQL database start, see each other, stop, restart. */
class ClusterHubStartTest {
    @TempDir
    Path dir;

    private static HubConfig node(LocalHub hub, Path dir, String url, String id) {
        HubConfig base = hub.config(dir.resolve(id), LocalHub.QUICK_DELIVERY, List.of(), List.of());
        return new HubConfig(base.http(), base.publicUrl(), base.dataDir(), base.pluginsDir(), base.adminToken(),
                new HubConfig.Store(url, "postgres", ""), base.delivery(), base.instances(), base.routes())
                .withCluster(new ClusterConfig(true, id, Duration.ofSeconds(3), 8, URI.create(hub.base())));
    }

    @Test
    void twoNodesStartOnOneDatabaseSeeEachOtherAndStopCleanlyTwice() throws Exception {
        String url = PostgresDatabases.newDatabaseUrl("cluster_hubs");
        LocalHub a = new LocalHub("admin-token-123");
        LocalHub b = new LocalHub("admin-token-123");
        for (int round = 1; round <= 2; round++) {
            try (Hub nodeA = Hub.start(node(a, dir, url, "node-a")); Hub nodeB = Hub.start(node(b, dir, url, "node-b"))) {
                assertThat(nodeA.cluster().enabled()).isTrue();
                assertThat(nodeB.cluster().nodes()).extracting(NodeView::nodeId, NodeView::alive)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("node-a", true),
                                org.assertj.core.groups.Tuple.tuple("node-b", true));
                assertThat(a.send(a.get("/health")).statusCode()).isEqualTo(200);
                assertThat(b.send(b.get("/health")).statusCode()).isEqualTo(200);
                assertThat(b.send(b.withToken(b.get("/metrics"))).body())
                        .contains("omnibridge_cluster_writer_lock_wait_seconds");
            }
        }
        try (var c = java.sql.DriverManager.getConnection(url, "postgres", ""); var s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM cluster_nodes WHERE NOT stopping")) {
            rs.next();
            assertThat(rs.getInt(1)).as("nodes left running").isZero();
        }
    }
}
