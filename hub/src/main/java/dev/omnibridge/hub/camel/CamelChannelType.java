package dev.omnibridge.hub.camel;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;

/** {@code camel-channel}: a customer channel whose behaviour is a Camel route in the configuration (docs/camel.md). */
public final class CamelChannelType implements ConnectorType {
    public static final String NAME = "camel-channel";

    private final CamelHost host;

    public CamelChannelType(CamelHost host) {
        this.host = host;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Built-in channel: Camel routes (YAML DSL) hand customer messages to omnibridge:<instance> and send "
                + "replies read from it";
    }

    @Override
    public ConfigDef config() {
        return CamelRouteSettings.channel();
    }

    @Override
    public Connector create() {
        return new CamelChannel(host);
    }
}
