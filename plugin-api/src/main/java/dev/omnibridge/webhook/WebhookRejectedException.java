package dev.omnibridge.webhook;

/**
 * Thrown by a connector to refuse a webhook: the hub answers with {@code status} and the message, and stores
 * nothing. The message must name the problem without echoing secrets or customer data.
 */
public class WebhookRejectedException extends RuntimeException {
    private final int status;

    public WebhookRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static WebhookRejectedException unauthorized(String message) {
        return new WebhookRejectedException(401, message);
    }

    public static WebhookRejectedException forbidden(String message) {
        return new WebhookRejectedException(403, message);
    }

    public static WebhookRejectedException badRequest(String message) {
        return new WebhookRejectedException(400, message);
    }
}
