package dev.omnibridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a running hub from outside, as an operator would: its store file on disk, {@code GET /api/store} (issue 17,
 * may be missing in older builds) and samples of {@code GET /metrics}. Every reader answers "unknown" (NaN, empty)
 * rather than failing, so a phase still reports what it could measure against an older hub build.
 */
final class HubProbe {
    /** What {@code GET /api/store} reports: the store file's size and the JSON size of the stored messages. */
    record StoreReport(double fileBytes, double jsonBytes) {
    }

    static final String ADMIN_TOKEN = "bench-admin-token";
    // HTTP/1.1: the default (HTTP/2 with an h2c upgrade on plain http) once hung past its timeout against the hub.
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private HubProbe() {
    }

    /** Bytes of the H2 store files ({@code *.mv.db}) in the hub's data dir, or NaN when there are none. */
    static double storeFileBytes(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            return Double.NaN;
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            long[] total = {0, 0};
            files.filter(f -> f.getFileName().toString().endsWith(".mv.db")).forEach(f -> {
                try {
                    total[0] += Files.size(f);
                    total[1]++;
                } catch (IOException gone) {
                    // replaced between listing and reading: the next sample has it
                }
            });
            return total[1] == 0 ? Double.NaN : total[0];
        } catch (IOException | java.io.UncheckedIOException e) {
            return Double.NaN;
        }
    }

    /** {@code GET /api/store}, or empty when the hub has no such endpoint (built before issue 17) or fails. */
    static java.util.Optional<StoreReport> apiStore(Target hub) {
        try {
            HttpResponse<String> r = get(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/store"))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN), Duration.ofSeconds(120));
            if (r.statusCode() != 200) {
                return java.util.Optional.empty();
            }
            JsonNode root = JSON.readTree(r.body());
            double file = number(root, "file.bytes", "fileBytes");
            double json = number(root, "messageJsonBytes", "jsonBytes");
            if (Double.isNaN(file) && Double.isNaN(json)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new StoreReport(file, json));
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    /** A GET that gives up after {@code timeout} whatever the client does (its own timeout once did not fire). */
    private static HttpResponse<String> get(HttpRequest.Builder request, Duration timeout) throws IOException,
            InterruptedException {
        var future = CLIENT.sendAsync(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        try {
            return future.get(timeout.toMillis() + 1_000, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            future.cancel(true);
            throw new IOException("GET " + request.build().uri() + " failed: " + e, e);
        }
    }

    /** The first of the dotted paths that leads to a number in the answer (docs/contracts.md), else NaN. */
    private static double number(JsonNode root, String... paths) {
        for (String path : paths) {
            JsonNode node = root;
            for (String field : path.split("\\.")) {
                node = node.path(field);
            }
            if (node.isNumber()) {
                return node.asDouble();
            }
        }
        return Double.NaN;
    }

    /** The body of {@code GET /metrics}, or "" when it cannot be read. */
    static String metrics(Target hub) {
        try {
            HttpResponse<String> r = get(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/metrics")),
                    Duration.ofSeconds(10));
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * The sum of the samples of one family in Prometheus text ({@code family} exactly, or {@code family{...}} with
     * every label in {@code labels}, e.g. {@code state="pending"}), or NaN when there is none.
     */
    static double sample(String metricsText, String family, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(family) + "(\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE);
        Matcher m = line.matcher(metricsText);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            String labelSet = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= labelSet.contains(label);
            }
            if (all) {
                try {
                    sum += Double.parseDouble(m.group(2));
                    found = true;
                } catch (NumberFormatException ignored) {
                    // NaN or garbage: not a figure
                }
            }
        }
        return found ? sum : Double.NaN;
    }
}
