package dev.omnibridge.connector.email.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.config.Secret;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Google's service account (JWT bearer) flow and the refresh token grant, against a token endpoint stand-in. */
class GoogleAndRefreshGrantTest {
    private static final String TOKEN_PATH = "/token";
    private static final String SA_EMAIL = "omnibridge-mail@acme-project.iam.gserviceaccount.com";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    private WireMockServer google;
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        google = new WireMockServer(options().dynamicPort());
        google.start();
    }

    @AfterEach
    void tearDown() {
        google.stop();
    }

    private void answer(String accessToken, String refreshToken) {
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"" + accessToken + "\",\"expires_in\":3599,\"token_type\":\"Bearer\""
                        + (refreshToken == null ? "" : ",\"refresh_token\":\"" + refreshToken + "\"") + "}")));
    }

    private KeyPair keyFile(Path file) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        // As in a downloaded key file: the PEM lines joined by JSON newline escapes.
        String pem = ("-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n")
                .replace("\n", "\\n");
        Files.writeString(file, """
                {"type": "service_account", "project_id": "acme-project", "private_key_id": "kid-123",
                 "private_key": "%s", "client_email": "%s", "client_id": "104392834756",
                 "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "%s"}
                """.formatted(pem, SA_EMAIL, google.baseUrl() + TOKEN_PATH));
        return pair;
    }

    @Test
    void serviceAccountSignsAnAssertionForTheMailboxAndExchangesIt() throws Exception {
        KeyPair pair = keyFile(dir.resolve("sa.json"));
        ServiceAccountKey key = ServiceAccountKey.read(dir.resolve("sa.json"));
        answer("ya29.service-token", null);
        OAuthLogin login = new OAuthLogin("support@acme.test", new ServiceAccountGrant(
                new TokenEndpoint(key.tokenUri()), key.tokenUri().toString(), key, "support@acme.test",
                "https://mail.google.com/", clock), clock);

        assertThat(login.secret()).isEqualTo("ya29.service-token");

        google.verify(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withFormParam("grant_type", equalTo("urn:ietf:params:oauth:grant-type:jwt-bearer")));
        String jwt = formParam(google.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))).get(0), "assertion");
        String[] parts = jwt.split("\\.");
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(pair.getPublic());
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).as("RS256 signature").isTrue();
        JsonNode header = json(parts[0]);
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("kid").asText()).isEqualTo("kid-123");
        JsonNode claims = json(parts[1]);
        assertThat(claims.path("iss").asText()).isEqualTo(SA_EMAIL);
        assertThat(claims.path("sub").asText()).as("the mailbox, by domain-wide delegation")
                .isEqualTo("support@acme.test");
        assertThat(claims.path("scope").asText()).isEqualTo("https://mail.google.com/");
        assertThat(claims.path("aud").asText()).isEqualTo(google.baseUrl() + TOKEN_PATH);
        assertThat(claims.path("iat").asLong()).isEqualTo(clock.instant().getEpochSecond());
        assertThat(claims.path("exp").asLong()).isEqualTo(clock.instant().getEpochSecond() + 3600);
    }

    @Test
    void missingDomainWideDelegationSaysWhereToGrantIt() throws Exception {
        keyFile(dir.resolve("sa.json"));
        ServiceAccountKey key = ServiceAccountKey.read(dir.resolve("sa.json"));
        // Google's answer when the client id has no domain-wide delegation for the scope.
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": "unauthorized_client", "error_description": "Client is unauthorized to retrieve \
                        access tokens using this method, or client not authorized for any of the scopes requested."}""")));
        OAuthLogin login = new OAuthLogin("support@acme.test", new ServiceAccountGrant(
                new TokenEndpoint(key.tokenUri()), key.tokenUri().toString(), key, "support@acme.test",
                "https://mail.google.com/", clock), clock);

        assertThatThrownBy(login::secret).isInstanceOf(TokenException.class)
                .hasMessageContaining("unauthorized_client")
                .hasMessageContaining("Domain-wide delegation")
                .hasMessageContaining("client id 104392834756 the scope https://mail.google.com/")
                .hasMessageNotContaining("PRIVATE KEY")
                .hasMessageNotContaining("eyJ");
    }

    @Test
    void aKeyFileThatIsNoServiceAccountKeyIsRefusedWithoutQuotingIt() throws Exception {
        Path file = dir.resolve("client.json");
        Files.writeString(file, "{\"installed\": {\"client_id\": \"x\", \"client_secret\": \"GOCSPX-abcdef\"}}");

        assertThatThrownBy(() -> ServiceAccountKey.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a service account key file").hasMessageNotContaining("GOCSPX-abcdef");
    }

    @Test
    void refreshTokenGrantSendsTheDocumentedFormAndUsesARotatedRefreshToken() throws Exception {
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("r").whenScenarioStateIs(Scenario.STARTED)
                .withFormParam("refresh_token", equalTo("1//configured-refresh"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"access-1\",\"expires_in\":3599,"
                                + "\"refresh_token\":\"1//rotated-refresh\",\"token_type\":\"Bearer\"}"))
                .willSetStateTo("rotated"));
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("r").whenScenarioStateIs("rotated")
                .withFormParam("refresh_token", equalTo("1//rotated-refresh"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"access-2\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")));
        OAuthLogin login = new OAuthLogin("support@acme.test", new RefreshTokenGrant(
                new TokenEndpoint(URI.create(google.baseUrl() + TOKEN_PATH)), "client-id.apps.googleusercontent.com",
                new Secret("GOCSPX-client-secret"), new Secret("1//configured-refresh"), null, clock), clock);

        assertThat(login.secret()).isEqualTo("access-1");
        login.refused("access-1");
        assertThat(login.secret()).isEqualTo("access-2");

        google.verify(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withFormParam("grant_type", equalTo("refresh_token"))
                .withFormParam("client_id", equalTo("client-id.apps.googleusercontent.com"))
                .withFormParam("client_secret", equalTo("GOCSPX-client-secret")));
    }

    @Test
    void anExpiredRefreshTokenSaysToMakeANewOne() {
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": \"invalid_grant\", \"error_description\": \"Token has been expired or revoked.\"}")));
        OAuthLogin login = new OAuthLogin("support@acme.test", new RefreshTokenGrant(
                new TokenEndpoint(URI.create(google.baseUrl() + TOKEN_PATH)), "client-id", null,
                new Secret("1//configured-refresh"), null, clock), clock);

        assertThatThrownBy(login::secret).hasMessageContaining("invalid_grant: Token has been expired or revoked.")
                .hasMessageContaining("set oauthRefreshToken").hasMessageNotContaining("1//configured-refresh");
    }

    private static String formParam(LoggedRequest request, String name) {
        for (String pair : request.getBodyAsString().split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no form parameter " + name);
    }

    private static JsonNode json(String base64url) throws Exception {
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(base64url));
    }

}
