package dev.omnibridge.hub.triage;

import java.util.List;

/**
 * Where one message goes.
 *
 * @param desks       the desks, each once, in route order
 * @param firedRoutes names of the routes that matched, in order
 * @param reroute     a matching route says {@code reroute: true}: it may move an existing conversation
 * @param sticky      the channel has a route with conditions: the conversation's desks are recorded with its
 *                    first message and kept for the ones after it (unless a route re-routes it)
 */
public record RouteDecision(List<DeskTarget> desks, List<String> firedRoutes, boolean reroute, boolean sticky) {
    public RouteDecision {
        desks = List.copyOf(desks);
        firedRoutes = List.copyOf(firedRoutes);
    }

    public List<String> deskIds() {
        return desks.stream().map(DeskTarget::desk).toList();
    }
}
