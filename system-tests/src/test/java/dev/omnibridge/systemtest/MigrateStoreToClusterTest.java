package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubCluster;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubLogScan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 25: several hub nodes started on one PostgreSQL database through {@link HubCluster}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrateStoreToClusterTest {
    private HubCluster cluster;

    @RegisterExtension
    final TestWatcher logsOnFailure = HubCluster.printLogsOnFailure(() -> cluster);

    @RegisterExtension
    final HubLogScan logScan = HubLogScan.ofAll(() -> cluster == null ? null : cluster.nodes());

    @BeforeAll
    void startCluster() {
        HubConfig config = HubConfig.create().channel("web", "channel-secret-for-tests", "http://127.0.0.1:9/replies")
                .desk("desk", "http://127.0.0.1:9/desk", "desk-secret-for-tests").route("web", "desk");
        logScan.secrets(config.secrets());
        cluster = HubCluster.of(getClass(), config).nodes(3).withoutClusterMode().start();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyNodeOnTheSharedDatabaseAnswersHealth() {
        for (int i = 0; i < cluster.size(); i++) {
            JsonNode health = cluster.http(i).health();
            assertEquals("UP", health.path("status").asText(), cluster.nodeId(i) + ": " + health);
        }
    }
}
