package dev.omnibridge.testkit.contract;

import dev.omnibridge.spi.Connector;
import dev.omnibridge.testkit.FakeConnectorContext;

/**
 * A started connector and the in-memory hub side it was started with; closing stops the connector, then runs
 * {@code cleanup} (e.g. stops the Camel context the test gave it), if any.
 */
public record Running<C extends Connector>(C connector, FakeConnectorContext context, AutoCloseable cleanup)
        implements AutoCloseable {
    public Running(C connector, FakeConnectorContext context) {
        this(connector, context, null);
    }

    @Override
    public void close() throws Exception {
        try {
            connector.stop();
        } finally {
            if (cleanup != null) {
                cleanup.close();
            }
        }
    }
}
