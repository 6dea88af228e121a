package dev.omnibridge.hub.sla;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The first-response targets of the whole hub: a default and, per channel instance, what differs from it
 * ({@code firstResponse:} in the configuration; {@link FirstResponseSettings} declares and reads it).
 *
 * @param defaults what every channel instance without its own entry uses
 * @param channels per channel instance id, its policy (the default with the instance's own keys applied)
 */
public record FirstResponseConfig(FirstResponsePolicy defaults, Map<String, FirstResponsePolicy> channels) {
    public FirstResponseConfig {
        Objects.requireNonNull(defaults, "defaults");
        channels = Map.copyOf(channels);
    }

    /** Every default: the targets on for every channel, around the clock. */
    public static FirstResponseConfig standard() {
        return new FirstResponseConfig(FirstResponseSettings.defaultPolicy(), Map.of());
    }

    public FirstResponsePolicy policy(String channelInstance) {
        return channels.getOrDefault(channelInstance, defaults);
    }

    /**
     * The calendars named, for checking them against the configured calendars (an unknown name makes the timers
     * count around the clock, with a warning in the log).
     */
    public Set<String> calendarNames() {
        Set<String> names = new TreeSet<>();
        if (defaults.calendar() != null) {
            names.add(defaults.calendar());
        }
        channels.values().stream().map(FirstResponsePolicy::calendar).filter(Objects::nonNull).forEach(names::add);
        return names;
    }
}
