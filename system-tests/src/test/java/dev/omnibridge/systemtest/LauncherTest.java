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
            // Killed, so it writes no recording of its own (that a stop writes one is the test above's): what is
            // left shows that the cut one was dropped, without waiting seconds for a second dump.
            second.kill9();
        }
        assertThat(files()).isEmpty();
    }

    @Test
    void theHubRunsWithTheLaunchersCollectorAndJavaOptsComeLast() {
        try (HubProcess hub = HubProcess.startWithLauncher("launcher-opts", CONFIG,
                Map.of("OMNIBRIDGE_CDS", "off", "JAVA_OPTS", "-XX:+UseSerialGC -Xss1m"))) {
            List<String> cmd = hub.javaCommandLine();
            assertThat(cmd).contains("-Xmx256m", "-XX:+UseSerialGC", "-Xss1m")
                    .noneMatch(a -> a.contains("SharedArchiveFile") || a.contains("ArchiveClassesAtExit"));
            assertThat(cmd.lastIndexOf("-XX:+UseSerialGC")).as("JAVA_OPTS after the defaults")
                    .isGreaterThan(cmd.indexOf("-Xmx256m"));
        }
    }

    @Test
    void aHeapSizeInJavaOptsReplacesTheDefaultSizesEvenBelowTheirStart() {
        // -Xms128m and -Xmn64m of the defaults would not fit under this maximum: the JVM would refuse to start.
        try (HubProcess hub = HubProcess.startWithLauncher("launcher-small-heap", CONFIG,
                Map.of("OMNIBRIDGE_CDS", "off", "JAVA_OPTS", "-Xmx100m"))) {
            assertThat(hub.javaCommandLine()).contains("-Xmx100m", "-XX:+UseSerialGC")
                    .noneMatch(a -> a.startsWith("-Xms") || a.startsWith("-Xmn") || a.equals("-Xmx256m"));
            assertThat(hub.http().health().at("/status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void theLaunchersDefaultsHandFreedNativeMemoryBackToTheSystem() {
        try (HubProcess hub = HubProcess.startWithLauncher("launcher-trim", CONFIG, Map.of("OMNIBRIDGE_CDS", "off"))) {
            assertThat(hub.javaCommandLine()).contains("-Xms128m", "-Xmx256m", "-Xmn64m", "-XX:+UseSerialGC",
                    "-XX:TrimNativeHeapInterval=5000");
            assertThat(hub.http().health().at("/status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void aJvmWithoutNativeHeapTrimmingStartsTheHubWithTheOtherDefaults() throws IOException {
        // A JVM older than 17.0.9 refuses the option and would not start at all: the launcher leaves it out there.
        Path home = cds.resolve("old-jdk");
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin/java");
        Files.writeString(java, """
                #!/bin/sh
                for a in "$@"; do
                  case "$a" in -XX:TrimNativeHeapInterval=*) echo "Unrecognized VM option" >&2; exit 1 ;; esac
                done
                exec "%s" "$@"
                """.formatted(Path.of(System.getProperty("java.home"), "bin", "java")));
        java.toFile().setExecutable(true);
        try (HubProcess hub = HubProcess.startWithLauncher("launcher-old-jdk", CONFIG,
                Map.of("OMNIBRIDGE_CDS", "off", "JAVA_HOME", home.toString()))) {
            assertThat(hub.javaCommandLine()).contains("-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError")
                    .noneMatch(a -> a.startsWith("-XX:TrimNativeHeapInterval"));
            assertThat(hub.http().health().at("/status").asText()).isEqualTo("UP");
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
