package dev.omnibridge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Camel baseline's delivery: a fixed pool (as many workers as the hub's default {@code delivery.workers}) POSTing
 * signed bodies with the JDK client, then recording the delivery in the store. No retries, no per-conversation order:
 * the baseline is the cheapest version of the job.
 */
final class Forwarder {
    private final ExecutorService workers;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final GroupCommitStore store;

    Forwarder(int workers, GroupCommitStore store) {
        this.workers = Executors.newFixedThreadPool(workers);
        this.store = store;
    }

    void forward(long id, String url, Signer signer, byte[] body) {
        workers.execute(() -> {
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .header(Signer.HEADER, signer.sign(body)).header("Idempotency-Key", "m-" + id)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    store.submit(c -> {
                        try (PreparedStatement ps = c.prepareStatement("UPDATE messages SET delivered_at = ? WHERE id = ?")) {
                            ps.setObject(1, OffsetDateTime.now());
                            ps.setLong(2, id);
                            return ps.executeUpdate();
                        }
                    });
                }
            } catch (Exception e) {
                System.err.println("delivery of " + id + " failed: " + e);
            }
        });
    }
}
