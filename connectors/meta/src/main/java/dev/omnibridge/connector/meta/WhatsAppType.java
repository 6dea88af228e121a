package dev.omnibridge.connector.meta;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

/** The {@code whatsapp} connector type; see README.md. */
@Extension
public final class WhatsAppType implements ConnectorType {
    public static final String NAME = "whatsapp";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "WhatsApp Cloud API: signed webhooks, media, statuses, reactions, templates outside the 24-hour window";
    }

    @Override
    public ConfigDef config() {
        return MetaSettings.config(Product.WHATSAPP);
    }

    @Override
    public Connector create() {
        return new MetaConnector(Product.WHATSAPP);
    }
}
