package dev.omnibridge.examples.line;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.config.Secret;
import dev.omnibridge.spi.DeliveryException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * LINE's push message API: {@code POST <apiBase>/v2/bot/message/push} with {@code {"to", "messages"}} and the channel
 * access token as bearer token.
 * <ul>
 *   <li>A text message holds at most {@value #MAX_TEXT} characters and one request at most {@value #MAX_MESSAGES}
 *   messages: a longer reply is cut into parts, in order, five per request.</li>
 *   <li>Every request carries an {@code X-Line-Retry-Key}, a UUID made from the hub's idempotency key and the request's
 *   place in the reply, so it is the same when the hub retries. LINE executes a request with a given key once and
 *   answers a repeat with 409: that part was already sent, so 409 counts as sent.</li>
 *   <li>Other answers are classified as the hub expects: 429 (rate or monthly limit) and 5xx are retried, 400, 401
 *   and 403 are permanent. LINE's error bodies are not quoted: they may name the recipient.</li>
 * </ul>
 */
final class LinePush {
    static final int MAX_TEXT = 5000;
    static final int MAX_MESSAGES = 5;
    static final String PATH = "/v2/bot/message/push";
    static final String RETRY_KEY = "X-Line-Retry-Key";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final Secret accessToken;
    private final Duration timeout;
    private final HttpClient http;

    LinePush(URI apiBase, Secret accessToken, Duration timeout) {
        String base = apiBase.toString();
        this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + PATH);
        this.accessToken = accessToken;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * Sends {@code text} to the LINE user {@code to}.
     *
     * @return LINE's id of the first sent message, or empty when LINE had already taken every request (409)
     */
    Optional<String> send(String to, String text, String idempotencyKey) {
        List<String> parts = parts(text);
        String firstId = null;
        for (int from = 0, request = 0; from < parts.size(); from += MAX_MESSAGES, request++) {
            List<String> batch = parts.subList(from, Math.min(parts.size(), from + MAX_MESSAGES));
            Optional<String> id = push(to, batch, retryKey(idempotencyKey, request));
            if (firstId == null && id.isPresent()) {
                firstId = id.get();
            }
        }
        return Optional.ofNullable(firstId);
    }

    private Optional<String> push(String to, List<String> texts, String retryKey) {
        ObjectNode body = JSON.createObjectNode().put("to", to);
        ArrayNode messages = body.putArray("messages");
        texts.forEach(t -> messages.addObject().put("type", "text").put("text", t));
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(endpoint)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + accessToken.reveal())
                    .header(RETRY_KEY, retryKey)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw DeliveryException.retryable("no answer from the LINE API: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable("interrupted while pushing to LINE", e);
        }
        int status = response.statusCode();
        if (status == 409) {
            return Optional.empty();
        }
        if (status / 100 != 2) {
            throw DeliveryException.forHttpStatus(status, response.headers().firstValue("Retry-After").orElse(null),
                    "LINE push refused");
        }
        try {
            JsonNode answer = JSON.readTree(response.body());
            String id = answer == null ? "" : answer.path("sentMessages").path(0).path("id").asText("");
            return id.isBlank() ? Optional.empty() : Optional.of(id);
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /** The text cut into parts of at most {@value #MAX_TEXT} characters, never inside a surrogate pair. */
    static List<String> parts(String text) {
        String t = text == null ? "" : text;
        List<String> parts = new ArrayList<>();
        int start = 0;
        while (t.length() - start > MAX_TEXT) {
            int end = start + MAX_TEXT;
            if (Character.isHighSurrogate(t.charAt(end - 1))) {
                end--;
            }
            parts.add(t.substring(start, end));
            start = end;
        }
        parts.add(t.substring(start));
        return parts;
    }

    /** LINE wants a UUID; one per hub delivery and request, the same on every retry. */
    static String retryKey(String idempotencyKey, int request) {
        return UUID.nameUUIDFromBytes((idempotencyKey + "/" + request).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
