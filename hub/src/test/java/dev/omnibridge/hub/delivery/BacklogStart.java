package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link OutboxBacklogStartTest}: starts a real hub on a data directory holding a backlog, waits
 * until it has delivered {@code deliver} rows, and prints one line {@code RESULT startMillis=.. deliveredMillis=..
 * heapAfterGc=.. heapMax=..}. Run with a small -Xmx and -XX:+ExitOnOutOfMemoryError.
 */
public final class BacklogStart {
    private BacklogStart() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        long total = Long.parseLong(args[2]);
        long deliver = Long.parseLong(args[3]);
        long t0 = System.nanoTime();
        Hub hub = Hub.start(new HubConfig(new HubConfig.Http("127.0.0.1", port, 1 << 20),
                URI.create("http://127.0.0.1:" + port), dataDir, dataDir.resolve("plugins"), "backlog-admin-token",
                new HubConfig.Store(null, null, null),
                new HubConfig.Delivery(4, 10, Duration.ofSeconds(1), Duration.ofMinutes(5)),
                List.of(new HubConfig.Instance("inbox", "console-inbox", true, Map.of())), List.of()));
        long started = System.nanoTime();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        long pending = total;
        while (total - pending < deliver) {
            Thread.sleep(100);
            String body = http.send(metrics, HttpResponse.BodyHandlers.ofString()).body();
            pending = body.lines().filter(l -> l.startsWith("omnibridge_deliveries{state=\"pending\"}"))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                    .orElse(total);
        }
        long delivered = System.nanoTime();
        System.gc();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.out.println("RESULT startMillis=" + (started - t0) / 1_000_000 + " deliveredMillis="
                + (delivered - started) / 1_000_000 + " delivered=" + (total - pending) + " heapAfterGc="
                + heap.getUsed() + " heapMax=" + heap.getMax());
        System.out.flush();
        hub.close();
        System.exit(0);
    }
}
