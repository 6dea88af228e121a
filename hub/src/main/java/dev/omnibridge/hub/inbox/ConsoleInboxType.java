package dev.omnibridge.hub.inbox;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;

/** {@code console-inbox}: a desk that lives in the hub's operator console, so no external help desk is needed. */
public final class ConsoleInboxType implements ConnectorType {
    public static final String NAME = "console-inbox";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Built-in desk: agents answer conversations in the operator console (/console)";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create();
    }

    @Override
    public Connector create() {
        return new ConsoleInbox();
    }
}
