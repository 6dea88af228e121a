package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/omnibridge}: the JVM defaults it starts the hub with, and the class-data archive it keeps. */
class LauncherTest {
    private static final HubConfig CONFIG = HubConfig.create().channel("web", "launcher-test-secret",
            "http://127.0.0.1:9/callback");

    @TempDir
    Path cds;

    @Test
    void theFirstRunRecordsAClassDataArchiveThatTheNextRunMaps() throws IOException {
        try (HubProcess first = HubProcess.startWithLauncher("launcher-first", CONFIG, env())) {
            assertThat(first.javaCommandLine()).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + cds));
        }
        assertThat(files()).singleElement().asString().matches("hub-\\d+\\.jsa\\.\\d+");

        try (HubProcess second = HubProcess.startWithLauncher("launcher-second", CONFIG, env())) {
            assertThat(files()).singleElement().asString().matches("hub-\\d+\\.jsa");
            assertThat(second.javaCommandLine()).contains("-XX:SharedArchiveFile=" + cds.resolve(files().get(0)));
            assertThat(second.http().health().at("/status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void aRecordingCutShortIsDroppedAndRecordedAgain() throws IOException {
        try (HubProcess first = HubProcess.startWithLauncher("launcher-cut", CONFIG, env())) {
            assertThat(first.javaCommandLine()).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
        }
        Path recording = cds.resolve(files().get(0));
        byte[] start = Files.readAllBytes(recording);
        Files.write(recording, java.util.Arrays.copyOf(start, 4096)); // what a SIGKILL during the dump leaves

        try (HubProcess second = HubProcess.startWithLauncher("launcher-again", CONFIG, env())) {
            assertThat(second.javaCommandLine()).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="))
                    .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
            assertThat(second.http().health().at("/status").asText()).isEqualTo("UP");
        }
        assertThat(files()).singleElement().asString().matches("hub-\\d+\\.jsa\\.\\d+");
    }

    @Test
    void theHubRunsWithTheLaunchersHeapAndCollectorAndJavaOptsComeLast() {
        try (HubProcess hub = HubProcess.startWithLauncher("launcher-opts", CONFIG,
                Map.of("OMNIBRIDGE_CDS", "off", "JAVA_OPTS", "-Xmx300m"))) {
            List<String> cmd = hub.javaCommandLine();
            assertThat(cmd).contains("-Xmx256m", "-XX:+UseSerialGC", "-Xmx300m")
                    .noneMatch(a -> a.contains("SharedArchiveFile") || a.contains("ArchiveClassesAtExit"));
            assertThat(cmd.indexOf("-Xmx300m")).as("JAVA_OPTS after the defaults").isGreaterThan(cmd.indexOf("-Xmx256m"));
        }
    }

    private Map<String, String> env() {
        return Map.of("OMNIBRIDGE_CDS_DIR", cds.toString());
    }

    private List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(cds)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
