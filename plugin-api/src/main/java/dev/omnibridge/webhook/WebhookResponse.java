package dev.omnibridge.webhook;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the hub answers a webhook with, once everything the webhook carried is stored.
 *
 * @param headers extra response headers (e.g. CORS or caching for a browser-facing connector); the hub sets
 *                Content-Type from {@code contentType} and ignores hop-by-hop headers and Set-Cookie here
 */
public record WebhookResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    public WebhookResponse {
        body = body == null ? new byte[0] : body;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public WebhookResponse(int status, String contentType, byte[] body) {
        this(status, contentType, body, null);
    }

    public static WebhookResponse ok() {
        return json(200, "{\"status\":\"stored\"}");
    }

    public static WebhookResponse json(int status, String json) {
        return new WebhookResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public static WebhookResponse text(int status, String text) {
        return new WebhookResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** The same response with one more header (replacing one of the same name). */
    public WebhookResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new WebhookResponse(status, contentType, body, more);
    }

    /** The same response with these headers added. */
    public WebhookResponse withHeaders(Map<String, String> extra) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.putAll(extra);
        return new WebhookResponse(status, contentType, body, more);
    }
}
