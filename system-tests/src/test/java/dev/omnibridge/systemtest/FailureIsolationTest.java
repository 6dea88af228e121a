package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.HubProcess.CommandResult;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A broken plugin or a bad instance fails only itself; {@code validate} reports every problem at once. */
class FailureIsolationTest extends SystemTestBase {
    private static final String UNKNOWN_TYPE = "ghost";
    private static final String INVALID_DESK = "desk-without-secret";

    @Override
    protected HubProcess startHub() {
        List<Path> plugins = new ArrayList<>(HubProcess.referencePlugins());
        plugins.add(corruptZip());
        return HubProcess.start(getClass().getSimpleName(), config(), plugins);
    }

    @Override
    protected HubConfig config() {
        return standardConfig()
                .instance(UNKNOWN_TYPE, "no-such-type", Map.of("anything", "at all"))
                .instance(INVALID_DESK, "webhook-desk", Map.of("url", desk.baseUrl() + DESK_PATH));
    }

    @Test
    void failedInstancesAreReportedByHealthWhileTheOthersRun() {
        Poll.until(Duration.ofSeconds(30), "web and desk are RUNNING, the bad instances FAILED", () -> {
            JsonNode instances = hub.http().health().path("instances");
            return state(instances, WEB).equals("RUNNING") && state(instances, DESK).equals("RUNNING")
                    && state(instances, UNKNOWN_TYPE).equals("FAILED") && state(instances, INVALID_DESK).equals("FAILED");
        });

        assertThat(hub.http().get("/health").statusCode()).isEqualTo(503);
        JsonNode health = hub.http().health();
        assertThat(health.path("status").asText()).isEqualTo("DOWN");
        assertThat(health.at("/instances/" + UNKNOWN_TYPE + "/lastError").asText()).contains("no-such-type");
        assertThat(health.at("/instances/" + INVALID_DESK + "/lastError").asText()).contains("secret");
        assertThat(health.at("/instances/" + WEB + "/lastError").isNull()).isTrue();
        assertThat(health.at("/instances/" + WEB + "/type").asText()).isEqualTo("webhook-channel");
    }

    @Test
    void healthyRouteKeepsDeliveringNextToFailedInstances() {
        for (int i = 1; i <= 3; i++) {
            assertThat(postToChannel("isolated-" + i, "isolated", "message " + i).statusCode()).isEqualTo(200);
        }
        assertThat(awaitDeskAccepted("isolated", 3, Duration.ofSeconds(30)))
                .extracting(r -> r.channelMessageId()).containsExactly("isolated-1", "isolated-2", "isolated-3");
        assertThat(hub.isAlive()).isTrue();
    }

    @Test
    void validateReportsEveryProblemNamingInstanceAndKeyAndExitsOne() {
        HubConfig broken = HubConfig.create()
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .instance("ghost", "no-such-type", Map.of())
                .instance("nosecret", "webhook-desk", Map.of("url", desk.baseUrl() + DESK_PATH))
                .instance("slowweb", "webhook-channel", Map.of("secret", CHANNEL_SECRET,
                        "callbackUrl", channel.baseUrl() + CALLBACK_PATH, "timeout", "soonish"))
                .desk("twin", desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .desk("twin", desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .route(WEB, DESK, "nowhere");

        CommandResult result = HubProcess.validate("validate", broken);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        List<String> errors = result.lines().stream().filter(l -> l.startsWith("ERROR ")).toList();
        assertThat(errors).as(result.output()).hasSizeGreaterThanOrEqualTo(5)
                .anySatisfy(l -> assertThat(l).contains("ghost").contains("no-such-type"))
                .anySatisfy(l -> assertThat(l).contains("nosecret").contains("secret"))
                .anySatisfy(l -> assertThat(l).contains("slowweb").contains("timeout"))
                .anySatisfy(l -> assertThat(l).contains("nowhere"))
                .anySatisfy(l -> assertThat(l).containsPattern(Pattern.compile("\\btwin\\b")));
        assertThat(result.output()).doesNotContain("configuration is valid");
    }

    private static String state(JsonNode instances, String id) {
        return instances.path(id).path("state").asText();
    }

    private static Path corruptZip() {
        try {
            byte[] garbage = new byte[4096];
            new Random(42).nextBytes(garbage);
            Path dir = Files.createTempDirectory("omnibridge-broken-plugin");
            return Files.write(dir.resolve("broken-plugin.zip"), garbage);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
