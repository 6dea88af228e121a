package dev.omnibridge.hub.runtime;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectorInstanceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private final ConnectorInstance instance = new ConnectorInstance("desk", "zendesk", true);

    @Test
    void workThatSucceedsClearsAProblemReportedBeforeItBegan() {
        instance.state(InstanceState.RUNNING);
        instance.problem("HTTP 401", T0);

        assertThat(instance.recoveredSince(T0.plusSeconds(1))).isTrue();

        assertThat(instance.lastError()).isNull();
        assertThat(instance.lastErrorAt()).isEqualTo(T0);
    }

    @Test
    void aProblemReportedWhileTheWorkRanIsNewerNewsAndStays() {
        instance.state(InstanceState.RUNNING);
        instance.problem("HTTP 401", T0.plusSeconds(1));

        assertThat(instance.recoveredSince(T0)).isFalse();

        assertThat(instance.lastError()).isEqualTo("HTTP 401");
    }

    @Test
    void aStartFailureIsNotClearedByRecovery() {
        instance.failed("invalid settings", T0);

        assertThat(instance.recovered()).isFalse();
        assertThat(instance.recoveredSince(T0.plusSeconds(5))).isFalse();
        assertThat(instance.lastError()).isEqualTo("invalid settings");
    }
}
