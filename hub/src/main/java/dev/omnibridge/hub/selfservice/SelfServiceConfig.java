package dev.omnibridge.hub.selfservice;

import java.util.Map;

/**
 * The self-service bot per channel instance ({@code selfService:}, read by {@link SelfServiceSection}): the section's
 * own keys are the default for every channel instance, {@code channels.<instance id>} gives an instance the keys that
 * differ.
 *
 * @param defaults     the settings of an instance without an entry of its own
 * @param channels     per channel instance, the defaults with its own keys over them
 * @param handOffWords what makes the bot hand a conversation to a person at once
 */
public record SelfServiceConfig(SelfServiceSettings defaults, Map<String, SelfServiceSettings> channels,
                                HandOffWords handOffWords) {
    public static final String KEY = "selfService";

    public SelfServiceConfig {
        defaults = defaults == null ? SelfServiceSettings.OFF : defaults;
        channels = channels == null ? Map.of() : Map.copyOf(channels);
        handOffWords = handOffWords == null ? HandOffWords.builtIn() : handOffWords;
    }

    public static SelfServiceConfig off() {
        return new SelfServiceConfig(SelfServiceSettings.OFF, Map.of(), HandOffWords.builtIn());
    }

    /** The settings of a channel instance (null: the defaults). */
    public SelfServiceSettings forInstance(String instanceId) {
        SelfServiceSettings own = instanceId == null ? null : channels.get(instanceId);
        return own != null ? own : defaults;
    }

    /** The mode of a channel instance. */
    public SelfServiceMode mode(String instanceId) {
        return forInstance(instanceId).mode();
    }

    /** Whether some channel instance (or the default) has the bot on: without one, the hub installs nothing. */
    public boolean anyOn() {
        return defaults.mode() != SelfServiceMode.OFF
                || channels.values().stream().anyMatch(s -> s.mode() != SelfServiceMode.OFF);
    }
}
