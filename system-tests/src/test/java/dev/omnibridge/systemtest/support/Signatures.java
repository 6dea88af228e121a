package dev.omnibridge.systemtest.support;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/** {@code X-Omnibridge-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>}, computed independently of the hub. */
public final class Signatures {
    public static final String HEADER = "X-Omnibridge-Signature";

    private Signatures() {
    }

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(String secret, String body) {
        return sign(secret, body.getBytes(StandardCharsets.UTF_8));
    }

    public static boolean isValid(String secret, byte[] body, String header) {
        return sign(secret, body).equals(header);
    }
}
