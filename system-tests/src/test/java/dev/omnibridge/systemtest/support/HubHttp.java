package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** HTTP calls to one hub: signed webhooks, the admin API with the bearer token, and plain requests. */
public final class HubHttp {
    private final String baseUrl;
    private final String adminToken;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    HubHttp(String baseUrl, String adminToken) {
        this.baseUrl = baseUrl;
        this.adminToken = adminToken;
    }

    /** POSTs {@code body} to {@code path} with {@code X-Omnibridge-Signature} computed with {@code secret}. */
    public HttpResponse<String> postSigned(String path, String secret, String body) {
        return post(path, body, Signatures.HEADER, Signatures.sign(secret, body));
    }

    /** POSTs a JSON body with the given header name/value pairs (none: unsigned). */
    public HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    /** A GET with the given header name/value pairs. */
    public HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = request(path).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    /** An admin API call with {@code Authorization: Bearer <adminToken>}. */
    public HttpResponse<String> admin(String method, String path) {
        return send(request(path).header("Authorization", "Bearer " + adminToken)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    /** A POST of a JSON body to the admin API with {@code Authorization: Bearer <adminToken>}. */
    public HttpResponse<String> adminPost(String path, String body) {
        return send(request(path).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    /** GET on the admin API, expecting 200 and JSON. */
    public JsonNode adminJson(String path) {
        HttpResponse<String> response = admin("GET", path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.parse(response.body());
    }

    /**
     * A call of the chat widget to webchat instance {@code chat}: {@code /hooks/<chat>/<path>} from the hub's own
     * origin (always allowed), with the visitor's token if any; a POST carries {@code body} as JSON.
     */
    public HttpResponse<String> widget(String chat, String method, String path, String token, String body) {
        String[] headers = token == null ? new String[] {"Origin", baseUrl}
                : new String[] {"Origin", baseUrl, "Authorization", "Bearer " + token};
        String url = "/hooks/" + chat + "/" + path;
        return method.equals("GET") ? get(url, headers) : post(url, body, headers);
    }

    /** A new widget session on {@code chat} for the session request {@code body}: the visitor's token. */
    public String widgetSession(String chat, String body) {
        HttpResponse<String> r = widget(chat, "POST", "session", null, body);
        if (r.statusCode() != 200) {
            throw new AssertionError("session answered " + r.statusCode() + ": " + r.body());
        }
        return Json.parse(r.body()).path("token").asText();
    }

    /** The parsed {@code /health} document (answered with 200 or 503). */
    public JsonNode health() {
        HttpResponse<String> response = get("/health");
        if (response.statusCode() != 200 && response.statusCode() != 503) {
            throw new AssertionError("/health answered " + response.statusCode() + ": " + response.body());
        }
        return Json.parse(response.body());
    }

    /**
     * Whether the hub has started its instances: {@code /health} answers 200, or 503 with a status other than
     * STARTING (e.g. DOWN because an instance failed). False while nothing answers.
     */
    boolean startedUp() {
        try {
            HttpResponse<String> r = client.send(request("/health").timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200
                    || (r.statusCode() == 503 && !"STARTING".equals(Json.parse(r.body()).path("status").asText()));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
