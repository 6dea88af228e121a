package dev.omnibridge.hub.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Checks an ID token as OpenID Connect Core 1.0 §3.1.3.7 asks, in a fixed order, with the hub's clock: a signed JWT
 * (never {@code alg: none}, never a shared-secret algorithm), signed by one of the provider's keys, issued by the
 * configured issuer for this client, not expired, not issued in the future, and carrying the nonce of this sign-in.
 * The signature is checked even though the token came straight from the token endpoint: it costs nothing, and a
 * token altered on the way is refused for the right reason.
 */
public final class IdTokenValidator {
    /** How old an ID token may be when it arrives: the code was just exchanged. */
    static final Duration MAX_AGE = Duration.ofMinutes(10);

    private final OidcConfig config;
    private final OidcProvider provider;
    private final Clock clock;

    public IdTokenValidator(OidcConfig config, OidcProvider provider, Clock clock) {
        this.config = config;
        this.provider = provider;
        this.clock = clock;
    }

    public JWTClaimsSet validate(String idToken, String expectedNonce) throws SsoRefusal, OidcProvider.Unavailable {
        JWT jwt;
        try {
            jwt = JWTParser.parse(idToken);
        } catch (ParseException e) {
            throw SsoRefusal.suspicious("id_token_malformed", "the ID token is not a JWT");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw SsoRefusal.suspicious("id_token_malformed", "the ID token is not signed ("
                    + jwt.getClass().getSimpleName() + ")");
        }
        JWSHeader header = signed.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (alg == null || !config.algorithms().contains(alg.getName())) {
            throw SsoRefusal.suspicious("id_token_algorithm", "algorithm " + (alg == null ? "none" : alg.getName())
                    + " is not among " + config.algorithms().stream().sorted().toList());
        }
        verifySignature(signed, header);
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw SsoRefusal.suspicious("id_token_malformed", "the ID token's claims are not a JSON object");
        }
        checkClaims(claims, expectedNonce);
        return claims;
    }

    private void verifySignature(SignedJWT signed, JWSHeader header) throws SsoRefusal, OidcProvider.Unavailable {
        JWK key = key(provider.keys(false), header);
        if (key == null) {
            key = key(provider.keys(true), header);
        }
        if (key == null) {
            throw SsoRefusal.suspicious("id_token_unknown_key", "no signing key of the provider matches key id "
                    + (header.getKeyID() == null ? "(none)" : "'" + shortText(header.getKeyID()) + "'"));
        }
        try {
            PublicKey publicKey = ((AsymmetricJWK) key).toPublicKey();
            JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(header, publicKey);
            if (!signed.verify(verifier)) {
                throw SsoRefusal.suspicious("id_token_signature", "the ID token's signature does not match");
            }
        } catch (JOSEException e) {
            throw SsoRefusal.suspicious("id_token_signature", "the ID token's signature cannot be checked: "
                    + e.getClass().getSimpleName());
        }
    }

    /** The key the header names, or the only signing key of the algorithm's type when it names none. */
    private static JWK key(JWKSet set, JWSHeader header) {
        KeyType type = KeyType.forAlgorithm(header.getAlgorithm());
        List<JWK> candidates = set.getKeys().stream()
                .filter(k -> k.getKeyType().equals(type) && k instanceof AsymmetricJWK)
                .filter(k -> k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
                .filter(k -> header.getKeyID() == null || header.getKeyID().equals(k.getKeyID()))
                .toList();
        return candidates.size() == 1 || (header.getKeyID() != null && !candidates.isEmpty())
                ? candidates.get(0) : null;
    }

    private void checkClaims(JWTClaimsSet claims, String expectedNonce) throws SsoRefusal {
        if (!config.issuer().equals(claims.getIssuer())) {
            throw SsoRefusal.suspicious("id_token_issuer", "issued by another issuer");
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(config.clientId())) {
            throw SsoRefusal.suspicious("id_token_audience", "not issued for this client");
        }
        Object azp = claims.getClaim("azp");
        if ((audience.size() > 1 && azp == null) || (azp != null && !config.clientId().equals(azp))) {
            throw SsoRefusal.suspicious("id_token_audience", "several audiences and not authorized for this client");
        }
        Instant now = clock.instant();
        Duration skew = config.clockSkew();
        Date exp = claims.getExpirationTime();
        if (exp == null || !now.isBefore(exp.toInstant().plus(skew))) {
            throw SsoRefusal.of("id_token_expired", exp == null ? "the ID token has no expiry"
                    : "the ID token expired at " + exp.toInstant());
        }
        Date iat = claims.getIssueTime();
        Date nbf = claims.getNotBeforeTime();
        if (iat == null || iat.toInstant().isAfter(now.plus(skew))
                || iat.toInstant().isBefore(now.minus(MAX_AGE).minus(skew))
                || (nbf != null && nbf.toInstant().isAfter(now.plus(skew)))) {
            throw SsoRefusal.of("id_token_issued_at", iat == null ? "the ID token has no issue time"
                    : "the ID token was issued at " + iat.toInstant() + ", the hub's clock says " + now);
        }
        Object nonce = claims.getClaim("nonce");
        if (!(nonce instanceof String n) || !MessageDigest.isEqual(n.getBytes(StandardCharsets.UTF_8),
                expectedNonce.getBytes(StandardCharsets.UTF_8))) {
            throw SsoRefusal.suspicious("id_token_nonce", "the ID token's nonce is not this sign-in's");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isEmpty() || sub.length() > 255) {
            throw SsoRefusal.of("id_token_subject", "the ID token has no usable subject");
        }
    }

    /** The user's groups at {@code groupsClaim} (a dotted path; a list of strings or one string). */
    static List<String> groups(JWTClaimsSet claims, String path) {
        Object node = claims.getClaims();
        for (String part : path.split("\\.")) {
            node = node instanceof Map<?, ?> m ? m.get(part) : null;
        }
        if (node instanceof String s) {
            return List.of(s);
        }
        if (node instanceof List<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }

    static String shortText(String text) {
        String clean = text.replaceAll("[^\\x21-\\x7e]", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
