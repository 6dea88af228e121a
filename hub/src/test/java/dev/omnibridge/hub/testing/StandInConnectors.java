package dev.omnibridge.hub.testing;

import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.OutboundMessage;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test's stand-in channel (hands in what the test gives it through its context) and stand-in desk (accepts every
 * delivery), both keeping their {@link ConnectorContext} by instance id so the test can submit as the channel.
 * One per test instance: nothing is shared between tests.
 */
public final class StandInConnectors {
    private final Map<String, ConnectorContext> contexts = new ConcurrentHashMap<>();
    private final TestType channel;
    private final TestType desk;

    /** Types named {@code <prefix>-channel} and {@code <prefix>-desk}. */
    public StandInConnectors(String prefix) {
        channel = new TestType(prefix + "-channel", "hands in what the test gives it", Channel::new);
        desk = new TestType(prefix + "-desk", "accepts every delivery", Desk::new);
    }

    public TestType channel() {
        return channel;
    }

    public TestType desk() {
        return desk;
    }

    /** The context the hub gave the started instance {@code instanceId}. */
    public ConnectorContext context(String instanceId) {
        return Objects.requireNonNull(contexts.get(instanceId), () -> "no started instance " + instanceId);
    }

    private final class Channel implements ChannelConnector {
        @Override
        public void start(ConnectorContext ctx) {
            contexts.put(ctx.instanceId(), ctx);
        }

        @Override
        public String send(OutboundMessage outbound) {
            return "sent-" + outbound.message().id();
        }
    }

    private final class Desk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
            contexts.put(ctx.instanceId(), ctx);
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            return new DeskResult("T-1", "c-" + delivery.message().id());
        }
    }
}
