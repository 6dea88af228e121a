package dev.omnibridge.hub.camel;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;

/** {@code camel-desk}: a desk whose behaviour is a Camel route in the configuration (docs/camel.md). */
public final class CamelDeskType implements ConnectorType {
    public static final String NAME = "camel-desk";

    private final CamelHost host;

    public CamelDeskType(CamelHost host) {
        this.host = host;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Built-in desk: a Camel route (YAML DSL) reading from omnibridge:<instance> delivers to any system "
                + "Camel reaches";
    }

    @Override
    public ConfigDef config() {
        return CamelRouteSettings.desk();
    }

    @Override
    public Connector create() {
        return new CamelDesk(host);
    }
}
