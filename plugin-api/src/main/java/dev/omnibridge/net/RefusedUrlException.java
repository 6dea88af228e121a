package dev.omnibridge.net;

import java.io.IOException;

/**
 * {@link SafeFetcher} would not fetch a URL: wrong scheme, a non-public address, credentials outside their scope,
 * too many redirects. Retrying will not help. The message names the host and the rule, never a credential or a
 * query string.
 */
public class RefusedUrlException extends IOException {
    public RefusedUrlException(String message) {
        super(message);
    }
}
