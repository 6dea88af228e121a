package dev.omnibridge.hub.camel;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code omnibridge:<instanceId>[?kind=message|reply]}. As a producer ({@code to:}) it hands the hub a customer
 * message for a camel-channel instance, or with {@code kind=reply} an agent's reply for a camel-desk instance. As a
 * consumer ({@code from:}) it receives the instance's deliveries.
 */
@UriEndpoint(scheme = OmnibridgeComponent.SCHEME, title = "Omnibridge", syntax = "omnibridge:instanceId",
        category = Category.CORE)
public final class OmnibridgeEndpoint extends DefaultEndpoint {
    @UriPath
    @Metadata(required = true)
    private final String instanceId;
    @UriParam(defaultValue = "message", enums = "message,reply")
    private String kind = "message";

    OmnibridgeEndpoint(String uri, OmnibridgeComponent component, String instanceId) {
        super(uri, component);
        this.instanceId = instanceId;
    }

    @Override
    public OmnibridgeComponent getComponent() {
        return (OmnibridgeComponent) super.getComponent();
    }

    public String instanceId() {
        return instanceId;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        if (!"message".equals(kind) && !"reply".equals(kind)) {
            throw new IllegalArgumentException("kind must be message or reply");
        }
        this.kind = kind;
    }

    @Override
    public Producer createProducer() {
        return new OmnibridgeProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        OmnibridgeConsumer consumer = new OmnibridgeConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }
}
