package dev.omnibridge.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * What a channel reports about a message the hub sent through it (e.g. Twilio's or WhatsApp's status callbacks).
 * The hub keeps the furthest state reached, so callbacks arriving out of order never move a message backwards.
 *
 * @param channelMessageId the id {@link ChannelConnector#send} returned for the message
 * @param state            where the message is now
 * @param errorCode        the channel's error code for FAILED/UNDELIVERED (e.g. Twilio {@code 30003}), or null
 * @param errorMessage     a short explanation without customer data, or null
 * @param at               when the channel says it happened, or null for now
 */
public record DeliveryStatus(String channelMessageId, State state, String errorCode, String errorMessage,
                             Instant at) {
    /** Ordered by how far a message got; FAILED and UNDELIVERED end it. */
    public enum State {
        QUEUED(0), SENT(1), DELIVERED(2), READ(3), UNDELIVERED(2), FAILED(2);

        private final int rank;

        State(int rank) {
            this.rank = rank;
        }

        /** Whether a report of {@code next} after this one is news rather than a late, older report. */
        public boolean canMoveTo(State next) {
            return next.rank > rank;
        }
    }

    public DeliveryStatus {
        Objects.requireNonNull(channelMessageId, "channelMessageId");
        Objects.requireNonNull(state, "state");
    }
}
