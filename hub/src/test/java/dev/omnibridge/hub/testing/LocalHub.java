package dev.omnibridge.hub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.spi.ConnectorType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real hub on a free local port for tests that speak to it over HTTP: the config those tests share (embedded
 * store under the test's directory, quick delivery retries) and the requests they send it. It does not own the
 * {@link Hub}: each test starts and closes it when its own life cycle says.
 */
public final class LocalHub {
    /** Two workers, three attempts, 100 ms to 1 s apart: a failing delivery settles within a test's patience. */
    public static final HubConfig.Delivery QUICK_DELIVERY =
            new HubConfig.Delivery(2, 3, Duration.ofMillis(100), Duration.ofSeconds(1));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final String base;
    private final String token;

    /** Picks a free port now, so the base URL is known before the hub starts. */
    public LocalHub(String adminToken) {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        base = "http://127.0.0.1:" + port;
        token = adminToken;
    }

    public String base() {
        return base;
    }

    public HubConfig config(Path dir, HubConfig.Delivery delivery, List<HubConfig.Instance> instances,
                            List<HubConfig.Route> routes) {
        return new HubConfig(new HubConfig.Http("127.0.0.1", port, 1 << 20), URI.create(base), dir.resolve("data"),
                dir.resolve("plugins"), token, store(), delivery, instances, routes);
    }

    /** System property naming a PostgreSQL server ({@code jdbc:postgresql://host:port/}) to run a test against. */
    public static final String POSTGRES = "omnibridge.test.postgres";

    /**
     * The embedded H2 store; or, with {@code -Domnibridge.test.postgres=jdbc:postgresql://host:port/} (user
     * {@code postgres}, trust authentication), a fresh PostgreSQL database for this hub, so a test checks the same
     * behaviour on both stores.
     */
    private static HubConfig.Store store() {
        String server = System.getProperty(POSTGRES);
        if (server == null || server.isBlank()) {
            return new HubConfig.Store(null, null, null);
        }
        String name = "ob_" + java.util.UUID.randomUUID().toString().replace("-", "");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(server + "postgres", "postgres", "");
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + server, e);
        }
        return new HubConfig.Store(server + name, "postgres", null);
    }

    /** @param types the test's own connector types, offered next to the built-in ones */
    public Hub start(Path dir, HubConfig.Delivery delivery, List<HubConfig.Instance> instances,
                     List<HubConfig.Route> routes, ConnectorType... types) throws Exception {
        return Hub.start(config(dir, delivery, instances, routes), List.of(types));
    }

    public static HubConfig.Instance instance(String id, String type) {
        return new HubConfig.Instance(id, type, true, Map.of());
    }

    // ---- HTTP ----

    public HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    public HttpRequest.Builder postJson(String path, String json) {
        return request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    /** A webhook-like POST: the text as the UTF-8 body, no content type. */
    public HttpRequest.Builder postText(String path, String text) {
        return request(path).POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
    }

    public HttpRequest.Builder withToken(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + token);
    }

    /** Sends and reads the answer as text; an I/O failure (e.g. a refused connection) is the cause of the error. */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits until the hub has linked a ticket of {@code desk} to a conversation (it does when it records the desk's
     * answer to the delivery, a moment after the desk itself saw the message): a desk reply sent before would name a
     * ticket no conversation has yet.
     */
    public void awaitTicketLinked(String desk) {
        Poll.until("the hub linked a ticket of " + desk, () -> {
            JsonNode list = json(send(withToken(get("/api/conversations")))).path("conversations");
            for (JsonNode c : list) {
                if (c.path("deskTickets").has(desk)) {
                    return true;
                }
            }
            return false;
        }, () -> "no ticket of " + desk + " linked");
    }

    public static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT);
    }
}
