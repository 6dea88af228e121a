package dev.omnibridge.webhook;

import dev.omnibridge.spi.DeliveryException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs signed JSON to one URL and classifies failures: network problems and timeouts are retryable, non-2xx
 * answers are classified by {@link DeliveryException#forHttpStatus}. Failure messages name the target by scheme,
 * host and port only (a URL's path or query may carry a token) and never carry the secret.
 */
public final class SignedJsonPoster {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final int SNIPPET_MAX_CHARS = 200;
    /** Answers are small JSON documents; more than this is not read. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    /** A 2xx answer. */
    public record Answer(int status, byte[] body) {
    }

    private final HttpClient http;
    private final URI target;
    private final String where;
    private final Duration timeout;
    private final WebhookSignature signature;
    private final String secretValue;
    private final String userAgent;

    public SignedJsonPoster(URI target, Duration timeout, WebhookSignature signature, String secretValue) {
        this(target, timeout, signature, secretValue, null);
    }

    /**
     * @param userAgent the {@code User-Agent} of each request (e.g. {@code omnibridge-webhook-desk/1.2.0}, so the
     *                  receiver can tell which version of a connector sent it); null for the HTTP client's own
     */
    public SignedJsonPoster(URI target, Duration timeout, WebhookSignature signature, String secretValue,
                            String userAgent) {
        this.userAgent = userAgent;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.target = target;
        this.where = target.getScheme() + "://" + target.getHost() + (target.getPort() < 0 ? "" : ":" + target.getPort());
        this.timeout = timeout;
        this.signature = signature;
        this.secretValue = secretValue;
    }

    public String where() {
        return where;
    }

    public Answer post(byte[] json, String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw DeliveryException.permanent("delivery has no idempotency key");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(target);
        if (userAgent != null) {
            builder.header("User-Agent", userAgent);
        }
        HttpRequest request = builder
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header(WebhookSignature.HEADER, signature.sign(json))
                .header(IDEMPOTENCY_KEY, idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        int status;
        String retryAfter;
        byte[] body;
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            retryAfter = response.headers().firstValue("Retry-After").orElse(null);
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_ANSWER_BYTES);
            }
        } catch (HttpTimeoutException e) {
            throw DeliveryException.retryable("POST to " + where + " timed out: " + describe(e), e);
        } catch (IOException e) {
            throw DeliveryException.retryable("POST to " + where + " failed: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable("interrupted while posting to " + where, e);
        }
        if (status < 200 || status > 299) {
            throw DeliveryException.forHttpStatus(status, retryAfter, snippet(body));
        }
        return new Answer(status, body);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }

    /** The start of an error answer, on one line, at most {@value #SNIPPET_MAX_CHARS} characters, secret masked. */
    public String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (!secretValue.isEmpty()) {
            text = text.replace(secretValue, "******");
        }
        text = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        if (text.length() > SNIPPET_MAX_CHARS) {
            int end = SNIPPET_MAX_CHARS - 3;
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            text = text.substring(0, end) + "...";
        }
        return text;
    }
}
