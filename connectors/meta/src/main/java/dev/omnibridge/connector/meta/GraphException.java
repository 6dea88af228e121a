package dev.omnibridge.connector.meta;

import java.time.Duration;

/**
 * A failed Graph API call: the HTTP status (0 for a network failure), Meta's error code and subcode when the answer
 * carried {@code {"error":{...}}}, and a message that never holds the access token.
 */
final class GraphException extends Exception {
    final int status;
    final Integer code;
    final Integer subcode;
    final Duration retryAfter;

    GraphException(String message, int status, Integer code, Integer subcode, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.subcode = subcode;
        this.retryAfter = retryAfter;
    }
}
