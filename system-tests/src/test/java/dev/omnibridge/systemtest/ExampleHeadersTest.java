package dev.omnibridge.systemtest;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each example's header says how to run it from the repository root. Those commands are run here as written, in a
 * copy of the repository's layout (the built hub and plugin zips linked in, the example copied, so nothing lands in
 * the source tree), with two changes only: {@code ...} placeholders get made-up strong values and {@code run}
 * becomes {@code validate}, since the vendors are not reachable from a test.
 */
class ExampleHeadersTest {
    private static final Path REPO = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
            Path.of("..").toAbsolutePath().normalize().toString()));

    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(strings = {"camel-http-desk", "email", "freshdesk", "hubspot", "salesforce", "webchat", "zendesk"})
    void theHeadersCommandsValidateTheExampleAsWritten(String example) throws Exception {
        Files.createSymbolicLink(root.resolve("hub"), REPO.resolve("hub"));
        Files.createSymbolicLink(root.resolve("connectors"), REPO.resolve("connectors"));
        Path copy = Files.createDirectories(root.resolve("examples").resolve(example)).resolve("omnibridge.yaml");
        // The example's files as they are (a camel-desk's routes file sits beside its configuration).
        try (var files = Files.list(REPO.resolve("examples").resolve(example))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, copy.resolveSibling(f.getFileName().toString()));
            }
        }

        String commands = headerCommands(Files.readAllLines(copy))
                .replace("=pat-...", "=pat-na1-example-token-0123456789")
                .replace("=...", "=Example-Value-0123456789abcdef")
                .replace(" run --config ", " validate --config ");
        assertThat(commands).contains("bin/omnibridge validate --config examples/" + example + "/omnibridge.yaml");

        Process bash = new ProcessBuilder("bash", "-euc", commands).directory(root.toFile())
                .redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(bash.exitValue()).as(commands + "\n" + output).isZero();
        assertThat(output).contains("configuration is valid");
    }

    /** The header's command lines: comment lines indented by three spaces, up to the first line of YAML. */
    private static String headerCommands(List<String> lines) {
        return lines.stream().takeWhile(l -> l.startsWith("#")).filter(l -> l.startsWith("#   "))
                .map(l -> l.substring(4))
                .filter(l -> !l.startsWith("(") && !l.startsWith("as ") && !l.startsWith("<"))
                .collect(Collectors.joining("\n"));
    }
}
