package dev.omnibridge.hub.survey;

import java.time.Duration;
import java.util.Optional;

/** What the survey sender must know of a channel instance before it writes to a customer there. */
public interface SurveyChannels {
    /**
     * Whether the instance is a channel the hub can still write on: configured, and a channel (not a desk). A
     * configured channel that is stopped for now counts: the outbox waits for it, as for any reply.
     */
    boolean isChannel(String instanceId);

    /** How long after the customer's last message the channel takes a free-form message; empty without limit. */
    Optional<Duration> replyWindow(String instanceId);
}
