package dev.omnibridge.connector.meta;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

/** The {@code messenger} connector type; see README.md. */
@Extension
public final class MessengerType implements ConnectorType {
    public static final String NAME = "messenger";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Facebook Messenger through a Page: signed webhooks, attachments, postbacks, HUMAN_AGENT tag";
    }

    @Override
    public ConfigDef config() {
        return MetaSettings.config(Product.MESSENGER);
    }

    @Override
    public Connector create() {
        return new MetaConnector(Product.MESSENGER);
    }
}
