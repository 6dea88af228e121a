package dev.omnibridge.hub.access;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.omnibridge.config.Secret;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ID token checks, against tokens signed by a real provider stand-in's keys (discovery and JWKS over HTTP). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdTokenValidatorTest {
    private static final String CLIENT = "omnibridge-console";
    private static final String NONCE = "nonce-of-this-sign-in";
    private final MockOAuth2Server idp = new MockOAuth2Server();
    private String issuer;
    private IdTokenValidator validator;

    @BeforeAll
    void start() {
        idp.start();
        issuer = idp.issuerUrl("default").toString();
        OidcConfig config = new OidcConfig(issuer, CLIENT, new Secret("client-secret-for-tests"), null, null,
                Map.of("support-agents", Principal.Role.AGENT), null, null, null, Duration.ofSeconds(60));
        Clock clock = Clock.systemUTC();
        validator = new IdTokenValidator(config, new OidcProvider(issuer, clock), clock);
    }

    @AfterAll
    void stop() {
        idp.shutdown();
    }

    /** Issued as the token endpoint would for this client (which names it as the authorized party). */
    private SignedJWT token(Map<String, Object> claims, long expirySeconds) {
        return idp.issueToken("default", CLIENT, new DefaultOAuth2TokenCallback("default", "alan-sub", "JWT",
                List.of(CLIENT), claims, expirySeconds));
    }

    private SignedJWT valid() {
        return token(Map.of("nonce", NONCE, "groups", List.of("support-agents")), 3600L);
    }

    private void refused(String idToken, String code) {
        assertThatThrownBy(() -> validator.validate(idToken, NONCE)).isInstanceOf(SsoRefusal.class)
                .extracting(e -> ((SsoRefusal) e).code()).isEqualTo(code);
    }

    @Test
    void aTokenOfTheProviderForThisClientAndSignInIsAccepted() throws Exception {
        JWTClaimsSet claims = validator.validate(valid().serialize(), NONCE);

        assertThat(claims.getSubject()).isEqualTo("alan-sub");
        assertThat(IdTokenValidator.groups(claims, "groups")).containsExactly("support-agents");
    }

    @Test
    void aTokenWhoseClaimsWereChangedAfterSigningIsRefused() {
        String[] parts = valid().serialize().split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("support-agents", "support-leads");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        refused(tampered, "id_token_signature");
    }

    @Test
    void anExpiredTokenIsRefused() {
        refused(token(Map.of("nonce", NONCE), -600L).serialize(), "id_token_expired");
    }

    @Test
    void aTokenOfAnotherSignInIsRefused() {
        refused(token(Map.of("nonce", "someone-elses-nonce"), 3600L).serialize(), "id_token_nonce");
        refused(token(Map.of(), 3600L).serialize(), "id_token_nonce");
    }

    @Test
    void aTokenForAnotherClientIsRefused() {
        refused(idp.issueToken("default", "alan-sub", "another-client", Map.of("nonce", NONCE), 3600L).serialize(),
                "id_token_audience");
    }

    @Test
    void unsignedAndSharedSecretTokensAreRefusedBeforeAnyKeyIsTried() throws Exception {
        JWTClaimsSet claims = valid().getJWTClaimsSet();
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        String payload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        refused(header + "." + payload + ".", "id_token_malformed");

        SignedJWT hs256 = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        hs256.sign(new MACSigner("a-shared-secret-of-at-least-256-bits-length!!".getBytes()));
        refused(hs256.serialize(), "id_token_algorithm");
        refused("not-a-jwt", "id_token_malformed");
    }

    @Test
    void aTokenSignedByAKeyTheProviderDoesNotPublishIsRefused() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("not-the-providers").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(stranger.getKeyID()).build(),
                valid().getJWTClaimsSet());
        forged.sign(new RSASSASigner(stranger));

        refused(forged.serialize(), "id_token_unknown_key");
    }

    @Test
    void aTokenIssuedInTheFutureIsRefused() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder(valid().getJWTClaimsSet())
                .issueTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(2)))).build();
        // Signed by the provider's own key through its token callback would not let iat be set; the provider's
        // signature check comes first, so a future iat is tested through the claim checks with a real signature.
        SignedJWT future = token(Map.of("nonce", NONCE, "iat", claims.getIssueTime().getTime() / 1000), 7200L);

        refused(future.serialize(), "id_token_issued_at");
    }

    @Test
    void groupsAreReadFromADottedPath() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("realm_access", Map.of("roles", List.of("a", "b")))
                .claim("single", "only").build();

        assertThat(IdTokenValidator.groups(claims, "realm_access.roles")).containsExactly("a", "b");
        assertThat(IdTokenValidator.groups(claims, "single")).containsExactly("only");
        assertThat(IdTokenValidator.groups(claims, "missing.path")).isEmpty();
        assertThat(Set.copyOf(OidcConfig.ALLOWED_ALGORITHMS)).doesNotContain("HS256", "none");
    }
}
