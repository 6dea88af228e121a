package dev.omnibridge.spi;

import dev.omnibridge.config.ConfigDef;
import org.pf4j.ExtensionPoint;

/**
 * What a plugin contributes: a kind of connector, named in configuration by {@link #name()}. Annotate the
 * implementation with {@code @org.pf4j.Extension}. The hub calls {@link #create()} once per configured instance.
 */
public interface ConnectorType extends ExtensionPoint {
    /** The {@code type} used in configuration, e.g. {@code webhook-channel}; lower case and dashes. */
    String name();

    /** One line for logs and {@code omnibridge validate}. */
    String description();

    /** The settings an instance takes. */
    ConfigDef config();

    /**
     * For a desk type: the assignment a route may give its tickets (e.g. a group or queue), declared like the
     * settings: names, types, validators, docs. Routes are checked against it before anything starts, and the desk
     * receives the values in {@link DeskDelivery#assignment()}. None by default.
     */
    default ConfigDef assignment() {
        return new ConfigDef();
    }

    /** A new, not yet started instance: a {@link ChannelConnector} or a {@link DeskConnector}. */
    Connector create();
}
