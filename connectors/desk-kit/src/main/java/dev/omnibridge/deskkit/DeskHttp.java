package dev.omnibridge.deskkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.omnibridge.net.CredentialScope;
import dev.omnibridge.net.Credentials;
import dev.omnibridge.net.SafeFetcher;
import dev.omnibridge.privacy.Redact;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A desk's REST API over the JDK HttpClient, paced by a {@link RatePacer}. Credentials travel only in headers set
 * at build time; they are scrubbed from every error message, which also masks customer emails and phone numbers
 * (desk error texts quote them). Absolute URLs are only followed on the base URL's host, so a link in a desk answer
 * cannot collect the credentials.
 */
public final class DeskHttp {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI base;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final RatePacer pacer;
    private final List<String> secrets;
    private final Predicate<DeskResponse> alsoRetryable;
    private final Predicate<DeskResponse> transientFailure;
    private final List<java.util.function.Consumer<DeskResponse>> answerListeners;
    private final SafeFetcher files;
    private final Credentials fileCredentials;

    private DeskHttp(Builder b) {
        this.base = b.base;
        this.headers = Map.copyOf(b.headers);
        this.timeout = b.timeout;
        this.pacer = b.pacer;
        this.secrets = List.copyOf(b.secrets);
        this.alsoRetryable = b.alsoRetryable;
        this.transientFailure = b.transientFailure;
        this.answerListeners = List.copyOf(b.answerListeners);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.files = SafeFetcher.builder().timeout(timeout).maxRedirects(MAX_FILE_REDIRECTS).configuredOrigin(base)
                .trustedForTests(b.filesTrustedForTests).build();
        this.fileCredentials = new Credentials(headers, CredentialScope.origin(base));
    }

