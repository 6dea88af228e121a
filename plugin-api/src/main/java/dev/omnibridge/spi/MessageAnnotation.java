package dev.omnibridge.spi;

import java.util.Objects;

/**
 * Something a channel reports about a stored message rather than a new message, such as a customer's reaction:
 * the hub merges it into that message's metadata. Make one with {@link #set} or {@link #remove}: the record may gain
 * components, and its constructor stays only for plugins compiled against older versions of this API.
 *
 * @param channelMessageId the annotated message's channel id (one received on, or sent through, this instance)
 * @param key              metadata key, e.g. {@code reaction.<customer id>}
 * @param value            the value, or null to remove the key (e.g. a reaction taken back)
 */
public record MessageAnnotation(String channelMessageId, String key, String value) {
    /** @deprecated use {@link #set} or {@link #remove}: this constructor changes whenever a component is added */
    @Deprecated(since = "1.1.0")
    public MessageAnnotation {
        Objects.requireNonNull(channelMessageId, "channelMessageId");
        Objects.requireNonNull(key, "key");
    }

    /** Sets metadata {@code key} of the message to {@code value} (null removes it, as {@link #remove} does). */
    public static MessageAnnotation set(String channelMessageId, String key, String value) {
        return new MessageAnnotation(channelMessageId, key, value);
    }

    /** Removes metadata {@code key} from the message, e.g. a reaction taken back. */
    public static MessageAnnotation remove(String channelMessageId, String key) {
        return set(channelMessageId, key, null);
    }
}
