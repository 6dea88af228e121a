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

    /** A new, not yet started instance: a {@link ChannelConnector} or a {@link DeskConnector}. */
    Connector create();
}
