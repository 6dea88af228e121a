package dev.omnibridge.connector.email.auth;

/** One way to ask a token endpoint for an access token. */
interface TokenGrant {
    /** Asks the endpoint for a new token; one HTTP request. */
    AccessToken request() throws TokenException;
}
