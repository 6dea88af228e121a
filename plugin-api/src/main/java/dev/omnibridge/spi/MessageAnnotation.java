package dev.omnibridge.spi;

import java.util.Objects;

/**
 * Something a channel reports about a stored message rather than a new message, such as a customer's reaction:
 * the hub merges it into that message's metadata.
 *
 * @param channelMessageId the annotated message's channel id (one received on, or sent through, this instance)
 * @param key              metadata key, e.g. {@code reaction.<customer id>}
 * @param value            the value, or null to remove the key (e.g. a reaction taken back)
 */
public record MessageAnnotation(String channelMessageId, String key, String value) {
    public MessageAnnotation {
        Objects.requireNonNull(channelMessageId, "channelMessageId");
        Objects.requireNonNull(key, "key");
    }
}
