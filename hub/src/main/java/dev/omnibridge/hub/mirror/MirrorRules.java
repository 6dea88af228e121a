package dev.omnibridge.hub.mirror;

import dev.omnibridge.hub.config.HubConfig;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Which of its routes' {@code mirror:} settings a conversation follows. The routes that count are those from the
 * conversation's channel instance that name at least one of its desks. When one of them sets {@code mirror:}, the
 * conversation mirrors what those that set it name together (so {@code none} on the route that brings the second
 * desk turns it off); when none sets it, both replies and status are mirrored (the default, which only matters where a
 * conversation goes to two or more desks).
 */
public final class MirrorRules {
    private final List<HubConfig.Route> routes;

    public MirrorRules(List<HubConfig.Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /** What a conversation of {@code channelInstance} that goes to {@code desks} mirrors between them. */
    public MirrorSetting forConversation(String channelInstance, Collection<String> desks) {
        MirrorSetting set = null;
        for (HubConfig.Route r : routes) {
            if (r.mirror() == null || !r.appliesTo(channelInstance) || r.to().stream().noneMatch(desks::contains)) {
                continue;
            }
            set = set == null ? r.mirror() : set.and(r.mirror());
        }
        return set == null ? MirrorSetting.BOTH : set;
    }

    /**
     * Whether a conversation of one of these channel instances can have anything mirrored: its channel feeds two or
     * more desks that do not all mirror nothing. Without one, the hub does not install the mirror at all.
     */
    public boolean anyOn(Collection<String> channelInstances, Function<String, List<String>> desksFor) {
        for (String channel : channelInstances) {
            List<String> desks = desksFor.apply(channel);
            if (desks.size() >= 2 && forConversation(channel, desks).any()) {
                return true;
            }
        }
        return false;
    }
}
