package dev.omnibridge.connector.email.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A mailbox login with an OAuth access token. The token is kept and reused until shortly before it expires (five
 * minutes, or half its lifetime for short-lived ones), then renewed, so a login never starts with a token about to
 * die. The IMAP sources of several folders and the SMTP sender share one; calls are serialised.
 */
final class OAuthLogin implements MailLogin {
    private static final Logger LOG = LoggerFactory.getLogger(OAuthLogin.class);
    static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

    private final String username;
    private final TokenGrant grant;
    private final Clock clock;
    private AccessToken token;
    private Instant renewAt;

    OAuthLogin(String username, TokenGrant grant, Clock clock) {
        this.username = username;
        this.grant = grant;
        this.clock = clock;
    }

    @Override
    public String username() {
        return username;
    }

    @Override
    public synchronized String secret() throws TokenException {
        Instant now = clock.instant();
        if (token != null && now.isBefore(renewAt)) {
            return token.value();
        }
        try {
            AccessToken fresh = grant.request();
            Duration lifetime = Duration.between(now, fresh.expiresAt());
            Duration margin = lifetime.dividedBy(2).compareTo(RENEW_BEFORE) < 0 ? lifetime.dividedBy(2) : RENEW_BEFORE;
            token = fresh;
            renewAt = fresh.expiresAt().minus(margin);
            return fresh.value();
        } catch (TokenException e) {
            if (token != null && now.isBefore(token.expiresAt())) {
                // Renewing early leaves room for a token endpoint hiccup: the current token still works.
                LOG.warn("Renewing the OAuth token failed; the current one is valid until {}: {}",
                        token.expiresAt(), e.getMessage());
                return token.value();
            }
            token = null;
            throw e;
        }
    }

    @Override
    public synchronized Instant renewAt() {
        return token == null ? clock.instant() : renewAt;
    }

    @Override
    public boolean usesOAuth() {
        return true;
    }

    @Override
    public synchronized boolean refused(String secret) {
        if (token != null && token.value().equals(secret)) {
            token = null;
        }
        return true;
    }

    @Override
    public String toString() {
        return "OAuth login";
    }
}
