package dev.omnibridge.hub.polling;

import java.time.Instant;

/**
 * How one polled source is doing, for {@code /health} (under the instance's {@code polling}).
 *
 * @param name                the source's name within its instance
 * @param state               {@code WAITING}, {@code POLLING}, {@code STORING}, {@code BACKING_OFF} or {@code STOPPED};
 *                            {@code STANDBY} on a node of a cluster that does not hold the source's lease (issue 25)
 * @param lastPollAt          when the last poll began (null before the first)
 * @param lastSuccessAt       when a poll last worked (and its result, if any, was stored)
 * @param consecutiveFailures failed polls in a row (0 after a success)
 * @param failures            failed polls since the source started
 * @param lastFailure         why the last poll failed (the connector's classified message, or only the exception type)
 * @param lastFailureAt       when it failed
 * @param nextPollAt          when the next poll is due (null while one runs)
 * @param heldBy              in a cluster: the node that polls the source (this one, another, or null while no node
 *                            holds its lease); null on a hub on its own
 */
public record PollerHealth(String name, String state, Instant lastPollAt, Instant lastSuccessAt,
                           int consecutiveFailures, long failures, String lastFailure, Instant lastFailureAt,
                           Instant nextPollAt, String heldBy) {
    /** A source another node polls (or none yet): this node stands by to take it over. */
    static PollerHealth standby(String name, String heldBy) {
        return new PollerHealth(name, "STANDBY", null, null, 0, 0, null, null, null, heldBy);
    }

    PollerHealth heldBy(String node) {
        return new PollerHealth(name, state, lastPollAt, lastSuccessAt, consecutiveFailures, failures, lastFailure,
                lastFailureAt, nextPollAt, node);
    }
}
