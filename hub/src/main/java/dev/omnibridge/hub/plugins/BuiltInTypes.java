package dev.omnibridge.hub.plugins;

import dev.omnibridge.hub.camel.CamelRouteType;
import dev.omnibridge.hub.camel.CamelHost;
import dev.omnibridge.hub.inbox.ConsoleInboxType;
import dev.omnibridge.spi.ConnectorType;

import java.util.List;

/** Connector types the hub provides itself, next to the plugins' (no zip to install). */
public final class BuiltInTypes {
    private BuiltInTypes() {
    }

    /** The types without a Camel context to run routes in (listing and checking settings, as validate does). */
    public static List<ConnectorType> all() {
        return all(CamelHost.detached());
    }

    /** @param camel the hub's Camel context for the camel-desk and camel-channel instances (issue 23) */
    public static List<ConnectorType> all(CamelHost camel) {
        return List.of(new ConsoleInboxType(), CamelRouteType.desk(camel), CamelRouteType.channel(camel));
    }
}
