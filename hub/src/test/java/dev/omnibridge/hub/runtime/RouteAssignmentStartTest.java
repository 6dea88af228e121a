package dev.omnibridge.hub.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.QuietChannel;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.hub.triage.DeskTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/** A desk that a route gives an assignment its type does not take does not start, and says why. */
class RouteAssignmentStartTest {
    @TempDir
    Path dir;

    @Test
    void aDeskGivenAnAssignmentItsTypeDoesNotTakeFailsToStartWithTheReason() throws Exception {
        LocalHub local = new LocalHub("assignment-admin-token");
        HubConfig.Route route = new HubConfig.Route("grouped", List.of("web"), null,
                List.of(new DeskTarget("inbox", Map.of("group", "42"))), true, false);
        try (Hub hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(LocalHub.instance("web", "quiet-channel"), LocalHub.instance("inbox", "console-inbox"),
                        LocalHub.instance("plain", "console-inbox")),
                List.of(route, new HubConfig.Route("web", List.of("plain"))),
                new TestType("quiet-channel", "sends nowhere", QuietChannel::new))) {
            JsonNode instances = json(local.send(local.withToken(local.get("/api/instances")))).path("instances");

            assertThat(instances.path("inbox").path("state").asText()).isEqualTo("FAILED");
            assertThat(instances.path("inbox").path("lastError").asText())
                    .contains("routes[0].to.inbox").contains("takes no assignment").contains("group");
            assertThat(instances.path("plain").path("state").asText()).isEqualTo("RUNNING");
            // Channels show what the hub fits their messages to; this one declares nothing, so nothing is limited.
            JsonNode caps = instances.path("web").path("capabilities");
            assertThat(caps.at("/text/maxLength").asInt(-1)).isZero();
            assertThat(caps.at("/buttons/max").asInt(-1)).isZero();
            assertThat(caps.at("/media/types/0/type").asText()).isEqualTo("*/*");
            assertThat(caps.path("richText").asText()).isEqualTo("HTML");
            assertThat(instances.path("plain").has("capabilities")).as("a desk has none").isFalse();
        }
    }
}
