package dev.omnibridge.connector.telegram;

import java.time.Duration;

/**
 * A failed Bot API call. The message names the method and what Telegram said, never the URL (which holds the
 * token); network failures carry no cause for the same reason.
 */
final class BotApiException extends Exception {
    /** HTTP status, or 0 when no answer arrived (network, timeout) or the answer was unreadable. */
    private final int status;
    private final String description;
    private final Duration retryAfter;
    private final Long migrateToChatId;

    BotApiException(String message, int status, String description, Duration retryAfter) {
        this(message, status, description, retryAfter, null);
    }

    BotApiException(String message, int status, String description, Duration retryAfter, Long migrateToChatId) {
        super(message, null, false, false);
        this.status = status;
        this.description = description;
        this.retryAfter = retryAfter;
        this.migrateToChatId = migrateToChatId;
    }

    int status() {
        return status;
    }

    /** Telegram's description, e.g. {@code Forbidden: bot was blocked by the user}, or null. */
    String description() {
        return description;
    }

    /** {@code parameters.retry_after} of a 429, or null. */
    Duration retryAfter() {
        return retryAfter;
    }

    /** {@code parameters.migrate_to_chat_id}: the group became this supergroup; or null. */
    Long migrateToChatId() {
        return migrateToChatId;
    }

    boolean isNetwork() {
        return status == 0;
    }
}
