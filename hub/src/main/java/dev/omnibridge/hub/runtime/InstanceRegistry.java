package dev.omnibridge.hub.runtime;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.webhook.WebhookRejectedException;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured instances by id, and whether one can take work now: a vendor's request (webhook or socket) or a
 * delivery. Known before the HTTP port opens, so a hook is never answered 404 just because its instance has not
 * started yet.
 */
public final class InstanceRegistry {
    /** Starting (the hub's or one instance's): a vendor may try again soon. */
    static final int RETRY_AFTER_STARTING_SECONDS = 5;
    /** Stopped or failed: it takes an operator to bring the instance back, so the vendor need not hurry. */
    static final int RETRY_AFTER_DOWN_SECONDS = 60;

    // Replaced as a whole when a configuration reload adds or removes an instance (issue 24): readers never lock.
    private volatile Map<String, ConnectorInstance> instances;
    private volatile boolean startingUp = true;

    InstanceRegistry(List<HubConfig.Instance> configured) {
        Map<String, ConnectorInstance> map = new LinkedHashMap<>();
        for (HubConfig.Instance i : configured) {
            map.put(i.id(), fresh(i));
        }
        this.instances = Collections.unmodifiableMap(map);
    }

    private static ConnectorInstance fresh(HubConfig.Instance i) {
        ConnectorInstance instance = new ConnectorInstance(i.id(), i.type(), i.enabled());
        if (i.enabled()) {
            // Waiting for its turn in start-up: shown as STARTING, not as an operator's STOPPED.
            instance.state(InstanceState.STARTING);
        }
        return instance;
    }

    /** Puts a new instance in, or a new one in place of the one with that id (configuration reload). */
    synchronized ConnectorInstance put(HubConfig.Instance configured) {
        Map<String, ConnectorInstance> map = new LinkedHashMap<>(instances);
        ConnectorInstance instance = fresh(configured);
        map.put(configured.id(), instance);
        instances = Collections.unmodifiableMap(map);
        return instance;
    }

    /** Takes an instance out (configuration reload): its hook answers 404 from now on. */
    synchronized void remove(String id) {
        Map<String, ConnectorInstance> map = new LinkedHashMap<>(instances);
        map.remove(id);
        instances = Collections.unmodifiableMap(map);
    }

    /** Every instance has had its start; from now on an unknown id is answered 404. */
    void startUpFinished() {
        startingUp = false;
    }

    public boolean startingUp() {
        return startingUp;
    }

    public Collection<ConnectorInstance> all() {
        return instances.values();
    }

    public Optional<ConnectorInstance> find(String id) {
        return Optional.ofNullable(instances.get(id));
    }

    ConnectorInstance get(String id) {
        return instances.get(id);
    }

    /**
     * The instance a vendor's request is for, if it is running. Otherwise a configured instance, and any id while
     * the hub is still starting, throws {@link InstanceUnavailableException} (503 with Retry-After); an unknown id
     * after start-up throws a 404 refusal.
     */
    ConnectorInstance acceptingRequests(String id) {
        ConnectorInstance instance = instances.get(id);
        if (instance == null) {
            if (startingUp) {
                throw new InstanceUnavailableException("the hub is starting", RETRY_AFTER_STARTING_SECONDS);
            }
            throw new WebhookRejectedException(404, "no connector instance '" + id + "'");
        }
        InstanceState state = instance.state();
        if (instance.draining()) {
            // Its plugin is being swapped (issue 24): back in a moment.
            throw new InstanceUnavailableException("instance '" + id + "' is restarting",
                    RETRY_AFTER_STARTING_SECONDS);
        }
        if (state != InstanceState.RUNNING || instance.connector == null) {
            boolean soon = state == InstanceState.STARTING || state == InstanceState.RUNNING;
            throw new InstanceUnavailableException("instance '" + id + "' is " + state,
                    soon ? RETRY_AFTER_STARTING_SECONDS : RETRY_AFTER_DOWN_SECONDS);
        }
        return instance;
    }

    /** The running instance a delivery goes to; a stopped one is retried later, an unknown one never. */
    ConnectorInstance running(String id) {
        ConnectorInstance instance = instances.get(id);
        if (instance == null) {
            throw DeliveryException.permanent("no connector instance '" + id + "' is configured");
        }
        if (instance.state() != InstanceState.RUNNING || instance.connector == null) {
            throw DeliveryException.retryable("instance '" + id + "' is " + instance.state(), null);
        }
        return instance;
    }
}
