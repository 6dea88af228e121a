package dev.omnibridge.systemtest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * What Twilio does to a hub: form-encoded POSTs to {@code /hooks/<id>} with {@code X-Twilio-Signature}. Also downloads
 * stored attachments as bytes (the admin API through {@link HubHttp} reads bodies as text).
 */
public final class TwilioHubClient {
    private final HubProcess hub;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public TwilioHubClient(HubProcess hub) {
        this.hub = hub;
    }

    /**
     * The URL the hub gives Twilio for {@code /hooks/<instanceId>} when the instance has no {@code webhookUrl}: the
     * default {@code hub.publicUrl}, {@code http://localhost:<port>}, which {@link HubConfig} does not override.
     */
    public String defaultWebhookUrl(String instanceId) {
        return "http://localhost:" + URI.create(hub.baseUrl()).getPort() + "/hooks/" + instanceId;
    }

    /** POSTs the form to {@code path} signed over {@code signedUrl} with {@code authToken}. */
    public HttpResponse<String> postSigned(String path, String authToken, String signedUrl, Map<String, String> params) {
        return post(path, params, TwilioSignature.sign(authToken, signedUrl, params));
    }

    /** POSTs the form to {@code path} with this {@code X-Twilio-Signature}, or none when {@code signature} is null. */
    public HttpResponse<String> post(String path, Map<String, String> params, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hub.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", TwilioForm.CONTENT_TYPE + "; charset=UTF-8")
                .header("User-Agent", "TwilioProxy/1.1")
                .header("I-Twilio-Idempotency-Token", java.util.UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(TwilioForm.encode(params)));
        if (signature != null) {
            request.header(TwilioSignature.HEADER, signature);
        }
        return send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /api/attachments/<sha256>} with the admin token: the stored bytes. */
    public HttpResponse<byte[]> attachment(String sha256) {
        return send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/attachments/" + sha256))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + HubProcess.ADMIN_TOKEN)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return client.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
