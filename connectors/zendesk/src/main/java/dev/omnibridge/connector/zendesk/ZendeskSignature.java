package dev.omnibridge.connector.zendesk;

import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Zendesk webhook signatures: {@code X-Zendesk-Webhook-Signature} = base64(HMAC-SHA256(signing secret,
 * timestamp + raw body)) with the timestamp from {@code X-Zendesk-Webhook-Signature-Timestamp} (ISO-8601, e.g.
 * {@code 2021-07-25T10:00:00Z}). Checked on the raw bytes, compared in constant time, and the timestamp must be
 * within the tolerance so that a captured request cannot be replayed later.
 * https://developer.zendesk.com/documentation/webhooks/verifying/
 */
final class ZendeskSignature {
    static final String SIGNATURE = "X-Zendesk-Webhook-Signature";
    static final String TIMESTAMP = "X-Zendesk-Webhook-Signature-Timestamp";

    private final String secret;
    private final Duration tolerance;
    private final Clock clock;

    ZendeskSignature(String secret, Duration tolerance, Clock clock) {
        this.secret = secret;
        this.tolerance = tolerance;
        this.clock = clock;
    }

    static String sign(String secret, String timestamp, byte[] body) {
        return HmacSignatures.hmacBase64("HmacSHA256", secret, timestamp.getBytes(StandardCharsets.UTF_8), body);
    }

    void verify(WebhookRequest request) {
        String signature = request.header(SIGNATURE).orElse(null);
        String timestamp = request.header(TIMESTAMP).orElse(null);
        if (signature == null || timestamp == null) {
            throw WebhookRejectedException.unauthorized("missing " + (signature == null ? SIGNATURE : TIMESTAMP));
        }
        if (!HmacSignatures.constantTimeEquals(sign(secret, timestamp, request.body()), signature.strip())) {
            throw WebhookRejectedException.unauthorized("webhook signature does not match");
        }
        Instant at = parse(timestamp);
        if (at == null) {
            throw WebhookRejectedException.unauthorized("unreadable " + TIMESTAMP);
        }
        Duration age = Duration.between(at, clock.instant()).abs();
        if (age.compareTo(tolerance) > 0) {
            throw WebhookRejectedException.unauthorized("webhook timestamp is outside the allowed " + tolerance
                    + " window (replayed or clock skew)");
        }
    }

    /** ISO-8601 as Zendesk sends it; epoch seconds accepted too. */
    private static Instant parse(String timestamp) {
        String t = timestamp.strip();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException notIso) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(t));
            } catch (NumberFormatException notEpoch) {
                return null;
            }
        }
    }
}
