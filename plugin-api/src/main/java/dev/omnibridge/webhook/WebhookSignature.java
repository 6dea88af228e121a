package dev.omnibridge.webhook;

import dev.omnibridge.config.Secret;
import dev.omnibridge.webhook.HmacSignatures;

import java.util.Locale;

/** {@code X-Omnibridge-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>}, checked and produced. */
public final class WebhookSignature {
    public static final String HEADER = "X-Omnibridge-Signature";
    private static final String PREFIX = "sha256=";

    private final Secret secret;

    public WebhookSignature(Secret secret) {
        this.secret = secret;
    }

    /** The header value for a body we send. */
    public String sign(byte[] body) {
        return PREFIX + HmacSignatures.hmacSha256Hex(secret.reveal(), body);
    }

    /**
     * Checks the request's signature over its raw body bytes, before anything looks at the body.
     *
     * @throws WebhookRejectedException 401 when the header is missing or does not match
     */
    public void verify(WebhookRequest request) {
        String given = request.header(HEADER).map(String::strip).orElse("");
        if (given.isEmpty()) {
            throw WebhookRejectedException.unauthorized("missing " + HEADER + " header");
        }
        if (!HmacSignatures.constantTimeEquals(sign(request.body()), given.toLowerCase(Locale.ROOT))) {
            throw WebhookRejectedException.unauthorized("signature does not match");
        }
    }
}
