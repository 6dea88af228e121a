package dev.omnibridge.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub started as {@code omnibridge run --config <elsewhere>/omnibridge.yaml} from another working directory:
 * relative dataDir and pluginsDir are the configuration folder's, and nothing appears in the working directory,
 * not even after form and multipart requests (Vert.x's default "file-uploads" folder).
 */
class WorkingDirectoryTest {
    private static final String TOKEN = "working-dir-admin-token";

    @TempDir
    Path root;

    private Process hub;

    @AfterEach
    void stop() throws InterruptedException {
        if (hub != null) {
            hub.destroy();
            if (!hub.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
    }

    @Test
    void theHubWritesOnlyUnderTheConfigurationFolderNotTheWorkingDirectory() throws Exception {
        Path config = Files.createDirectories(root.resolve("etc"));
        Path workingDir = Files.createDirectories(root.resolve("elsewhere"));
        int port = freePort();
        Files.writeString(config.resolve("omnibridge.yaml"), """
                hub:
                  http: {host: 127.0.0.1, port: %d}
                  adminToken: %s
                  dataDir: data
                instances:
                  - {id: inbox, type: console-inbox}
                """.formatted(port, TOKEN));

        hub = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Omnibridge.class.getName(), "run", "--config",
                config.resolve("omnibridge.yaml").toString())
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("hub.log").toFile())
                .start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        waitUntilUp(http, base);

        String boundary = "omnibridge-boundary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--" + boundary + "--\r\n";
        List<HttpRequest> requests = List.of(
                HttpRequest.newBuilder(base.resolve("/console/login"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(multipart)).build(),
                HttpRequest.newBuilder(base.resolve("/hooks/inbox"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("a=b")).build(),
                HttpRequest.newBuilder(base.resolve("/hooks/inbox"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(multipart)).build());
        for (HttpRequest request : requests) {
            assertThat(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode())
                    .as(request.uri().toString()).isLessThan(500);
        }

        assertThat(list(workingDir)).as("working directory after requests; log:\n" + log()).isEmpty();
        assertThat(config.resolve("data/omnibridge.mv.db")).exists();
        assertThat(list(config)).containsExactlyInAnyOrder("omnibridge.yaml", "data");
    }

    private void waitUntilUp(HttpClient http, URI base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(hub.isAlive()).as("hub exited; log:\n" + log()).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("hub not up within 90 s; log:\n" + log());
    }

    private String log() {
        try {
            return Files.readString(root.resolve("hub.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
