package dev.omnibridge.hub.camel;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/**
 * The start of a route that reads an instance's deliveries. The hub's delivery thread runs the route itself, like
 * {@code direct:}, so the outbox's lanes keep their order per conversation and their retries apply unchanged.
 */
final class OmnibridgeConsumer extends DefaultConsumer {
    OmnibridgeConsumer(OmnibridgeEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public OmnibridgeEndpoint getEndpoint() {
        return (OmnibridgeEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        getEndpoint().getComponent().register(this);
    }

    @Override
    protected void doStop() throws Exception {
        getEndpoint().getComponent().unregister(this);
        super.doStop();
    }

    /** Runs the route on the calling thread; the outcome (result headers or exception) is on the exchange. */
    Exchange run(java.util.function.Consumer<Exchange> fill) {
        Exchange exchange = createExchange(false);
        fill.accept(exchange);
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        return exchange;
    }
}
