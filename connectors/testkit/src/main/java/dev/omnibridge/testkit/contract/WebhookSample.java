package dev.omnibridge.testkit.contract;

import dev.omnibridge.webhook.WebhookRequest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One webhook a vendor would send, before it is signed: the contract signs it (or not, or wrongly) through
 * {@link ConnectorContract#sign}, and alters it, to check what the connector accepts and refuses.
 *
 * @param name    for failure messages ({@code "text message"})
 * @param method  HTTP method
 * @param subPath the part after {@code /hooks/{instanceId}/}, empty for the hook itself
 * @param headers headers the vendor sends besides its signature (e.g. Content-Type)
 * @param query   query parameters
 * @param body    the raw body as sent
 */
public record WebhookSample(String name, String method, String subPath, Map<String, List<String>> headers,
                            Map<String, List<String>> query, byte[] body) {
    public WebhookSample {
        subPath = subPath == null ? "" : subPath;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        query = query == null ? Map.of() : Map.copyOf(query);
        body = body == null ? new byte[0] : body.clone();
    }

    /** A POST of {@code body} with the given Content-Type. */
    public static WebhookSample post(String name, String contentType, String body) {
        return new WebhookSample(name, "POST", "", Map.of("Content-Type", List.of(contentType)), Map.of(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** A POST of a JSON body. */
    public static WebhookSample json(String name, String body) {
        return post(name, "application/json", body);
    }

    /** A POST of an {@code application/x-www-form-urlencoded} body. */
    public static WebhookSample form(String name, String body) {
        return post(name, "application/x-www-form-urlencoded", body);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** This sample with the body replaced (e.g. one byte changed after signing). */
    public WebhookSample withBody(byte[] newBody) {
        return new WebhookSample(name, method, subPath, headers, query, newBody);
    }

    /** The sample as the hub would hand it to {@code instanceId}, unsigned. */
    public WebhookRequest toRequest(String instanceId) {
        return toRequest(instanceId, Map.of());
    }

    /**
     * The sample as the hub would hand it to {@code instanceId}, with {@code extraHeaders} (the signature) added.
     * The request URI is {@code http://localhost:8080/hooks/{instanceId}[/subPath]}, what
     * {@code FakeConnectorContext.webhookUrl()} answers.
     */
    public WebhookRequest toRequest(String instanceId, Map<String, List<String>> extraHeaders) {
        Map<String, List<String>> all = new LinkedHashMap<>(headers);
        all.putAll(extraHeaders);
        String path = "http://localhost:8080/hooks/" + instanceId + (subPath.isEmpty() ? "" : "/" + subPath);
        StringBuilder q = new StringBuilder();
        query.forEach((k, vs) -> vs.forEach(v -> q.append(q.isEmpty() ? "?" : "&")
                .append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8))));
        return new WebhookRequest(method, subPath, URI.create(path + q), all, query, body, "127.0.0.1");
    }

    @Override
    public String toString() {
        return name;
    }
}
