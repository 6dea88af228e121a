package dev.omnibridge.connector.webhookdesk;

import dev.omnibridge.webhook.WebhookRequest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Signs like a sender would, independently of the code under test. */
final class TestSigning {
    private TestSigning() {
    }

    static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static WebhookRequest request(String method, byte[] body, Map<String, List<String>> headers) {
        return new WebhookRequest(method, "", URI.create("http://localhost:8080/hooks/desk"), headers, Map.of(), body,
                "127.0.0.1");
    }

    static WebhookRequest signedPost(String secret, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return request("POST", bytes, Map.of("X-Omnibridge-Signature", List.of(signature(secret, bytes)),
                "Content-Type", List.of("application/json")));
    }
}
