package dev.omnibridge.connector.hubspot;

import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * HubSpot's v3 request signature: {@code X-HubSpot-Signature-v3} = base64(HMAC-SHA256(client secret,
 * method + URI + raw body + timestamp)), {@code X-HubSpot-Request-Timestamp} in epoch milliseconds; requests older
 * than five minutes are refused. The URI is the one HubSpot called, so it is built from the configured public
 * webhook URL (behind a proxy the hub sees another one) plus the sub-path and query the hub received.
 * Reference: https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 */
final class HubSpotSignature {
    static final String SIGNATURE = "X-HubSpot-Signature-v3";
    static final String TIMESTAMP = "X-HubSpot-Request-Timestamp";
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final String clientSecret;
    private final URI webhookUrl;
    private final Clock clock;

    HubSpotSignature(String clientSecret, URI webhookUrl, Clock clock) {
        this.clientSecret = clientSecret;
        this.webhookUrl = webhookUrl;
        this.clock = clock;
    }

    /** Throws 401 unless the request carries a fresh, valid v3 signature; checked before the body is parsed. */
    void verify(WebhookRequest request) {
        String signature = request.header(SIGNATURE).orElse(null);
        String timestamp = request.header(TIMESTAMP).orElse(null);
        if (signature == null || timestamp == null) {
            throw WebhookRejectedException.unauthorized("missing " + SIGNATURE + " or " + TIMESTAMP + " header");
        }
        long millis;
        try {
            millis = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw WebhookRejectedException.unauthorized(TIMESTAMP + " is not a number");
        }
        long age = clock.millis() - millis;
        if (Math.abs(age) > MAX_AGE.toMillis()) {
            throw WebhookRejectedException.unauthorized("request timestamp is more than 5 minutes off");
        }
        String expected = sign(request.method(), signedUri(request), request.body(), timestamp.strip());
        if (!HmacSignatures.constantTimeEquals(expected, signature.strip())) {
            throw WebhookRejectedException.unauthorized("invalid " + SIGNATURE);
        }
    }

    /** The URI as HubSpot called it: the public webhook URL, the sub-path below it, the query received. */
    String signedUri(WebhookRequest request) {
        String base = webhookUrl.toString();
        int q = base.indexOf('?');
        if (q >= 0) {
            base = base.substring(0, q);
        }
        if (!request.subPath().isEmpty()) {
            base = (base.endsWith("/") ? base : base + "/") + request.subPath();
        }
        String query = request.requestUri() == null ? null : request.requestUri().getRawQuery();
        return query == null || query.isEmpty() ? base : base + "?" + decodeReserved(query);
    }

    /** HubSpot's validation guide has these URL-encoded characters decoded in the signed URI. */
    private static final String[][] DECODED = {{"%3A", ":"}, {"%2F", "/"}, {"%3F", "?"}, {"%40", "@"}, {"%21", "!"},
            {"%24", "$"}, {"%27", "'"}, {"%28", "("}, {"%29", ")"}, {"%2A", "*"}, {"%2C", ","}, {"%3B", ";"}};

    static String decodeReserved(String s) {
        String out = s;
        for (String[] pair : DECODED) {
            out = out.replace(pair[0], pair[1]).replace(pair[0].toLowerCase(java.util.Locale.ROOT), pair[1]);
        }
        return out;
    }

    String sign(String method, String uri, byte[] body, String timestamp) {
        return HmacSignatures.hmacBase64("HmacSHA256", clientSecret,
                method.getBytes(StandardCharsets.UTF_8), uri.getBytes(StandardCharsets.UTF_8), body,
                timestamp.getBytes(StandardCharsets.UTF_8));
    }
}
