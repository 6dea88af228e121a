package dev.omnibridge.testkit.contract;

import dev.omnibridge.spi.Connector;
import dev.omnibridge.testkit.FakeConnectorContext;

/**
 * A started connector and the in-memory hub side it was started with; closing stops the connector.
 */
public record Running<C extends Connector>(C connector, FakeConnectorContext context) implements AutoCloseable {
    @Override
    public void close() throws Exception {
        connector.stop();
    }
}
