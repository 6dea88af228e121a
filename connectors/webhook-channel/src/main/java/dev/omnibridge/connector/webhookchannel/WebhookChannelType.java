package dev.omnibridge.connector.webhookchannel;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code webhook-channel} connector type: a generic customer channel that posts canonical messages to the hub
 * and receives agents' replies on a callback URL, both signed with a shared secret. Wire format: docs/contracts.md.
 */
@Extension
public final class WebhookChannelType implements ConnectorType {
    public static final String NAME = "webhook-channel";

    static final String SECRET = "secret";
    static final String CALLBACK_URL = "callbackUrl";
    static final String TIMEOUT = "timeout";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Generic channel: signed JSON webhooks in, replies POSTed to a callback URL";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(SECRET, SettingType.STRING).required().secret()
                        .describedAs("shared secret for the X-Omnibridge-Signature HMAC, in both directions"))
                .define(Setting.of(CALLBACK_URL, SettingType.URL).required()
                        .describedAs("where agents' replies are POSTed"))
                .define(Setting.of(TIMEOUT, SettingType.DURATION).withDefault("10s")
                        .describedAs("how long to wait for the callback's answer")
                        .validatedBy(WebhookChannelType::positive));
    }

    @Override
    public Connector create() {
        return new WebhookChannelConnector();
    }

    static Optional<String> positive(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() ? Optional.of("must be longer than zero") : Optional.empty();
    }
}
