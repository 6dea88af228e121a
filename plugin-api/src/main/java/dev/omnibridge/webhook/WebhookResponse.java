package dev.omnibridge.webhook;

import java.nio.charset.StandardCharsets;

/** What the hub answers a webhook with, once everything the webhook carried is stored. */
public record WebhookResponse(int status, String contentType, byte[] body) {
    public WebhookResponse {
        body = body == null ? new byte[0] : body;
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
}
