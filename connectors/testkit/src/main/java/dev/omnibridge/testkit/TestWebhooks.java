package dev.omnibridge.testkit;

import dev.omnibridge.webhook.WebhookRequest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builds webhook requests and signs them like a sender would, independently of the code under test. */
public final class TestWebhooks {
    private TestWebhooks() {
    }

    /** {@code sha256=<hex HMAC-SHA256>}, the reference connectors' X-Omnibridge-Signature. */
    public static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static WebhookRequest request(String instanceId, String method, byte[] body,
                                         Map<String, List<String>> headers) {
        return new WebhookRequest(method, "", URI.create("http://localhost:8080/hooks/" + instanceId), headers,
                Map.of(), body, "127.0.0.1");
    }

    public static WebhookRequest signedPost(String instanceId, String secret, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return request(instanceId, "POST", bytes, Map.of("X-Omnibridge-Signature", List.of(signature(secret, bytes)),
                "Content-Type", List.of("application/json")));
    }
}
