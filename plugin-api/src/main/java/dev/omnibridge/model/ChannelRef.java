package dev.omnibridge.model;

import java.util.Objects;

/**
 * The channel a message travelled on: the connector type (e.g. {@code webhook-channel}, {@code email})
 * and the configured instance of it (e.g. {@code support-mailbox}).
 */
public record ChannelRef(String type, String instanceId) {
    public ChannelRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(instanceId, "instanceId");
    }
}
