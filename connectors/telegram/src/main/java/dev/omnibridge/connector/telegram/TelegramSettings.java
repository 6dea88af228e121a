package dev.omnibridge.connector.telegram;

import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Settings;

import java.net.URI;
import java.time.Duration;

/** A telegram instance's settings, typed once. {@code toString} never shows the token or the webhook secret. */
record TelegramSettings(Secret botToken, boolean webhookMode, URI apiBaseUrl, Duration pollTimeout,
                        Secret webhookSecret, URI webhookUrl, long maxFileBytes, Duration timeout, int fileRetries,
                        Duration fileRetryDelay) {
    static final String BOT_TOKEN = "botToken";
    static final String MODE = "mode";
    static final String API_BASE_URL = "apiBaseUrl";
    static final String POLL_TIMEOUT = "pollTimeout";
    static final String WEBHOOK_SECRET = "webhookSecret";
    static final String WEBHOOK_URL = "webhookUrl";
    static final String MAX_FILE_BYTES = "maxFileBytes";
    static final String TIMEOUT = "timeout";
    static final String FILE_RETRIES = "fileRetries";
    static final String FILE_RETRY_DELAY = "fileRetryDelay";

    /** The poll position key saved with each batch: the highest update_id it covers. */
    static final String OFFSET_KEY = "updateId";
    /**
     * Saved with {@link #OFFSET_KEY}: when the batch was stored, ISO-8601. After a week without updates Telegram
     * picks the next update_id at random, so an offset that old is not sent (see the poller).
     */
    static final String OFFSET_AT_KEY = "updateIdAt";

    static TelegramSettings from(Settings s, URI hubWebhookUrl) {
        boolean webhook = "webhook".equals(s.string(MODE));
        Secret secret = s.has(WEBHOOK_SECRET) ? s.secret(WEBHOOK_SECRET) : null;
        if (webhook && (secret == null || secret.reveal().isEmpty())) {
            throw new IllegalArgumentException("setting 'webhookSecret' is required when 'mode' is webhook");
        }
        return new TelegramSettings(s.secret(BOT_TOKEN), webhook, s.url(API_BASE_URL), s.duration(POLL_TIMEOUT),
                secret, s.optionalUrl(WEBHOOK_URL).orElse(hubWebhookUrl), s.longValue(MAX_FILE_BYTES),
                s.duration(TIMEOUT), s.integer(FILE_RETRIES), s.duration(FILE_RETRY_DELAY));
    }

    @Override
    public String toString() {
        return "TelegramSettings[mode=" + (webhookMode ? "webhook" : "polling") + ", apiBaseUrl=" + apiBaseUrl
                + ", pollTimeout=" + pollTimeout + ", webhookUrl=" + webhookUrl + ", maxFileBytes=" + maxFileBytes
                + ", timeout=" + timeout + ", fileRetries=" + fileRetries + ", fileRetryDelay=" + fileRetryDelay + "]";
    }
}
