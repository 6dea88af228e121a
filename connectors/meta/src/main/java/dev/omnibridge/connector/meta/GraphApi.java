package dev.omnibridge.connector.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.net.CredentialScope;
import dev.omnibridge.net.Credentials;
import dev.omnibridge.net.RefusedUrlException;
import dev.omnibridge.net.SafeFetcher;
import dev.omnibridge.spi.DeliveryException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Graph API over the JDK HttpClient. The access token only ever travels in the Authorization header; it is
 * never put into a URL, a log line or an exception message.
 */
final class GraphApi {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;
    private final String token;
    private final Duration timeout;
    private final SafeFetcher media;
    private final CredentialScope mediaScope;

    GraphApi(URI baseUrl, String version, String token, Duration timeout) {
        this(baseUrl, version, token, timeout, Set.of());
    }

    /** @param trustedForTests loopback {@code host:port} stubs media downloads may reach in tests (see SafeFetcher) */
    GraphApi(URI baseUrl, String version, String token, Duration timeout, Set<String> trustedForTests) {
        String b = baseUrl.toString();
        this.base = (b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/" + version;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.media = SafeFetcher.builder().timeout(timeout).configuredOrigin(baseUrl)
                .trustedForTests(trustedForTests).build();
        this.mediaScope = CredentialScope.origin(baseUrl).or(CredentialScope.httpsDomains(META_MEDIA_DOMAINS));
    }

    /** {@code <base>/<version>/<path>}. */
    URI uri(String path) {
        return URI.create(base + "/" + path);
    }

    JsonNode get(String path) throws GraphException, InterruptedException {
        HttpRequest req = authorized(uri(path)).GET().header("Accept", "application/json").build();
        return json(send(req, HttpResponse.BodyHandlers.ofByteArray()), path);
    }

    JsonNode post(String path, JsonNode body) throws GraphException, InterruptedException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest req = authorized(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        return json(send(req, HttpResponse.BodyHandlers.ofByteArray()), path);
    }

    /** A multipart upload (WhatsApp media, Messenger attachments); answers and errors as for {@link #post}. */
    JsonNode postMultipart(String path, Multipart form) throws GraphException, InterruptedException {
        HttpRequest req = authorized(uri(path)).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())).build();
        return json(send(req, HttpResponse.BodyHandlers.ofByteArray()), path);
    }

    /**
     * Where WhatsApp media URLs may take the access token besides the Graph API's own origin: Meta's media CDNs,
     * over https on port 443 only.
     */
    static final List<String> META_MEDIA_DOMAINS = List.of("fbsbx.com", "facebook.com", "fbcdn.net", "whatsapp.net");

    /**
     * Downloads a media URL through the shared {@link SafeFetcher}: https only, public addresses on every hop, and
     * with {@code bearer} (WhatsApp media need it) the token goes only to the Graph API's exact origin or Meta's
     * https media hosts, never along a redirect to another origin. Any other URL is refused before a connection is
     * made, so a crafted URL can neither collect the token nor reach the hub's own network.
     *
     * @throws GraphException status 400 when refused, 0 on a network error, else the answer's status
     */
    HttpResponse<InputStream> download(URI url, boolean bearer) throws GraphException, InterruptedException {
        Credentials credentials = Credentials.NONE;
        if (bearer) {
            if (!mediaScope.covers(url)) {
                throw refused("media URL is not on a Meta host (" + url.getScheme() + "://" + url.getHost()
                        + (url.getPort() < 0 ? "" : ":" + url.getPort()) + ")");
            }
            credentials = Credentials.authorization("Bearer " + token, mediaScope);
        }
        HttpResponse<InputStream> res;
        try {
            res = media.get(url, credentials, Map.of("Accept", "*/*"));
        } catch (RefusedUrlException e) {
            throw refused(e.getMessage());
        } catch (IOException e) {
            throw new GraphException("media download failed: " + e.getClass().getSimpleName(), 0, null, null, null,
                    null);
        }
        if (res.statusCode() / 100 != 2) {
            try (InputStream in = res.body()) {
                in.readNBytes(4096);
            } catch (IOException ignored) {
                // the status says enough
            }
            throw new GraphException("media download answered HTTP " + res.statusCode(), res.statusCode(), null,
                    null, null, null);
        }
        return res;
    }

    private static GraphException refused(String why) {
        return new GraphException("media download refused: " + why, 400, null, null, null, null);
    }

    private HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", "Bearer " + token);
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler)
            throws GraphException, InterruptedException {
        try {
            return http.send(req, handler);
        } catch (IOException e) {
            throw new GraphException("network error talking to the Graph API: " + e.getClass().getSimpleName(), 0,
                    null, null, null, null);
        }
    }

    private JsonNode json(HttpResponse<byte[]> res, String what) throws GraphException {
        JsonNode body;
        try {
            body = res.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(res.body());
        } catch (IOException e) {
            body = null;
        }
        int status = res.statusCode();
        if (status / 100 == 2 && body != null && !body.has("error")) {
            return body;
        }
        Duration retryAfter = DeliveryException.parseRetryAfter(res.headers().firstValue("Retry-After").orElse(null))
                .orElse(null);
        JsonNode err = body == null ? null : body.path("error");
        if (err == null || !err.isObject()) {
            String snippet = new String(res.body(), 0, Math.min(res.body().length, 200), StandardCharsets.UTF_8);
            throw new GraphException("HTTP " + status + scrub(snippet.isBlank() ? "" : ": " + snippet), status, null,
                    null, retryAfter, null);
        }
        Integer code = err.hasNonNull("code") ? err.get("code").asInt() : null;
        Integer sub = err.hasNonNull("error_subcode") ? err.get("error_subcode").asInt() : null;
        StringBuilder msg = new StringBuilder("HTTP ").append(status).append(": Graph error");
        if (code != null) {
            msg.append(' ').append(code);
        }
        if (sub != null) {
            msg.append('/').append(sub);
        }
        String text = err.path("message").asText("");
        if (!text.isBlank()) {
            msg.append(": ").append(text);
        }
        String trace = err.path("fbtrace_id").asText("");
        if (!trace.isBlank()) {
            msg.append(" (fbtrace_id ").append(trace).append(')');
        }
        throw new GraphException(scrub(msg.toString()), status, code, sub, retryAfter, null);
    }

    /** Removes the token should an answer ever echo it. */
    String scrub(String s) {
        return token.isEmpty() ? s : s.replace(token, "***");
    }
}
