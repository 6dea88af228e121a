package dev.omnibridge.connector.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.webhook.WebhookRejectedException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A verified JSON body (the {@code bodySHA256} variant), read as the same flat name/value parameters a form body
 * has, so one parser handles both. Nested values are kept as their JSON text.
 */
final class JsonParams {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonParams() {
    }

    static FormParams parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw WebhookRejectedException.badRequest("body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw WebhookRejectedException.badRequest("JSON body must be an object");
        }
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        root.fields().forEachRemaining(f -> {
            JsonNode v = f.getValue();
            if (v.isArray()) {
                v.forEach(item -> entries.add(Map.entry(f.getKey(), item.isValueNode() ? item.asText()
                        : item.toString())));
            } else if (!v.isNull()) {
                entries.add(Map.entry(f.getKey(), v.isValueNode() ? v.asText() : v.toString()));
            }
        });
        return new FormParams(entries);
    }
}
