package dev.omnibridge.hub.camel;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The {@code omnibridge} Camel component: {@code to: omnibridge:<channelInstanceId>} hands the hub a message (stored
 * before the exchange completes), {@code from: omnibridge:<instanceId>} receives the deliveries the outbox hands that
 * camel-desk or camel-channel instance. One per hub context; it knows which instances take messages right now
 * ({@link Inlet}) and which route reads each instance's deliveries ({@link OmnibridgeConsumer}).
 */
public final class OmnibridgeComponent extends DefaultComponent {
    public static final String SCHEME = "omnibridge";

    private final Predicate<String> knownInstance;
    private final Map<String, Inlet> inlets = new ConcurrentHashMap<>();
    private final Map<String, OmnibridgeConsumer> consumers = new ConcurrentHashMap<>();

    /**
     * @param knownInstance whether an id names a camel-channel or camel-desk instance of the configuration: an
     *                      endpoint for any other id does not resolve, so a typo fails at start and in validate
     */
    public OmnibridgeComponent(Predicate<String> knownInstance) {
        this.knownInstance = knownInstance;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters)
            throws Exception {
        String instanceId = remaining == null ? "" : remaining.strip();
        if (instanceId.isEmpty()) {
            throw new IllegalArgumentException("omnibridge: needs an instance id, e.g. omnibridge:my-channel");
        }
        if (!knownInstance.test(instanceId)) {
            throw new IllegalArgumentException("omnibridge:" + instanceId + " names no camel-channel or camel-desk "
                    + "instance of the configuration");
        }
        OmnibridgeEndpoint endpoint = new OmnibridgeEndpoint(uri, this, instanceId);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** A running instance takes messages from routes from now on; until {@link #closeInlet}. */
    void openInlet(String instanceId, Inlet inlet) {
        inlets.put(instanceId, inlet);
    }

    void closeInlet(String instanceId) {
        inlets.remove(instanceId);
    }

    Inlet inlet(String instanceId) {
        return inlets.get(instanceId);
    }

    void register(OmnibridgeConsumer consumer) {
        String id = consumer.getEndpoint().instanceId();
        OmnibridgeConsumer existing = consumers.putIfAbsent(id, consumer);
        if (existing != null && existing != consumer) {
            throw new IllegalStateException("a route already reads from omnibridge:" + id
                    + "; each instance's deliveries go to one route");
        }
    }

    void unregister(OmnibridgeConsumer consumer) {
        consumers.remove(consumer.getEndpoint().instanceId(), consumer);
    }

    /** The route that reads this instance's deliveries, or null when none runs. */
    OmnibridgeConsumer consumer(String instanceId) {
        return consumers.get(instanceId);
    }

    /** Ids of the instances whose deliveries a route reads now (for tests and health). */
    public Set<String> readingInstances() {
        return Set.copyOf(consumers.keySet());
    }
}
