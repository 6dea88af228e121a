package dev.omnibridge.hub.identity;

import java.util.List;
import java.util.Map;

/**
 * {@code identity.replyFallback}: the channel instances, in order of preference, a reply may go through when the
 * conversation's own channel cannot reach the customer any more; per channel instance under {@code channels}.
 *
 * @param defaults  the order for channels without their own list (empty: no fallback)
 * @param channels  per channel instance id, its own order
 */
public record ReplyFallbackConfig(List<String> defaults, Map<String, List<String>> channels) {
    public ReplyFallbackConfig {
        defaults = defaults == null ? List.of() : List.copyOf(defaults);
        channels = channels == null ? Map.of() : Map.copyOf(channels);
    }

    public static ReplyFallbackConfig none() {
        return new ReplyFallbackConfig(List.of(), Map.of());
    }

    /** The fallback instances for replies of conversations on {@code channelInstance}, in order. */
    public List<String> forChannel(String channelInstance) {
        return channels.getOrDefault(channelInstance, defaults);
    }
}
