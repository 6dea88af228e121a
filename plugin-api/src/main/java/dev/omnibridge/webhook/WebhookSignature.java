package dev.omnibridge.webhook;

import dev.omnibridge.config.Secret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** {@code X-Omnibridge-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>}, checked and produced. */
public final class WebhookSignature {
    public static final String HEADER = "X-Omnibridge-Signature";
    private static final String PREFIX = "sha256=";
    private static final String ALGORITHM = "HmacSHA256";
    /** HMAC-SHA256 is 32 bytes: 64 hex digits. */
    private static final int DIGEST_BYTES = 32;

    private final Secret secret;
    /**
     * A keyed Mac per thread: looking the algorithm up and keying it cost more than the HMAC of a message. A Mac is
     * not thread-safe, and webhooks of one instance arrive on several threads at once.
     */
    private final ThreadLocal<Mac> macs;

    public WebhookSignature(Secret secret) {
        this.secret = secret;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The header value for a body we send. */
    public String sign(byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(body));
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
        if (!matches(request.body(), given)) {
            throw WebhookRejectedException.unauthorized("signature does not match");
        }
    }

    /**
     * Whether {@code given} is {@code sha256=} and the body's HMAC in hex, letters in either case: the same as
     * comparing it, lower-cased, with {@link #sign}, without making the hex string. The digests are compared in time
     * independent of where they differ.
     */
    private boolean matches(byte[] body, String given) {
        byte[] expected = hmac(body);
        byte[] decoded = decode(given);
        return MessageDigest.isEqual(expected, decoded == null ? new byte[DIGEST_BYTES + 1] : decoded);
    }

    /** The digest in {@code sha256=<hex>}, or null when the value is not of that form. */
    private static byte[] decode(String given) {
        if (given.length() != PREFIX.length() + 2 * DIGEST_BYTES) {
            return null;
        }
        for (int i = 0; i < PREFIX.length(); i++) {
            if (asciiLower(given.charAt(i)) != PREFIX.charAt(i)) {
                return null;
            }
        }
        byte[] digest = new byte[DIGEST_BYTES];
        for (int i = 0; i < DIGEST_BYTES; i++) {
            int high = hexDigit(given.charAt(PREFIX.length() + 2 * i));
            int low = hexDigit(given.charAt(PREFIX.length() + 2 * i + 1));
            if (high < 0 || low < 0) {
                return null;
            }
            digest[i] = (byte) (high << 4 | low);
        }
        return digest;
    }

    /** Only ASCII letters are folded: no other character lower-cases to one of {@code sha256=} or a hex digit. */
    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    private static int hexDigit(char c) {
        char lower = asciiLower(c);
        if (lower >= '0' && lower <= '9') {
            return lower - '0';
        }
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    private byte[] hmac(byte[] body) {
        Mac mac = macs.get();
        mac.reset();
        return mac.doFinal(body);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }
}
