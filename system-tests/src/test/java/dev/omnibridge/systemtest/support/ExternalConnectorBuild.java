package dev.omnibridge.systemtest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds a connector project that is not part of this reactor (examples/custom-connector) the way its author would,
 * with {@code mvn package} in a separate process. Omnibridge's own artifacts come from the test-local repository the
 * build prepared ({@code omnibridge.connector.repo}: plugin API, test kit, connector parent, plugin build pieces);
 * everything else from the user's repository, named as a mirror, so nothing is downloaded. The project is copied
 * under target/ first, so the source tree gets no build output.
 */
public final class ExternalConnectorBuild {
    private static final long TIMEOUT_SECONDS = 240;

    private ExternalConnectorBuild() {
    }

    /**
     * Builds {@code examples/<example>} and returns its plugin zip. The project's own tests are compiled but run only
     * with {@code -Domnibridge.example.tests=true} (they take longer than the rest of the build).
     */
    public static Path pluginZip(String example) {
        Path source = Path.of(System.getProperty("omnibridge.examples.dir", "../examples")).resolve(example);
        Path repo = Path.of(System.getProperty("omnibridge.connector.repo", "target/connector-repo"));
        Path userRepo = Path.of(System.getProperty("omnibridge.user.repo",
                System.getProperty("user.home") + "/.m2/repository"));
        Path work = Path.of("target", "external-connectors", example).toAbsolutePath();
        try {
            deleteTree(work);
            copyTree(source, work);
            Path settings = work.resolve("build-settings.xml");
            Files.writeString(settings, settings(userRepo), StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(mvn(), "-B", "-q", "package",
                    "-s", settings.toString(), "-Dmaven.repo.local=" + repo.toAbsolutePath()));
            if (!Boolean.getBoolean("omnibridge.example.tests")) {
                command.add("-DskipTests");
            }
            Path log = work.resolve("build.log");
            long started = System.nanoTime();
            Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("building " + example + " took over " + TIMEOUT_SECONDS + " s; see "
                        + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("building " + example + " failed (exit " + process.exitValue()
                        + "):\n" + tail(log, 60));
            }
            // A figure for the test report: this build is most of the test class's time.
            System.out.printf("built examples/%s outside the reactor in %d ms%n", example,
                    (System.nanoTime() - started) / 1_000_000);
            try (Stream<Path> files = Files.list(work.resolve("target"))) {
                return files.filter(p -> p.getFileName().toString().endsWith("-plugin.zip")).findFirst()
                        .orElseThrow(() -> new IllegalStateException(example + " built no *-plugin.zip"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String mvn() {
        String home = System.getProperty("omnibridge.maven.home", "");
        Path launcher = Path.of(home, "bin", "mvn");
        return !home.isBlank() && Files.isExecutable(launcher) ? launcher.toString() : "mvn";
    }

    /**
     * The user's local repository first, read as a remote one (what the outer build resolved, no network needed),
     * then Maven Central for anything it lacks (a fresh machine).
     */
    private static String settings(Path userRepo) {
        String local = userRepo.toAbsolutePath().toUri().toString();
        String policy = "<releases><enabled>true</enabled><updatePolicy>never</updatePolicy></releases>"
                + "<snapshots><enabled>true</enabled><updatePolicy>never</updatePolicy></snapshots>";
        return """
                <settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
                  <profiles>
                    <profile>
                      <id>outside-build</id>
                      <repositories>
                        <repository><id>user-local-repository</id><url>%1$s</url>%2$s</repository>
                        <repository><id>central</id><url>https://repo.maven.apache.org/maven2</url>%2$s</repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository><id>user-local-repository</id><url>%1$s</url>%2$s</pluginRepository>
                        <pluginRepository><id>central</id><url>https://repo.maven.apache.org/maven2</url>%2$s</pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>outside-build</activeProfile></activeProfiles>
                </settings>
                """.formatted(local, policy);
    }

    private static String tail(Path log, int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path rel = from.relativize(p);
                if (rel.startsWith("target")) {
                    continue;
                }
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
