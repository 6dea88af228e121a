package dev.omnibridge.hub;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.cluster.ClusterConfig;
import dev.omnibridge.hub.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** {@code omnibridge validate} on {@code hub.cluster} (issue 25): a cluster needs PostgreSQL and a valid node id. */
class ClusterValidateTest {
    private static final String NEEDS_POSTGRES = "cluster mode needs a PostgreSQL store (hub.store.url: "
            + "jdbc:postgresql://...); the embedded H2 store is for one node";

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("omnibridge.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private List<ConfigProblem> validate(String yaml) throws IOException {
        return Omnibridge.problems(write(yaml));
    }

    @Test
    void aClusterOnTheEmbeddedStoreIsRefusedSayingWhatToDo() throws IOException {
        List<ConfigProblem> problems = validate("""
                hub:
                  adminToken: admin-token-123
                  cluster: {enabled: true, nodeId: node-a}
                """);

        assertThat(problems).extracting(ConfigProblem::key, ConfigProblem::message)
                .containsExactly(tuple("hub.cluster.enabled", NEEDS_POSTGRES));
    }

    @Test
    void aClusterOnAnotherDatabaseThanPostgresqlIsRefused() throws IOException {
        List<ConfigProblem> problems = validate("""
                hub:
                  adminToken: admin-token-123
                  store: {url: "jdbc:h2:tcp://db/omnibridge"}
                  cluster: {enabled: true, nodeId: node-a}
                """);

        assertThat(problems).extracting(ConfigProblem::message).containsExactly(NEEDS_POSTGRES);
    }

    @Test
    void theEmbeddedStoreStaysFineWhenTheClusterIsOff() throws IOException {
        assertThat(validate("""
                hub:
                  adminToken: admin-token-123
                  cluster: {enabled: false}
                """)).isEmpty();
    }

    @Test
    void aClusterOnPostgresqlIsReadWithItsNodeIdFromTheEnvironment() throws IOException {
        Path file = write("""
                hub:
                  adminToken: admin-token-123
                  store: {url: "jdbc:postgresql://db:5432/omnibridge", username: omnibridge}
                  cluster:
                    enabled: true
                    nodeId: ${env:OMNIBRIDGE_TEST_NEVER_SET_NODE_ID:-node-7}
                    leaseTtl: 3s
                    shards: 16
                    advertisedUrl: http://10.0.0.5:8080/
                """);

        assertThat(Omnibridge.problems(file)).isEmpty();
        ClusterConfig cluster = ConfigLoader.withSystemEnvironment().load(file).config().cluster();
        assertThat(cluster).isEqualTo(new ClusterConfig(true, "node-7", Duration.ofSeconds(3), 16,
                URI.create("http://10.0.0.5:8080")));
    }

    @Test
    void badValuesAreEachReportedUnderTheirKeyAndNotEchoed() throws IOException {
        List<ConfigProblem> problems = validate("""
                hub:
                  adminToken: admin-token-123
                  store: {url: "jdbc:postgresql://db:5432/omnibridge"}
                  cluster:
                    enabled: yes please
                    nodeId: "node a/../secret"
                    leaseTtl: 1s
                    shards: 0
                    advertisedUrl: not a url
                    colour: red
                """);

        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder("hub.cluster.enabled",
                "hub.cluster.nodeId", "hub.cluster.leaseTtl", "hub.cluster.shards", "hub.cluster.advertisedUrl",
                "hub.cluster.colour");
        assertThat(problems).filteredOn(p -> p.key().equals("hub.cluster.nodeId")).singleElement()
                .satisfies(p -> assertThat(p.message()).doesNotContain("secret")
                        .contains("1-64 letters, digits, '.', '_' or '-'"));
        assertThat(problems).filteredOn(p -> p.key().equals("hub.cluster.leaseTtl")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("between 2s and 5m"));
    }

    @Test
    void aLeaseTtlOverFiveMinutesIsRefused() throws IOException {
        assertThat(validate("""
                hub:
                  adminToken: admin-token-123
                  store: {url: "jdbc:postgresql://db:5432/omnibridge"}
                  cluster: {enabled: true, nodeId: node-a, leaseTtl: 6m}
                """)).extracting(ConfigProblem::key).containsExactly("hub.cluster.leaseTtl");
    }
}
