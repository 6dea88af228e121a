package dev.omnibridge.hub.triage;

import dev.omnibridge.hub.config.HubConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routes of each channel instance, in order, prepared once. A channel with plain routes only always gets the
 * same decision, made up front; a channel with conditional routes is evaluated per message.
 */
final class RouteTable {
    private final List<HubConfig.Route> routes;
    private final Map<String, ChannelRoutes> byChannel = new ConcurrentHashMap<>();

    RouteTable(List<HubConfig.Route> routes, List<String> channelIds) {
        this.routes = List.copyOf(routes);
        channelIds.forEach(this::of);
    }

    /** The routes that apply to a channel instance, in order. */
    List<HubConfig.Route> routesOf(String channelId) {
        return List.of(of(channelId).routes);
    }

    RouteDecision decide(String channelId, Facts facts) {
        ChannelRoutes c = of(channelId);
        return c.fixed != null ? c.fixed : c.evaluate(channelId, facts);
    }

    private ChannelRoutes of(String channelId) {
        ChannelRoutes c = byChannel.get(channelId);
        if (c == null) {
            c = byChannel.computeIfAbsent(channelId, id -> new ChannelRoutes(id,
                    routes.stream().filter(r -> r.appliesTo(id)).toArray(HubConfig.Route[]::new)));
        }
        return c;
    }

    private static final class ChannelRoutes {
        final HubConfig.Route[] routes;
        final boolean sticky;
        final RouteDecision fixed;

        ChannelRoutes(String channelId, HubConfig.Route[] routes) {
            this.routes = routes;
            boolean conditional = false;
            for (HubConfig.Route r : routes) {
                conditional |= r.conditional();
            }
            this.sticky = conditional;
            this.fixed = conditional ? null : evaluate(channelId, null);
        }

        RouteDecision evaluate(String channelId, Facts facts) {
            Map<String, DeskTarget> desks = new LinkedHashMap<>();
            List<String> fired = new ArrayList<>(2);
            boolean reroute = false;
            for (HubConfig.Route r : routes) {
                if (r.conditional() && !r.when().test(facts)) {
                    continue;
                }
                fired.add(r.label(channelId));
                // A desk named by several fired routes is sent the message once, with the first route's assignment.
                for (DeskTarget t : r.targets()) {
                    desks.putIfAbsent(t.desk(), t);
                }
                reroute |= r.reroute();
                if (!r.continues()) {
                    break;
                }
            }
            return new RouteDecision(List.copyOf(desks.values()), fired, reroute, sticky);
        }
    }
}
