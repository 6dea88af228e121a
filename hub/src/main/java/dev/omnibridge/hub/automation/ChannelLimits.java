package dev.omnibridge.hub.automation;

import java.time.Duration;
import java.util.Optional;

/** What a channel instance can send right now, as far as acknowledgements need to know. */
@FunctionalInterface
public interface ChannelLimits {
    /**
     * How long after the customer's message the channel still takes a free-form message (WhatsApp: 24 hours); empty
     * when the channel has no such window.
     */
    Optional<Duration> replyWindow(String channelInstance);

    static ChannelLimits none() {
        return instance -> Optional.empty();
    }
}
