package dev.omnibridge.spi;

import dev.omnibridge.model.Address;

import java.util.Objects;

/**
 * Thrown by {@link ChannelConnector#send} when the customer can no longer be reached on this channel but left an
 * address on another channel instance, e.g. a chat visitor who left an email for a follow-up and closed the page.
 * The hub then sends the same message through {@code channelInstanceId} to {@code to}, in a thread of its own, and
 * records where it went. A hand-off is followed once: the second channel cannot hand off again.
 *
 * @see dev.omnibridge.spi.ChannelConnector#send
 */
public final class HandOff extends RuntimeException {
    private final String channelInstanceId;
    private final Address to;

    /**
     * @param channelInstanceId the channel instance to send through instead
     * @param to                the customer's address on that channel
     * @param reason            why, for the log (no customer data)
     */
    public HandOff(String channelInstanceId, Address to, String reason) {
        super(reason, null, false, false);
        this.channelInstanceId = Objects.requireNonNull(channelInstanceId, "channelInstanceId");
        this.to = Objects.requireNonNull(to, "to");
    }

    public String channelInstanceId() {
        return channelInstanceId;
    }

    public Address to() {
        return to;
    }
}
