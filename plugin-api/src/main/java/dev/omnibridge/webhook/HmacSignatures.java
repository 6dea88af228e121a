package dev.omnibridge.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * HMAC helpers for webhook signatures. Always compute over the raw bytes received, and compare with
 * {@link #constantTimeEquals} so that timing reveals nothing about the expected value.
 */
public final class HmacSignatures {
    private HmacSignatures() {
    }

    /** HMAC with the given JCA algorithm name ({@code HmacSHA256}, {@code HmacSHA1}). */
    public static byte[] hmac(String algorithm, String secret, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    public static String hmacSha256Hex(String secret, byte[] body) {
        return HexFormat.of().formatHex(hmac("HmacSHA256", secret, body));
    }

    public static String hmacBase64(String algorithm, String secret, byte[]... parts) {
        return Base64.getEncoder().encodeToString(hmac(algorithm, secret, parts));
    }

    /** Compares in time independent of where the inputs differ; null never matches. */
    public static boolean constantTimeEquals(String expected, String actual) {
        if (expected == null || actual == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }
}
