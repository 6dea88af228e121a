package dev.omnibridge.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * HMAC helpers for webhook signatures. Always compute over the raw bytes received, and compare with
 * {@link #constantTimeEquals} so that timing reveals nothing about the expected value.
 *
 * <p>Each thread keeps its last initialised {@link Mac} per algorithm and reuses it while the secret stays the same:
 * {@code Mac.getInstance} (a provider look-up) and {@code init} (the key's pads) cost more than signing a small
 * body, and a hub signs or checks every desk delivery and every webhook. A {@code Mac} is reset by
 * {@code doFinal}, and never shared between threads.
 */
public final class HmacSignatures {
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<Map<String, KeyedMac>> MACS = ThreadLocal.withInitial(HashMap::new);

    /** A thread's initialised Mac and the key bytes it was initialised with. */
    private record KeyedMac(byte[] key, Mac mac) {
    }

    private HmacSignatures() {
    }

    /** HMAC with the given JCA algorithm name ({@code HmacSHA256}, {@code HmacSHA1}). */
    public static byte[] hmac(String algorithm, String secret, byte[]... parts) {
        Mac mac = mac(algorithm, secret.getBytes(StandardCharsets.UTF_8));
        try {
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (RuntimeException e) {
            // Never hand a Mac in an unknown state to the next caller of this thread.
            MACS.get().remove(algorithm);
            throw e;
        }
    }

    private static Mac mac(String algorithm, byte[] key) {
        Map<String, KeyedMac> macs = MACS.get();
        KeyedMac cached = macs.get(algorithm);
        if (cached != null && MessageDigest.isEqual(cached.key(), key)) {
            return cached.mac();
        }
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            macs.put(algorithm, new KeyedMac(key, mac));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    public static String hmacSha256Hex(String secret, byte[] body) {
        return HEX.formatHex(hmac("HmacSHA256", secret, body));
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
