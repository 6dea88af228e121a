package dev.omnibridge.hub.cluster;

import java.sql.Connection;
import java.util.function.Consumer;

/**
 * A bus that tells nobody: a single node's (there is no other node to tell) and a test's that needs no notices.
 * Open for a test's bus that also reports a {@link BusStatus}.
 */
public class NoBus implements Bus {
    @Override
    public void publish(Connection c, String topic, String payload) {
        // No other node.
    }

    @Override
    public void publish(String topic, String payload) {
        // No other node.
    }

    @Override
    public void subscribe(String topic, Consumer<String> handler) {
        // No other node publishes.
    }
}
