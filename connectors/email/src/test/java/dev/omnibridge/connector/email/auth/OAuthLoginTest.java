package dev.omnibridge.connector.email.auth;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.config.Secret;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Access tokens from a Microsoft Entra ID token endpoint stand-in (answers shaped as in Microsoft's client
 * credentials documentation): cached, renewed before they expire, dropped when refused; errors say what to check.
 */
class OAuthLoginTest {
    private static final String TENANT = "7c9d5e0a-1111-2222-3333-444455556666";
    private static final String PATH = "/" + TENANT + "/oauth2/v2.0/token";
    private static final String CLIENT_SECRET = "Xy8Q~client-secret-value-123";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    private WireMockServer entra;

    @BeforeEach
    void setUp() {
        entra = new WireMockServer(options().dynamicPort());
        entra.start();
    }

    @AfterEach
    void tearDown() {
        entra.stop();
    }

    private OAuthLogin login() {
        TokenEndpoint endpoint = new TokenEndpoint(URI.create(entra.baseUrl() + PATH));
        return new OAuthLogin("support@acme.test", new ClientCredentialsGrant(endpoint, "app-client-id",
                new Secret(CLIENT_SECRET), "https://outlook.office365.com/.default", clock), clock);
    }

    private static String token(String value, long expiresIn) {
        return "{\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + ",\"ext_expires_in\":" + expiresIn
                + ",\"access_token\":\"" + value + "\"}";
    }

    private void tokens(String... values) {
        String state = Scenario.STARTED;
        for (int i = 0; i < values.length; i++) {
            String next = "token-" + (i + 1);
            entra.stubFor(post(urlPathEqualTo(PATH)).inScenario("tokens").whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody(token(values[i], 3599)))
                    .willSetStateTo(next));
            state = next;
        }
    }

    @Test
    void clientCredentialsRequestCarriesTheDocumentedForm() throws Exception {
        tokens("eyJ0eXAi.access.1");

        assertThat(login().secret()).isEqualTo("eyJ0eXAi.access.1");

        entra.verify(postRequestedFor(urlPathEqualTo(PATH))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withFormParam("client_id", equalTo("app-client-id"))
                .withFormParam("client_secret", equalTo(CLIENT_SECRET))
                .withFormParam("scope", equalTo("https://outlook.office365.com/.default"))
                .withFormParam("grant_type", equalTo("client_credentials")));
    }

    @Test
    void aTokenIsReusedUntilFiveMinutesBeforeItExpiresThenRenewed() throws Exception {
        tokens("access-1", "access-2");
        OAuthLogin login = login();

        assertThat(login.secret()).isEqualTo("access-1");
        clock.advance(Duration.ofMinutes(54));
        assertThat(login.secret()).as("still an hour's token with 5 minutes to spare").isEqualTo("access-1");
        entra.verify(1, postRequestedFor(urlPathEqualTo(PATH)));

        clock.advance(Duration.ofMinutes(1));
        assertThat(login.secret()).as("inside the last five minutes").isEqualTo("access-2");
        entra.verify(2, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void aShortLivedTokenIsRenewedAtHalfItsLifetime() throws Exception {
        entra.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(token("short", 120))));
        OAuthLogin login = login();

        login.secret();
        clock.advance(Duration.ofSeconds(59));
        login.secret();
        entra.verify(1, postRequestedFor(urlPathEqualTo(PATH)));
        clock.advance(Duration.ofSeconds(1));
        login.secret();
        entra.verify(2, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void aRefusedTokenIsDroppedAndTheNextLoginAsksForANewOne() throws Exception {
        tokens("revoked-early", "access-2");
        OAuthLogin login = login();

        String first = login.secret();
        assertThat(login.refused(first)).as("worth one more try").isTrue();

        assertThat(login.secret()).isEqualTo("access-2");
    }

    @Test
    void whenRenewalFailsTheStillValidTokenIsUsed() throws Exception {
        entra.stubFor(post(urlPathEqualTo(PATH)).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(token("access-1", 3600))).willSetStateTo("down"));
        entra.stubFor(post(urlPathEqualTo(PATH)).inScenario("t").whenScenarioStateIs("down")
                .willReturn(aResponse().withStatus(503)));
        OAuthLogin login = login();
        login.secret();
        clock.advance(Duration.ofMinutes(57));

        assertThat(login.secret()).isEqualTo("access-1");
        clock.advance(Duration.ofMinutes(3));
        assertThatThrownBy(login::secret).isInstanceOf(TokenException.class).hasMessageContaining("HTTP 503");
    }

    @Test
    void anInvalidClientSecretIsReportedWithWhatToCheckAndNeverTheSecret() {
        // Microsoft's answer for a wrong secret (AADSTS7000215), as documented for the token endpoint.
        entra.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret \
                        provided. Ensure the secret being sent in the request is the client secret value, not the \
                        client secret ID, for a secret added to app 'app-client-id'.\\r\\nTrace ID: 0000aaaa-11bb\
                        \\r\\nCorrelation ID: 1111bbbb-22cc\\r\\nTimestamp: 2026-03-02 10:00:00Z",\
                        "error_codes":[7000215],"timestamp":"2026-03-02 10:00:00Z",\
                        "trace_id":"0000aaaa-11bb","correlation_id":"1111bbbb-22cc"}""")));

        assertThatThrownBy(() -> login().secret()).isInstanceOf(TokenException.class)
                .hasMessageContaining(PATH)
                .hasMessageContaining("HTTP 401 invalid_client: AADSTS7000215: Invalid client secret provided")
                .hasMessageContaining("check oauthClientId and oauthClientSecret")
                .hasMessageNotContaining("Trace ID")
                .hasMessageNotContaining(CLIENT_SECRET);
    }

    @Test
    void aSecretEchoedByTheEndpointIsMasked() {
        entra.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_request\",\"error_description\":\"bad client_secret "
                        + CLIENT_SECRET + "\"}")));

        assertThatThrownBy(() -> login().secret()).hasMessageContaining("bad client_secret ******")
                .hasMessageNotContaining(CLIENT_SECRET).hasMessageContaining("check oauthTenant");
    }

    @Test
    void anUnreachableEndpointSaysSo() {
        OAuthLogin login = login();
        entra.stop();

        assertThatThrownBy(login::secret).isInstanceOf(TokenException.class)
                .hasMessageContaining("could not be reached").hasMessageNotContaining(CLIENT_SECRET);
    }
}
