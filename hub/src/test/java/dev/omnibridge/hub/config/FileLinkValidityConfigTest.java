package dev.omnibridge.hub.config;

import dev.omnibridge.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 24: {@code hub.delivery.fileLinkValidity}, how long signed links to stored files stay valid. */
class FileLinkValidityConfigTest {
    @TempDir
    Path dir;

    @Test
    void validateChecksTheLinkValidityAndThatLinksNeedAPublicUrl() throws Exception {
        assertThat(load("hub:\n  publicUrl: https://hub.example.com\n").config().delivery().fileLinkValidity())
                .isEqualTo(Duration.ofDays(7));
        assertThat(load("hub:\n  publicUrl: https://hub.example.com\n  delivery:\n    fileLinkValidity: 2d\n")
                .config().delivery().fileLinkValidity()).isEqualTo(Duration.ofDays(2));
        assertThat(load("hub:\n  http:\n    port: 8080\n").config().delivery().fileLinkValidity())
                .as("no public address: no links").isNull();
        assertThat(problems("hub:\n  publicUrl: https://hub.example.com\n  delivery:\n    fileLinkValidity: 400d\n"))
                .singleElement().satisfies(p -> assertThat(p.toString()).contains("between 1m and 365d"));
        assertThat(problems("hub:\n  delivery:\n    fileLinkValidity: 1d\n"))
                .singleElement().satisfies(p -> assertThat(p.toString()).contains("needs hub.publicUrl"));
    }

    private List<ConfigProblem> problems(String yaml) throws Exception {
        return load(yaml).problems().stream().filter(p -> p.toString().contains("fileLinkValidity")).toList();
    }

    private ConfigLoader.Result load(String yaml) throws Exception {
        Path file = dir.resolve("omnibridge-" + System.nanoTime() + ".yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(new EnvReferences(Map.<String, String>of()::get)).load(file);
    }

}
