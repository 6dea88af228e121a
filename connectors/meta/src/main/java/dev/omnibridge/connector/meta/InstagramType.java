package dev.omnibridge.connector.meta;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

/** The {@code instagram} connector type; see README.md. */
@Extension
public final class InstagramType implements ConnectorType {
    public static final String NAME = "instagram";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Instagram messaging: signed webhooks, attachments, postbacks, HUMAN_AGENT tag";
    }

    @Override
    public ConfigDef config() {
        return MetaSettings.config(Product.INSTAGRAM);
    }

    @Override
    public Connector create() {
        return new MetaConnector(Product.INSTAGRAM);
    }
}
