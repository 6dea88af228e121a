package dev.omnibridge.connector.email.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Google's service account flow with domain-wide delegation: a JWT signed with the account's key (RS256), naming
 * the mailbox as {@code sub}, exchanged for an access token with the JWT bearer grant (RFC 7523). The Workspace
 * admin must have granted the account's client id the scope {@code https://mail.google.com/}.
 */
final class ServiceAccountGrant implements TokenGrant {
    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    /** Google accepts assertions valid for at most an hour. */
    private static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TokenEndpoint endpoint;
    private final ServiceAccountKey key;
    private final String mailbox;
    private final String scope;
    private final String audience;
    private final Clock clock;

    ServiceAccountGrant(TokenEndpoint endpoint, String audience, ServiceAccountKey key, String mailbox, String scope,
                        Clock clock) {
        this.endpoint = endpoint;
        this.audience = audience;
        this.key = key;
        this.mailbox = mailbox;
        this.scope = scope;
        this.clock = clock;
    }

    @Override
    public AccessToken request() throws TokenException {
        String assertion = assertion(clock.instant());
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", JWT_BEARER);
        form.put("assertion", assertion);
        TokenEndpoint.Answer answer = endpoint.post(form, List.of(assertion), this::hint);
        return new AccessToken(answer.accessToken(), clock.instant().plus(answer.expiresIn()));
    }

    String assertion(Instant now) throws TokenException {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        if (!key.keyId().isBlank()) {
            header.put("kid", key.keyId());
        }
        ObjectNode claims = JSON.createObjectNode().put("iss", key.clientEmail()).put("sub", mailbox)
                .put("scope", scope).put("aud", audience).put("iat", now.getEpochSecond())
                .put("exp", now.plus(ASSERTION_LIFETIME).getEpochSecond());
        String signingInput = base64(header.toString()) + "." + base64(claims.toString());
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key.privateKey());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new TokenException("signing the service account assertion failed: "
                    + e.getClass().getSimpleName());
        }
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private String hint(String error) {
        return switch (error) {
            case "unauthorized_client" -> "in the Google Admin console (Security > Access and data control > API "
                    + "controls > Domain-wide delegation) grant client id " + key.clientId() + " the scope " + scope;
            case "invalid_grant" -> "check that the username is a user of the Workspace domain, that the key in "
                    + "oauthKeyFile is still active, and that this host's clock is right";
            case "invalid_client" -> "the service account key was deleted or disabled: create a new key file";
            case "invalid_scope" -> "check oauthScope; IMAP and SMTP need https://mail.google.com/";
            default -> null;
        };
    }
}
