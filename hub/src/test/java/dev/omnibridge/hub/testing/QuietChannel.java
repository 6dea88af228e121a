package dev.omnibridge.hub.testing;

import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.OutboundMessage;

/** A channel that starts, hands in nothing and sends nowhere: for tests about configuration, not traffic. */
public final class QuietChannel implements ChannelConnector {
    @Override
    public void start(ConnectorContext context) {
    }

    @Override
    public String send(OutboundMessage outbound) {
        return "sent";
    }
}
