package dev.omnibridge.hub.plugins;

import dev.omnibridge.hub.inbox.ConsoleInboxType;
import dev.omnibridge.spi.ConnectorType;

import java.util.List;

/** Connector types the hub provides itself, next to the plugins' (no zip to install). */
public final class BuiltInTypes {
    private BuiltInTypes() {
    }

    public static List<ConnectorType> all() {
        return List.of(new ConsoleInboxType());
    }
}
