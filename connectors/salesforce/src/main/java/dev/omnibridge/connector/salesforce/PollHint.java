package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.Secret;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The signed "poll now" hint an Apex trigger or Flow sends: {@code X-Omnibridge-Signature} is the HMAC-SHA256 of the
 * raw body with the shared secret, as hex (optionally {@code sha256=}-prefixed) or base64, which is what Apex's
 * {@code Crypto.generateMac} with {@code EncodingUtil.convertToHex} or {@code base64Encode} gives. Checked on the
 * raw bytes in constant time before the body is read; the body must then be a JSON object whose {@code sentAt} lies
 * within the tolerance of now (400 without one, 401 outside it), so a captured hint can't be replayed forever.
 */
final class PollHint {
    static final String HEADER = "X-Omnibridge-Signature";

    private final Secret secret;
    private final Duration tolerance;

    PollHint(Secret secret, Duration tolerance) {
        this.secret = secret;
        this.tolerance = tolerance;
    }

    /** @throws WebhookRejectedException 401 on a missing, wrong or expired signature, 400 on a body that is not a JSON object with a readable sentAt */
    void verify(WebhookRequest request, Instant now) {
        String given = request.header(HEADER).map(String::strip).orElse("");
        if (given.isEmpty()) {
            throw WebhookRejectedException.unauthorized("missing " + HEADER + " header");
        }
        if (given.regionMatches(true, 0, "sha256=", 0, 7)) {
            given = given.substring(7);
        }
        byte[] mac = HmacSignatures.hmac("HmacSHA256", secret.reveal(), request.body());
        // Both forms are compared every time, so timing does not tell which one the sender used.
        boolean hex = HmacSignatures.constantTimeEquals(HexFormat.of().formatHex(mac), given.toLowerCase(Locale.ROOT));
        boolean base64 = HmacSignatures.constantTimeEquals(Base64.getEncoder().encodeToString(mac), given);
        if (!(hex | base64)) {
            throw WebhookRejectedException.unauthorized("signature does not match");
        }
        checkAge(request.body(), now);
    }

    /**
     * The body must be a JSON object with a {@code sentAt} instant inside the window on either side of now: a signed
     * body without one could be replayed forever, so it is refused like an expired one.
     */
    private void checkAge(byte[] body, Instant now) {
        JsonNode hint;
        try {
            hint = body.length == 0 ? null : DeskHttp.JSON.readTree(body);
        } catch (IOException notJson) {
            hint = null;
        }
        if (hint == null || !hint.isObject()) {
            throw WebhookRejectedException.badRequest("the hint must be a JSON object with sentAt (an ISO-8601 instant)");
        }
        JsonNode sentAt = hint.path("sentAt");
        if (!sentAt.isTextual() || sentAt.asText().isBlank()) {
            throw WebhookRejectedException.badRequest("the hint has no sentAt (an ISO-8601 instant, e.g. Apex's "
                    + "JSON.serialize(Datetime.now()))");
        }
        Instant sent;
        try {
            sent = Instant.parse(sentAt.asText());
        } catch (DateTimeParseException e) {
            throw WebhookRejectedException.badRequest("sentAt is not an ISO-8601 instant");
        }
        if (Duration.between(sent, now).abs().compareTo(tolerance) > 0) {
            throw WebhookRejectedException.unauthorized("hint expired: sentAt is outside the allowed " + tolerance
                    + " (check the clocks)");
        }
    }
}
