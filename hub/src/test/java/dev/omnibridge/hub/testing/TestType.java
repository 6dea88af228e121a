package dev.omnibridge.hub.testing;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;

import java.util.function.Supplier;

/** A test's own connector type: a name, a description, no settings, and how to make its connector. */
public record TestType(String name, String description, Supplier<Connector> connector) implements ConnectorType {
    @Override
    public ConfigDef config() {
        return ConfigDef.create();
    }

    @Override
    public Connector create() {
        return connector.get();
    }
}
