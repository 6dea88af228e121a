package dev.omnibridge.examples.line;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code line} connector type: a LINE Official Account through the LINE Messaging API. Customers' text messages
 * arrive as signed webhooks; agents' replies go out as push messages.
 */
@Extension
public final class LineType implements ConnectorType {
    public static final String NAME = "line";

    static final String CHANNEL_SECRET = "channelSecret";
    static final String ACCESS_TOKEN = "channelAccessToken";
    static final String API_BASE = "apiBase";
    static final String TIMEOUT = "timeout";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "LINE Messaging API: signed webhooks in, push messages out";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(CHANNEL_SECRET, SettingType.STRING).required().secret()
                        .describedAs("the channel secret (LINE Developers Console, Basic settings); checks the "
                                + "x-line-signature of every webhook"))
                .define(Setting.of(ACCESS_TOKEN, SettingType.STRING).required().secret()
                        .describedAs("a channel access token (Messaging API tab), sent as the bearer token of "
                                + "push requests"))
                .define(Setting.of(API_BASE, SettingType.URL).withDefault("https://api.line.me")
                        .describedAs("base URL of the Messaging API; change it only for a test stand-in"))
                .define(Setting.of(TIMEOUT, SettingType.DURATION).withDefault("10s")
                        .describedAs("how long to wait for the API's answer")
                        .validatedBy(LineType::positive));
    }

    @Override
    public Connector create() {
        return new LineConnector();
    }

    static Optional<String> positive(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() ? Optional.of("must be longer than zero") : Optional.empty();
    }
}
