package dev.omnibridge.connector.email.auth;

import dev.omnibridge.config.Secret;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The refresh token grant (RFC 6749 section 6), for a mailbox whose owner consented once (Gmail, or a Microsoft 365
 * delegated login). A server may answer with a new refresh token (Microsoft rotates them): it is used from then on,
 * in memory; after a restart the configured one is used again, which stays valid until it expires or is revoked.
 */
final class RefreshTokenGrant implements TokenGrant {
    private final TokenEndpoint endpoint;
    private final String clientId;
    private final Secret clientSecret;
    private final String scope;
    private final Clock clock;
    private final Secret configured;
    private volatile Secret current;

    /** @param clientSecret null for a public client; @param scope null to keep the scopes of the consent */
    RefreshTokenGrant(TokenEndpoint endpoint, String clientId, Secret clientSecret, Secret refreshToken, String scope,
                      Clock clock) {
        this.endpoint = endpoint;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.configured = refreshToken;
        this.current = refreshToken;
        this.scope = scope;
        this.clock = clock;
    }

    @Override
    public AccessToken request() throws TokenException {
        Secret refresh = current;
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refresh.reveal());
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret.reveal());
        }
        if (scope != null) {
            form.put("scope", scope);
        }
        List<String> secrets = new ArrayList<>(List.of(refresh.reveal(), configured.reveal()));
        if (clientSecret != null) {
            secrets.add(clientSecret.reveal());
        }
        TokenEndpoint.Answer answer = endpoint.post(form, secrets, RefreshTokenGrant::hint);
        if (answer.refreshToken() != null && !answer.refreshToken().isBlank()) {
            current = new Secret(answer.refreshToken());
        }
        return new AccessToken(answer.accessToken(), clock.instant().plus(answer.expiresIn()));
    }

    private static String hint(String error) {
        return switch (error) {
            case "invalid_grant" -> "the refresh token expired or was revoked (or the account's password "
                    + "changed): make a new one and set oauthRefreshToken";
            case "invalid_client", "unauthorized_client" -> "check oauthClientId and oauthClientSecret: they must "
                    + "be those of the client the refresh token was issued to";
            case "invalid_scope" -> "check oauthScope, or leave it out to keep the consented scopes";
            default -> null;
        };
    }
}
