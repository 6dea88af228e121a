package dev.omnibridge.hub.runtime;

import dev.omnibridge.spi.Connector;

import java.time.Instant;

/** One configured instance at run time: its connector (when it could be created) and its observable state. */
public final class ConnectorInstance {
    private final String id;
    private final String type;
    private final boolean enabled;
    private volatile InstanceState state = InstanceState.STOPPED;
    private volatile String lastError;
    private volatile Instant lastMessageAt;
    volatile Connector connector;
    volatile HubConnectorContext context;
    volatile ClassLoader classLoader;

    ConnectorInstance(String id, String type, boolean enabled) {
        this.id = id;
        this.type = type;
        this.enabled = enabled;
    }

    public String id() {
        return id;
    }

    public String type() {
        return type;
    }

    public boolean enabled() {
        return enabled;
    }

    public InstanceState state() {
        return state;
    }

    public String lastError() {
        return lastError;
    }

    public Instant lastMessageAt() {
        return lastMessageAt;
    }

    void state(InstanceState state, String error) {
        this.state = state;
        if (error != null || state == InstanceState.RUNNING) {
            this.lastError = error;
        }
    }

    void problem(String error) {
        this.lastError = error;
    }

    void messageSeen(Instant at) {
        this.lastMessageAt = at;
    }
}
