package dev.omnibridge.connector.email.auth;

import jakarta.mail.MessagingException;

/**
 * The token endpoint gave no access token. The message says what it answered and what to check, for {@code /health};
 * it never holds a secret, a token or the request. A mail login that cannot get a token fails like a refused login,
 * hence a {@link MessagingException}.
 */
public final class TokenException extends MessagingException {
    public TokenException(String message) {
        super(message);
    }
}
