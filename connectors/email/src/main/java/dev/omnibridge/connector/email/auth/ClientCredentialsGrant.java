package dev.omnibridge.connector.email.auth;

import dev.omnibridge.config.Secret;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client credentials grant (RFC 6749 section 4.4) as Microsoft Entra ID does it for Exchange Online IMAP and
 * SMTP: the app's own token, {@code scope=https://outlook.office365.com/.default}; which mailboxes it may open is
 * granted in Exchange (service principal and mailbox permission), not in the token request.
 */
final class ClientCredentialsGrant implements TokenGrant {
    private final TokenEndpoint endpoint;
    private final String clientId;
    private final Secret clientSecret;
    private final String scope;
    private final Clock clock;

    ClientCredentialsGrant(TokenEndpoint endpoint, String clientId, Secret clientSecret, String scope, Clock clock) {
        this.endpoint = endpoint;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.scope = scope;
        this.clock = clock;
    }

    @Override
    public AccessToken request() throws TokenException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret.reveal());
        form.put("scope", scope);
        form.put("grant_type", "client_credentials");
        TokenEndpoint.Answer answer = endpoint.post(form, List.of(clientSecret.reveal()), ClientCredentialsGrant::hint);
        return new AccessToken(answer.accessToken(), clock.instant().plus(answer.expiresIn()));
    }

    private static String hint(String error) {
        return switch (error) {
            case "invalid_client" -> "check oauthClientId and oauthClientSecret: use the client secret's value "
                    + "(not its id), and make a new one if it expired";
            case "unauthorized_client" -> "check oauthClientId and oauthTenant: the app must be registered in "
                    + "that tenant";
            case "invalid_request" -> "check oauthTenant (the directory (tenant) id or a verified domain) and "
                    + "oauthClientId";
            case "invalid_scope" -> "check oauthScope; Exchange Online needs https://outlook.office365.com/.default";
            default -> null;
        };
    }
}
