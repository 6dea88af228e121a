package dev.omnibridge.connector.email.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An OAuth 2.0 token endpoint (RFC 6749 section 5): a form POST in, {@code access_token} and {@code expires_in} out,
 * or {@code error} and {@code error_description}. Errors become a {@link TokenException} whose message names the
 * endpoint, the error and a hint, with every secret of the request masked, in case a server echoes one.
 */
final class TokenEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** When an answer has no expires_in: renew often rather than use a dead token. */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);

    private final URI url;
    private final HttpClient http;

    TokenEndpoint(URI url) {
        this.url = url;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** What a successful answer carried. */
    record Answer(String accessToken, Duration expiresIn, String refreshToken) {
        @Override
        public String toString() {
            return "Answer[expiresIn=" + expiresIn + "]";
        }
    }

    /**
     * @param form    the request's parameters
     * @param secrets values to mask in any message (client secret, refresh token, assertion)
     * @param hints   what to check, by the answer's {@code error} code (null for none)
     */
    Answer post(Map<String, String> form, List<String> secrets, Function<String, String> hints)
            throws TokenException {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenException(fail("could not be reached (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + mask(e.getMessage(), secrets)) + ")"
                    + "; check the network path to it and oauthTokenUrl"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException(fail("request interrupted"));
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() / 100 == 2 && answer != null && answer.path("access_token").isTextual()
                && !answer.path("access_token").asText().isBlank()) {
            long seconds = answer.path("expires_in").asLong(0);
            return new Answer(answer.path("access_token").asText(),
                    seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_LIFETIME,
                    answer.path("refresh_token").isTextual() ? answer.path("refresh_token").asText() : null);
        }
        String error = answer == null ? "" : answer.path("error").asText("");
        String description = answer == null ? "" : answer.path("error_description").asText("");
        StringBuilder m = new StringBuilder("answered HTTP ").append(response.statusCode());
        if (!error.isEmpty()) {
            m.append(" ").append(error);
        } else if (response.statusCode() / 100 == 2) {
            m.append(" without an access_token");
        }
        if (!description.isEmpty()) {
            m.append(": ").append(firstLine(description));
        }
        String hint = error.isEmpty() ? null : hints.apply(error);
        if (hint != null) {
            m.append("; ").append(hint);
        }
        throw new TokenException(fail(mask(m.toString(), secrets)));
    }

    private String fail(String what) {
        return "OAuth token endpoint " + url.getScheme() + "://" + url.getAuthority() + url.getPath() + " " + what;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    /** Microsoft's descriptions run over lines (trace and correlation ids); the first says what is wrong. */
    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    static String mask(String text, List<String> secrets) {
        String out = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                out = out.replace(secret, "******");
            }
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