    /** A desk file URL redirects once to a temporary download URL (Zendesk); a little room beyond that. */
    static final int MAX_FILE_REDIRECTS = 3;

    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** The base URL joined with {@code path} (which may carry a query), or {@code path} itself when absolute. */
    public URI uri(String path) {
        if (path.startsWith("http://") || path.startsWith("https://")) {
            URI u = URI.create(path);
            if (!Objects.equals(u.getHost(), base.getHost()) || u.getPort() != base.getPort()) {
                throw new IllegalArgumentException("refusing to send credentials to another host than the desk's");
            }
            return u;
        }
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b)
                + (path.startsWith("/") ? path : "/" + path));
    }

    public DeskResponse get(String path) throws DeskApiException, InterruptedException {
        return send("GET", path, null, Map.of());
    }

    public DeskResponse post(String path, JsonNode body) throws DeskApiException, InterruptedException {
        return send("POST", path, body, Map.of());
    }

    public DeskResponse put(String path, JsonNode body) throws DeskApiException, InterruptedException {
        return send("PUT", path, body, Map.of());
    }

    public DeskResponse patch(String path, JsonNode body) throws DeskApiException, InterruptedException {
        return send("PATCH", path, body, Map.of());
    }

    /** A JSON call; {@code body} may be null. {@code extra} adds headers such as an idempotency key. */
    public DeskResponse send(String method, String path, JsonNode body, Map<String, String> extra)
            throws DeskApiException, InterruptedException {
        byte[] bytes = null;
        if (body != null) {
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return sendBytes(method, path, body == null ? null : "application/json", bytes, extra);
    }

    public DeskResponse multipart(String method, String path, Multipart form, Map<String, String> extra)
            throws DeskApiException, InterruptedException {
        return sendBytes(method, path, form.contentType(), form.toBytes(), extra);
    }

    /** Any body, e.g. a raw file upload. */
    public DeskResponse sendBytes(String method, String path, String contentType, byte[] body,
                                  Map<String, String> extra) throws DeskApiException, InterruptedException {
        URI uri = uri(path);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(req::header);
        extra.forEach(req::header);
        if (contentType != null) {
            req.header("Content-Type", contentType);
        }
        String call = method + " " + uri.getPath();
        pacer.acquire();
        HttpResponse<byte[]> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new DeskApiException(call + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + scrub(e.getMessage())), 0, true, null, null);
        }
        DeskResponse answer = new DeskResponse(res.statusCode(), res.headers(), parse(res.body()));
        tell(answer);
        if (answer.ok()) {
            return answer;
        }
        throw failure(call, answer);
    }

    /** Hands every answer to the listeners; a listener's bug must not turn a good answer into a failed call. */
    private void tell(DeskResponse answer) {
        for (java.util.function.Consumer<DeskResponse> listener : answerListeners) {
            try {
                listener.accept(answer);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(DeskHttp.class).warn("{} answer listener failed: {}",
                        base.getHost(), scrub(String.valueOf(e.getMessage())));
            }
        }
    }

    private DeskApiException failure(String call, DeskResponse answer) {
        int status = answer.status();
        boolean deskWide = status == 408 || status == 425 || status == 429 || status >= 500
                || alsoRetryable.test(answer);
        boolean oneRecord = !deskWide && transientFailure.test(answer);
        boolean retryable = deskWide || oneRecord;
        Duration retryAfter = null;
        if (retryable) {
            retryAfter = dev.omnibridge.spi.DeliveryException
                    .parseRetryAfter(answer.header("Retry-After").orElse(null)).orElse(null);
            if (status == 429 || alsoRetryable.test(answer)) {
                pacer.pause(retryAfter == null ? DEFAULT_BACKOFF : retryAfter);
            }
        }
        String text = answer.body().isTextual() ? answer.body().asText() : answer.body().toString();
        if (text.length() > 300) {
            text = text.substring(0, 300) + "...";
        }
        String message = call + " answered HTTP " + status + (text.isBlank() || "{}".equals(text) ? "" : ": " + text);
        return new DeskApiException(scrub(message), status, retryable, retryAfter, answer.body(), oneRecord);
    }

    /**
     * Downloads a file from the desk's own origin with the credentials (private desk attachments need them) into
     * the hub's storage, at most {@code maxBytes}; absolute URLs on other hosts are refused like in {@link #uri}.
     * Goes through the shared {@link SafeFetcher}: a redirect (Zendesk answers {@code content_url} with a 302 to a
     * temporary download URL) is followed to public https addresses only, and without the credentials once it
     * leaves the desk's origin.
     *
     * @param mediaType the desk's media type for the file, or null to take the answer's Content-Type
     * @throws IOException with a message fit for a note (no credentials, no query strings) when the file could not
     *                     be fetched; {@link dev.omnibridge.spi.AttachmentStore.AttachmentTooLargeException} when it
     *                     is larger than {@code maxBytes}
     */
    public dev.omnibridge.model.Attachment download(String url, String fileName, String mediaType, long maxBytes,
                                                    dev.omnibridge.spi.AttachmentStore store)
            throws IOException, InterruptedException {
        URI target;
        try {
            target = uri(url);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        pacer.acquire();
        return StoredFiles.storeAnswer(files.get(target, fileCredentials, Map.of()), fileName, mediaType, maxBytes,
                store);
    }

    /** Whether {@code url} is on the desk's own host, the only place the credentials may go. */
    public boolean isDeskHost(URI url) {
        return PublicFiles.sameOrigin(url, base);
    }

    /** Removes credentials and masks customer emails and phone numbers. */
    public String scrub(String s) {
        String out = s;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                out = out.replace(secret, "***");
            }
        }
        return Redact.text(out);
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return TextNode.valueOf(new String(body, 0, Math.min(body.length, 1000), StandardCharsets.UTF_8));
        }
    }

    public static final class Builder {
        private final URI base;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> secrets = new ArrayList<>();
        private Duration timeout = Duration.ofSeconds(30);
        private RatePacer pacer = RatePacer.unlimited();
        private Predicate<DeskResponse> alsoRetryable = r -> false;
        private Predicate<DeskResponse> transientFailure = r -> false;
        private final List<java.util.function.Consumer<DeskResponse>> answerListeners = new ArrayList<>();
        private java.util.Set<String> filesTrustedForTests = java.util.Set.of();

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
        }

        /** The Authorization header value; it is also scrubbed from errors. */
        public Builder authorization(String value) {
            headers.put("Authorization", value);
            secrets.add(value);
            return this;
        }

        /** Basic authentication ({@code user:password} in base64); both parts are scrubbed from errors. */
        public Builder basicAuth(String user, String password) {
            secret(password);
            return authorization("Basic " + java.util.Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** A value that must never show in an error message. */
        public Builder secret(String value) {
            if (value != null) {
                secrets.add(value);
            }
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        public Builder pacer(RatePacer value) {
            pacer = value;
            return this;
        }

        /** Marks further answers as retryable, e.g. Salesforce's 403 REQUEST_LIMIT_EXCEEDED; they also pause the pacer. */
        public Builder retryableWhen(Predicate<DeskResponse> test) {
            alsoRetryable = test;
            return this;
        }

        /**
         * Marks answers about one record, not the whole account, as retryable without pausing the pacer, e.g.
         * Salesforce's 400 UNABLE_TO_LOCK_ROW while an agent edits the case: the next attempt may well succeed, and
         * the instance's other calls need not wait for it; the hub does not take it for the desk failing either.
         */
        public Builder transientWhen(Predicate<DeskResponse> test) {
            transientFailure = test;
            return this;
        }

        /**
         * Also hands every answer (success or error, before it is classified) to {@code listener}, e.g. to read a
         * desk's usage headers: Salesforce's {@code Sforce-Limit-Info: api-usage=18/5000} or HubSpot's
         * {@code X-HubSpot-RateLimit-Daily-Remaining}. Runs on the calling thread; keep it quick. What it throws is
         * logged and ignored, so the call's own outcome stands.
         */
        public Builder onAnswer(java.util.function.Consumer<DeskResponse> listener) {
            answerListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Test only: exact {@code host:port} authorities (a loopback stand-in for the desk's file host) that file
         * downloads treat as public and may reach over plain http; every other rule of {@link SafeFetcher} holds.
         */
        public Builder filesTrustedForTests(java.util.Set<String> authorities) {
            filesTrustedForTests = java.util.Set.copyOf(authorities);
            return this;
        }

        public DeskHttp build() {
            return new DeskHttp(this);
        }
    }
}
