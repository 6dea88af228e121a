package dev.omnibridge.connector.email.auth;

import dev.omnibridge.connector.email.EmailSettings;

import java.net.URI;
import java.time.Clock;

/** Makes the login an instance's settings ask for. */
public final class MailLogins {
    private MailLogins() {
    }

    /**
     * @param server the IMAP or SMTP server, whose username is the mailbox (and, for a service account, the
     *               user the token is for)
     * @throws IllegalArgumentException when a service account key file is missing or unreadable
     */
    public static MailLogin of(EmailSettings settings, EmailSettings.Server server, Clock clock) {
        EmailSettings.OAuth oauth = settings.oauth();
        return switch (settings.auth()) {
            case PASSWORD -> MailLogin.password(server.username(), server.password());
            case OAUTH2_MICROSOFT -> new OAuthLogin(server.username(), new ClientCredentialsGrant(
                    new TokenEndpoint(oauth.tokenUrl()), oauth.clientId(), oauth.clientSecret(), oauth.scope(), clock),
                    clock);
            case OAUTH2_REFRESH_TOKEN -> new OAuthLogin(server.username(), new RefreshTokenGrant(
                    new TokenEndpoint(oauth.tokenUrl()), oauth.clientId(), oauth.clientSecret(), oauth.refreshToken(),
                    oauth.scope(), clock), clock);
            case OAUTH2_GOOGLE_SERVICE_ACCOUNT -> {
                ServiceAccountKey key = ServiceAccountKey.read(oauth.keyFile());
                URI tokenUrl = oauth.tokenUrl() != null ? oauth.tokenUrl() : key.tokenUri();
                yield new OAuthLogin(server.username(), new ServiceAccountGrant(new TokenEndpoint(tokenUrl),
                        tokenUrl.toString(), key, server.username(), oauth.scope(), clock), clock);
            }
        };
    }
}
