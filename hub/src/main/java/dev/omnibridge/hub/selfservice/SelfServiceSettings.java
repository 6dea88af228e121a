package dev.omnibridge.hub.selfservice;

import java.time.Duration;

/**
 * The bot's settings for one channel instance (the section's defaults with the instance's own keys over them).
 *
 * @param mode         off, suggest or answer
 * @param threshold    the confidence (0 to 1) an entry needs before the bot uses it
 * @param maxAnswers   automatic answers per conversation before the bot hands off whatever the customer writes: a
 *                     customer is never kept in a loop with the bot
 * @param restartAfter a conversation the bot answered (and nobody took over) that stays quiet this long starts afresh:
 *                     on a channel whose conversation never ends (an SMS number, a chat thread) the customer's next
 *                     question is a new one, not the n-th of an old exchange
 */
public record SelfServiceSettings(SelfServiceMode mode, double threshold, int maxAnswers, Duration restartAfter) {
    public static final double DEFAULT_THRESHOLD = 0.5;
    public static final int DEFAULT_MAX_ANSWERS = 2;
    public static final Duration DEFAULT_RESTART_AFTER = Duration.ofHours(24);

    public static final SelfServiceSettings OFF = new SelfServiceSettings(SelfServiceMode.OFF, DEFAULT_THRESHOLD,
            DEFAULT_MAX_ANSWERS, DEFAULT_RESTART_AFTER);

    public SelfServiceSettings {
        if (mode == null) {
            mode = SelfServiceMode.OFF;
        }
        if (restartAfter == null) {
            restartAfter = DEFAULT_RESTART_AFTER;
        }
    }

    public SelfServiceSettings withMode(SelfServiceMode m) {
        return new SelfServiceSettings(m, threshold, maxAnswers, restartAfter);
    }
}
