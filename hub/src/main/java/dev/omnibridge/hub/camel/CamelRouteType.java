package dev.omnibridge.hub.camel;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The built-in types whose behaviour is a Camel route in the configuration (docs/camel.md): {@code camel-desk} and
 * {@code camel-channel}. They differ only in their settings and the connector they create.
 */
public final class CamelRouteType implements ConnectorType {
    public static final String DESK = "camel-desk";
    public static final String CHANNEL = "camel-channel";

    private final String name;
    private final String description;
    private final Supplier<ConfigDef> config;
    private final Function<CamelHost, Connector> connector;
    private final CamelHost host;

    private CamelRouteType(String name, String description, Supplier<ConfigDef> config,
                           Function<CamelHost, Connector> connector, CamelHost host) {
        this.name = name;
        this.description = description;
        this.config = config;
        this.connector = connector;
        this.host = host;
    }

    public static CamelRouteType desk(CamelHost host) {
        return new CamelRouteType(DESK, "Built-in desk: a Camel route (YAML DSL) reading from omnibridge:<instance> "
                + "delivers to any system Camel reaches", CamelRouteSettings::desk, CamelDesk::new, host);
    }

    public static CamelRouteType channel(CamelHost host) {
        return new CamelRouteType(CHANNEL, "Built-in channel: Camel routes (YAML DSL) hand customer messages to "
                + "omnibridge:<instance> and send replies read from it", CamelRouteSettings::channel,
                CamelChannel::new, host);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public ConfigDef config() {
        return config.get();
    }

    @Override
    public Connector create() {
        return connector.apply(host);
    }
}
