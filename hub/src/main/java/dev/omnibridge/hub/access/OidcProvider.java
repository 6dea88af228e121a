package dev.omnibridge.hub.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import dev.omnibridge.model.json.CanonicalJson;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the hub knows of the provider: its discovery document (endpoints) and its signing keys, both fetched lazily
 * (the first sign-in, so a provider outage never stops the hub from starting) and cached.
 */
public class OidcProvider {
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    static final int MAX_BODY = 256 * 1024;
    private static final Duration METADATA_TTL = Duration.ofHours(1);
    private static final Duration KEYS_TTL = Duration.ofHours(1);
    /** Key rotation: an unknown key id refetches the keys, but not more often than this. */
    private static final Duration KEYS_REFRESH_MIN = Duration.ofSeconds(30);

    /** The endpoints of the provider's discovery document that the flow uses. */
    public record Metadata(URI authorizationEndpoint, URI tokenEndpoint, URI jwksUri, List<String> tokenAuthMethods) {
        /** Whether the token endpoint wants the client secret in the body rather than in Basic authentication. */
        boolean secretInBody() {
            return !tokenAuthMethods.isEmpty() && !tokenAuthMethods.contains("client_secret_basic")
                    && tokenAuthMethods.contains("client_secret_post");
        }
    }

    /** An answer the provider gave that the hub cannot use. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final String issuer;
    private final HttpClient http;
    private final Clock clock;
    private Metadata metadata;
    private Instant metadataAt;
    private JWKSet keys;
    private Instant keysAt;

    public OidcProvider(String issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public String issuer() {
        return issuer;
    }

    public synchronized Metadata metadata() throws Unavailable {
        Instant now = clock.instant();
        if (metadata != null && now.isBefore(metadataAt.plus(METADATA_TTL))) {
            return metadata;
        }
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        JsonNode doc = getJson(URI.create(base + "/.well-known/openid-configuration"), "the discovery document");
        // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be identical to the one configured.
        if (!issuer.equals(doc.path("issuer").asText(null))) {
            throw new Unavailable("the discovery document names another issuer; set access.oidc.issuer to the "
                    + "provider's exact issuer value");
        }
        Metadata m = new Metadata(endpoint(doc, "authorization_endpoint"), endpoint(doc, "token_endpoint"),
                endpoint(doc, "jwks_uri"), strings(doc.path("token_endpoint_auth_methods_supported")));
        metadata = m;
        metadataAt = now;
        return m;
    }

    /** The provider's signing keys; {@code refresh} asks for them again (an unknown key id: rotation). */
    public synchronized JWKSet keys(boolean refresh) throws Unavailable {
        Instant now = clock.instant();
        boolean fresh = keys != null && now.isBefore(keysAt.plus(KEYS_TTL));
        boolean mayRefresh = keys == null || !now.isBefore(keysAt.plus(KEYS_REFRESH_MIN));
        if (fresh && !(refresh && mayRefresh)) {
            return keys;
        }
        JsonNode doc = getJson(metadata().jwksUri(), "the signing keys (jwks_uri)");
        try {
            keys = JWKSet.parse(JSON.writeValueAsString(doc));
        } catch (ParseException | IOException e) {
            throw new Unavailable("the provider's signing keys (jwks_uri) are not a JWK set");
        }
        keysAt = now;
        return keys;
    }

    /**
     * Trades the authorization code for tokens at the token endpoint (client authentication per RFC 6749 §2.3.1,
     * with the PKCE verifier) and returns the JSON answer; the access token in it is not used.
     */
    JsonNode exchange(String code, String redirectUri, String verifier, String clientId, String clientSecret)
            throws SsoRefusal, Unavailable {
        Metadata m = metadata();
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        HttpRequest.Builder request = HttpRequest.newBuilder(m.tokenEndpoint()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        if (m.secretInBody()) {
            form.put("client_id", clientId);
            form.put("client_secret", clientSecret);
        } else {
            String basic = formEncode(clientId) + ":" + formEncode(clientSecret);
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString(basic.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        String body = form.entrySet().stream().map(e -> formEncode(e.getKey()) + "=" + formEncode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpResponse<InputStream> answer = send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                "the token endpoint");
        JsonNode json = readJson(answer, "the token endpoint");
        if (answer.statusCode() / 100 != 2) {
            String error = json == null ? "" : json.path("error").asText("");
            throw SsoRefusal.of("token_exchange_failed", "HTTP " + answer.statusCode()
                    + (error.matches("[A-Za-z0-9_.-]{1,64}") ? " error=" + error : ""));
        }
        if (json == null) {
            throw new Unavailable("the token endpoint answered with something that is not JSON");
        }
        return json;
    }

    private JsonNode getJson(URI uri, String what) throws Unavailable {
        HttpResponse<InputStream> answer = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json").GET().build(), what);
        if (answer.statusCode() != 200) {
            throw new Unavailable(what + " answered HTTP " + answer.statusCode());
        }
        JsonNode json = readJson(answer, what);
        if (json == null || !json.isObject()) {
            throw new Unavailable(what + " is not a JSON object");
        }
        return json;
    }

    private HttpResponse<InputStream> send(HttpRequest request, String what) throws Unavailable {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new Unavailable(what + " could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while reaching " + what);
        }
    }

    /** The answer's JSON, or null when it is not JSON; at most {@link #MAX_BODY} bytes are read. */
    private static JsonNode readJson(HttpResponse<InputStream> answer, String what) throws Unavailable {
        try (InputStream in = answer.body()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new Unavailable(what + " answered with more than " + MAX_BODY / 1024 + " KiB");
            }
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                return null;
            }
        } catch (IOException e) {
            throw new Unavailable(what + " broke off its answer");
        }
    }

    private URI endpoint(JsonNode doc, String field) throws Unavailable {
        String text = doc.path(field).asText("");
        if (!AccessSection.secureUrl(text.contains("?") ? text.substring(0, text.indexOf('?')) : text)) {
            throw new Unavailable("the discovery document's " + field + " is missing or not an https URL");
        }
        return URI.create(text);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String formEncode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
