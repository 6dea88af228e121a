package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/store} and the store gauges on a real hub with the embedded store: the file's figures, what the
 * store holds, and whether compaction runs (on by default, off by {@code hub.store.compaction: false}).
 */
class StoreApiTest {
    private static final String TOKEN = "store-api-admin-token";
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    Path dir;
    private Hub hub;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void theStoreReportShowsTheFileAgainstWhatItHoldsForTheAdminOnly() throws Exception {
        hub = Hub.start(local.config(dir, LocalHub.QUICK_DELIVERY, List.of(), List.of()));

        assertThat(local.send(local.get("/api/store")).statusCode()).isEqualTo(401);
        var response = local.send(local.withToken(local.get("/api/store")));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode store = json(response);
        assertThat(store.path("embedded").asBoolean()).isTrue();
        long fileBytes = store.path("file").path("bytes").asLong();
        assertThat(fileBytes).isPositive();
        assertThat(Files.size(dir.resolve("data/omnibridge.mv.db"))).isPositive();
        assertThat(store.path("file").path("fillPercent").asInt()).isBetween(1, 100);
        assertThat(store.path("file").path("chunksFillPercent").asInt()).isBetween(1, 100);
        assertThat(store.path("file").path("writtenBytes").asLong()).isPositive();
        assertThat(store.path("messages").asLong()).isZero();
        assertThat(store.path("messageJsonBytes").asLong()).isZero();
        assertThat(store.path("rows").path("messages").isNumber()).as("rows: %s", store.path("rows")).isTrue();
        assertThat(store.path("rows").has("flyway_schema_history")).isFalse();
        assertThat(store.path("compaction").path("enabled").asBoolean()).isTrue();
        assertThat(store.path("compaction").path("compactBelowFill").asInt()).isEqualTo(80);

        String metrics = local.send(local.get("/metrics")).body();
        assertThat(sample(metrics, "omnibridge_store_file_bytes")).isPositive();
        assertThat(sample(metrics, "omnibridge_store_fill_ratio")).isBetween(0.0, 1.0);
        assertThat(sample(metrics, "omnibridge_store_written_bytes_total")).isPositive();
    }

    @Test
    void compactionTurnedOffShowsInTheReport() throws Exception {
        HubConfig c = local.config(dir, LocalHub.QUICK_DELIVERY, List.of(), List.of());
        HubConfig.Store off = new HubConfig.Store(null, null, null, false, 80);
        hub = Hub.start(new HubConfig(c.http(), c.publicUrl(), c.dataDir(), c.pluginsDir(), c.adminToken(), off,
                c.delivery(), c.instances(), c.routes()));

        JsonNode store = json(local.send(local.withToken(local.get("/api/store"))));
        assertThat(store.path("compaction").path("enabled").asBoolean()).isFalse();
        assertThat(store.path("compaction").has("steps")).isFalse();
    }

    private static double sample(String metrics, String family) {
        Matcher m = Pattern.compile("(?m)^" + family + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s in /metrics", family).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
