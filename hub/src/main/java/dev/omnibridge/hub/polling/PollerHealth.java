package dev.omnibridge.hub.polling;

import java.time.Instant;

/**
 * How one polled source is doing, for {@code /health} (under the instance's {@code polling}).
 *
 * @param name                the source's name within its instance
 * @param state               {@code WAITING}, {@code POLLING}, {@code STORING}, {@code BACKING_OFF} or {@code STOPPED}
 * @param lastPollAt          when the last poll began (null before the first)
 * @param lastSuccessAt       when a poll last worked (and its result, if any, was stored)
 * @param consecutiveFailures failed polls in a row (0 after a success)
 * @param failures            failed polls since the source started
 * @param lastFailure         why the last poll failed (the connector's classified message, or only the exception type)
 * @param lastFailureAt       when it failed
 * @param nextPollAt          when the next poll is due (null while one runs)
 */
public record PollerHealth(String name, String state, Instant lastPollAt, Instant lastSuccessAt,
                           int consecutiveFailures, long failures, String lastFailure, Instant lastFailureAt,
                           Instant nextPollAt) {
}
