package dev.omnibridge.connector.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.http.Header;
import org.apache.http.message.BasicHeader;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Twilio SDK's transport, on the JDK's HTTP client. It exists for three reasons:
 * <ul>
 *   <li>requests for {@code *.twilio.com} go to {@code apiBaseUrl} instead, so a test double (WireMock) or a
 *       regional edge can stand in for {@code https://api.twilio.com};</li>
 *   <li>the SDK's own retry loop is switched off: the hub retries deliveries with backoff and honours
 *       {@code Retry-After}, and a second, hidden retry layer would multiply attempts and hide 5xx answers;</li>
 *   <li>an error answer is handed up as {@link TwilioHttpError} with its status, {@code Retry-After} and body, which
 *       the SDK's {@code ApiException} would drop (it keeps no headers).</li>
 * </ul>
 * Redirects are never followed: the REST API does not redirect, and a redirect must not carry the credentials.
 */
final class ApiHttpClient extends com.twilio.http.HttpClient {
    private static final java.util.Set<String> SET_HERE = java.util.Set.of("content-type", "authorization",
            "host", "connection", "content-length", "expect", "upgrade", "user-agent", "accept");
    private final HttpClient http;
    private final URI apiBaseUrl;
    private final Duration timeout;

    ApiHttpClient(URI apiBaseUrl, Duration timeout) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.apiBaseUrl = apiBaseUrl;
        this.timeout = timeout;
    }

    /** One attempt only; see the class comment. */
    @Override
    public Response reliableRequest(Request request) {
        return makeRequest(request);
    }

    @Override
    public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
        return makeRequest(request);
    }

    @Override
    public Response makeRequest(Request request) {
        URI target = target(request.constructURL());
        HttpMethod method = request.getMethod();
        HttpRequest.Builder builder = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("Accept-Charset", "utf-8")
                .header("User-Agent", "omnibridge-twilio (twilio-java)");
        for (Map.Entry<String, List<String>> header : request.getHeaderParams().entrySet()) {
            // Content type and authorization are set below, once; the JDK refuses to let callers set the others.
            if (SET_HERE.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String value : header.getValue()) {
                builder.header(header.getKey(), value);
            }
        }
        if (request.getUsername() != null && request.getPassword() != null) {
            builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (request.getUsername() + ":" + request.getPassword()).getBytes(StandardCharsets.UTF_8)));
        }
        if (method == HttpMethod.POST || method == HttpMethod.PUT) {
            builder.header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
            builder.method(method.toString(), HttpRequest.BodyPublishers.ofString(request.encodeFormBody(),
                    StandardCharsets.UTF_8));
        } else {
            builder.method(method.toString(), HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The SDK's own type for "could not talk to Twilio"; the message names the host, never the credentials.
            throw new ApiConnectionException(method + " to " + where(target) + " failed: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiConnectionException("interrupted while calling " + where(target), e);
        }
        if (response.statusCode() >= 400) {
            throw new TwilioHttpError(response.statusCode(),
                    response.headers().firstValue("Retry-After").orElse(null), response.body());
        }
        List<Header> headers = new ArrayList<>();
        response.headers().map().forEach((name, values) -> values.forEach(v -> headers.add(new BasicHeader(name, v))));
        return new Response(response.body(), response.statusCode(), headers.toArray(new Header[0]));
    }

    /** The SDK builds {@code https://api.twilio.com/2010-04-01/...}; keep path and query, swap the origin. */
    private URI target(URL sdkUrl) {
        String host = sdkUrl.getHost().toLowerCase(Locale.ROOT);
        String pathAndQuery = sdkUrl.getFile();
        if (!host.equals("twilio.com") && !host.endsWith(".twilio.com")) {
            throw new IllegalStateException("unexpected Twilio API host " + host);
        }
        String base = apiBaseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + pathAndQuery);
    }

    static String where(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** A non-2xx answer from the API, as received. */
    static final class TwilioHttpError extends RuntimeException {
        private final int status;
        private final String retryAfter;
        private final String body;

        TwilioHttpError(int status, String retryAfter, String body) {
            super("HTTP " + status, null, false, false);
            this.status = status;
            this.retryAfter = retryAfter;
            this.body = body == null ? "" : body;
        }

        int status() {
            return status;
        }

        String retryAfter() {
            return retryAfter;
        }

        String body() {
            return body;
        }
    }
}
