package dev.omnibridge.hub.camel;

import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import org.apache.camel.Exchange;

import java.util.function.Consumer;

/**
 * What a camel-desk and a camel-channel instance share: starting its routes (after opening the instance to routes
 * that hand it messages, so a route that starts consuming at once finds it), handing a delivery to the route that
 * reads it, and stopping.
 */
final class CamelInstance {
    private final CamelHost host;
    private ConnectorContext context;
    private InstanceRoutes routes;

    CamelInstance(CamelHost host) {
        this.host = host;
    }

    void start(ConnectorContext context, Inlet inlet) throws Exception {
        this.context = context;
        OmnibridgeComponent component = host.component();
        component.openInlet(context.instanceId(), inlet);
        InstanceRoutes loaded = new InstanceRoutes(host.camel(), context.instanceId());
        try {
            loaded.start(CamelRouteSettings.source(context.instanceId(), context.settings()),
                    CamelRouteSettings.properties(context.settings()));
        } catch (Exception | LinkageError e) {
            component.closeInlet(context.instanceId());
            throw e;
        }
        this.routes = loaded;
    }

    void stop() {
        if (context == null) {
            return;
        }
        host.component().closeInlet(context.instanceId());
        if (routes != null) {
            routes.stop();
            routes = null;
        }
    }

    String instanceId() {
        return context.instanceId();
    }

    CamelHost host() {
        return host;
    }

    /**
     * Runs the route that reads this instance's deliveries with the exchange {@code fill} prepares, on this thread.
     *
     * @return the finished exchange, its result headers set
     * @throws DeliveryException the route's failure as {@link RouteFailures} classifies it; retryable when no route
     *                           reads the deliveries now
     */
    Exchange deliver(Consumer<Exchange> fill) {
        String id = DeliveryException.whileRunning(context).instanceId();
        OmnibridgeConsumer consumer = host.component().consumer(id);
        if (consumer == null || !consumer.isRunAllowed()) {
            throw DeliveryException.retryable("route not running: no started route reads from omnibridge:" + id,
                    null);
        }
        Exchange done = consumer.run(fill);
        DeliveryException failure = RouteFailures.of(done);
        if (failure != null) {
            throw failure;
        }
        return done;
    }
}
