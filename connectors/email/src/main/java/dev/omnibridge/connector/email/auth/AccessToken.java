package dev.omnibridge.connector.email.auth;

import java.time.Instant;

/** An OAuth access token and when it stops working; {@code toString} never shows the token. */
record AccessToken(String value, Instant expiresAt) {
    @Override
    public String toString() {
        return "AccessToken[expiresAt=" + expiresAt + "]";
    }
}
