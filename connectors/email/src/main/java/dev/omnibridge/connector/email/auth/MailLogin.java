package dev.omnibridge.connector.email.auth;

import jakarta.mail.MessagingException;

import java.time.Instant;

/** How the connector logs in to the IMAP or SMTP server: a password, or an OAuth access token (XOAUTH2). */
public interface MailLogin {
    String username();

    /** What to send as the password: the password itself, or an access token valid for a while yet. */
    String secret() throws MessagingException;

    /** Whether the secret is an OAuth access token, to be sent with SASL XOAUTH2 only. */
    boolean usesOAuth();

    /**
     * The server refused this secret. An access token is dropped (it may have been revoked before its time), so
     * the next {@link #secret()} asks for a new one.
     *
     * @return whether one more login, with a new secret, can help (never for a password)
     */
    boolean refused(String secret);

    /**
     * When a connection logged in now should log in again: an access token's renewal time, since some servers
     * (Exchange Online) end a session whose token has expired. Never for a password.
     */
    default Instant renewAt() {
        return Instant.MAX;
    }

    static MailLogin password(String username, String password) {
        return new MailLogin() {
            @Override
            public String username() {
                return username;
            }

            @Override
            public String secret() {
                return password;
            }

            @Override
            public boolean usesOAuth() {
                return false;
            }

            @Override
            public boolean refused(String secret) {
                return false;
            }

            @Override
            public String toString() {
                return "password login";
            }
        };
    }
}
