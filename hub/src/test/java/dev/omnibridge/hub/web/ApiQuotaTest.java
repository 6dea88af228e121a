package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connector's {@code reportQuota} on a real hub: the latest budget shows under the instance in {@code /health} and
 * as the {@code omnibridge_api_quota_remaining} / {@code _limit} gauges in {@code /metrics}; a name that would make
 * an unbounded label is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiQuotaTest {
    private static final String TOKEN = "api-quota-admin-token";
    private static final Map<String, ConnectorContext> CONTEXTS = new ConcurrentHashMap<>();
    private static final TestType DESK = new TestType("quota-desk", "a desk the test reports quotas for",
            QuotaDesk::new);
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    static Path dir;
    private Hub hub;

    @BeforeAll
    void startHub() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("org", DESK.name()), instance("quiet", DESK.name())), List.of(), DESK);
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void reportedBudgetShowsInHealthAndMetricsAndTheLatestWins() {
        CONTEXTS.get("org").reportQuota("daily-api-requests", 4_990, 5_000);
        CONTEXTS.get("org").reportQuota("daily-api-requests", 4_937, 5_000);

        JsonNode quota = health("org").path("quotas").path("daily-api-requests");
        assertThat(quota.path("remaining").asLong()).isEqualTo(4_937);
        assertThat(quota.path("limit").asLong()).isEqualTo(5_000);
        assertThat(quota.path("reportedAt").asText()).isNotEmpty();
        String metrics = scrape();
        assertThat(gauge(metrics, "omnibridge_api_quota_remaining", "org", "daily-api-requests")).isEqualTo(4_937);
        assertThat(gauge(metrics, "omnibridge_api_quota_limit", "org", "daily-api-requests")).isEqualTo(5_000);
    }

    @Test
    void aBudgetUsedUpShowsZeroNotANegativeNumber() {
        // Salesforce lets an org run past its allocation (api-usage=110018/100000): nothing is left, not -10,018.
        CONTEXTS.get("org").reportQuota("overrun-api-requests", -10_018, 100_000);

        assertThat(health("org").path("quotas").path("overrun-api-requests").path("remaining").asLong()).isZero();
        assertThat(gauge(scrape(), "omnibridge_api_quota_remaining", "org", "overrun-api-requests")).isZero();
    }

    @Test
    void anInstanceThatReportsNoQuotaHasNoQuotasInHealth() {
        assertThat(health("quiet").has("quotas")).as("health of an instance without quotas: %s", health("quiet"))
                .isFalse();
        assertThat(scrape()).doesNotContain("instance=\"quiet\",quota=");
    }

    @Test
    void aNameThatCouldCarryDataIsNotALabel() {
        CONTEXTS.get("org").reportQuota("Case 500Hs00001 for ann@example.com", 1, 2);

        assertThat(health("org").path("quotas").fieldNames()).toIterable()
                .noneMatch(n -> n.contains("ann@example.com"));
        assertThat(scrape()).doesNotContain("ann@example.com");
    }

    private JsonNode health(String id) {
        return json(local.send(local.get("/health"))).path("instances").path(id);
    }

    private String scrape() {
        return local.send(local.get("/metrics")).body();
    }

    /** The sample's value, or -1 when the family has no sample with these labels. */
    private static double gauge(String metrics, String family, String instance, String quota) {
        Matcher m = Pattern.compile("(?m)^" + family + "\\{([^}]*)} (\\S+)$").matcher(metrics);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("instance=\"" + instance + "\"") && labels.contains("quota=\"" + quota + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return -1;
    }

    /** A desk that only hands the test its context. */
    static final class QuotaDesk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
            CONTEXTS.put(ctx.instanceId(), ctx);
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            return new DeskResult("T-1", "c-1");
        }
    }
}
