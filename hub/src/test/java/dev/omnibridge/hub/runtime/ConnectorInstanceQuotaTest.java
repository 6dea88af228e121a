package dev.omnibridge.hub.runtime;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The quotas an instance keeps: metric labels, so only fixed short names, and only a few per instance. */
class ConnectorInstanceQuotaTest {
    private static final Instant T0 = Instant.parse("2026-12-03T09:00:00Z");
    private final ConnectorInstance instance = new ConnectorInstance("sf", "salesforce", true);

    @Test
    void theLatestReportPerNameWins() {
        assertThat(instance.quota("daily-api-requests", new ConnectorInstance.Quota(4_990, 5_000, T0))).isTrue();
        assertThat(instance.quota("daily-api-requests", new ConnectorInstance.Quota(4_937, 5_000, T0.plusSeconds(5))))
                .isTrue();

        assertThat(instance.quotas()).containsOnlyKeys("daily-api-requests");
        assertThat(instance.quotas().get("daily-api-requests").remaining()).isEqualTo(4_937);
    }

    @Test
    void namesThatAreNoFixedShortLabelAreRefused() {
        assertThat(instance.quota("Daily API", new ConnectorInstance.Quota(1, 2, T0))).isFalse();
        assertThat(instance.quota("", new ConnectorInstance.Quota(1, 2, T0))).isFalse();
        assertThat(instance.quota(null, new ConnectorInstance.Quota(1, 2, T0))).isFalse();
        assertThat(instance.quota("x".repeat(65), new ConnectorInstance.Quota(1, 2, T0))).isFalse();
        assertThat(instance.quota("x".repeat(64), new ConnectorInstance.Quota(1, 2, T0))).isTrue();
    }

    @Test
    void atMostEightNamesPerInstanceButKnownNamesStillUpdate() {
        for (int i = 0; i < ConnectorInstance.MAX_QUOTAS; i++) {
            assertThat(instance.quota("quota-" + i, new ConnectorInstance.Quota(i, 10, T0))).isTrue();
        }

        assertThat(instance.quota("one-too-many", new ConnectorInstance.Quota(1, 10, T0))).isFalse();
        assertThat(instance.quota("quota-0", new ConnectorInstance.Quota(9, 10, T0))).isTrue();
        assertThat(instance.quotas()).hasSize(ConnectorInstance.MAX_QUOTAS);
        assertThat(instance.quotas().get("quota-0").remaining()).isEqualTo(9);
    }
}
