package dev.omnibridge.webhook;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request to {@code /hooks/{instanceId}[/subPath]}, with the body as the raw bytes received so that
 * signatures are checked on exactly what the sender signed.
 *
 * @param method     HTTP method, upper case
 * @param subPath    the part after the instance id, without leading slash; empty for the hook itself
 * @param requestUri the URI as the hub received it (behind a proxy this differs from the public URL)
 * @param headers    header values by name; look names up with {@link #header(String)}, which ignores case
 * @param query      query parameters, decoded
 * @param body       raw body bytes, never null
 * @param remoteAddress the peer address
 */
public record WebhookRequest(String method, String subPath, URI requestUri, Map<String, List<String>> headers,
                             Map<String, List<String>> query, byte[] body, String remoteAddress) {
    public WebhookRequest {
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((k, v) -> h.merge(k, List.copyOf(v), (a, b) -> {
                var all = new java.util.ArrayList<>(a);
                all.addAll(b);
                return List.copyOf(all);
            }));
        }
        headers = java.util.Collections.unmodifiableMap(h);
        query = query == null ? Map.of() : Map.copyOf(query);
        body = body == null ? new byte[0] : body;
        subPath = subPath == null ? "" : subPath;
    }

    /** The first value of a header, case-insensitive. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
