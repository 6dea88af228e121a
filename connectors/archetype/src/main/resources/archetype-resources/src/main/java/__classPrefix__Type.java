package ${package};

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

/**
 * The {@code ${connectorName}} connector type. The hub finds it through PF4J's extension index (written at compile
 * time for {@code @Extension} classes) and creates one {@link ${classPrefix}Connector} per configured instance.
 * Every setting is declared here with its type and a description: the hub validates configuration against it
 * before anything starts, and README.md's settings table is made from it.
 */
@Extension
public final class ${classPrefix}Type implements ConnectorType {
    public static final String NAME = "${connectorName}";

    static final String SECRET = "secret";
    static final String API_URL = "apiUrl";
    static final String TOKEN = "token";
    static final String TIMEOUT = "timeout";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
#if( $kind == "channel" )
        return "${classPrefix} channel: signed webhook events in, replies POSTed to the service's API";
#else
        return "${classPrefix} desk: a ticket per conversation, messages added as comments through the desk's API";
#end
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(SECRET, SettingType.STRING).required().secret()
                        .describedAs("shared secret of the X-Signature HMAC-SHA256 on inbound webhooks"))
#if( $kind == "channel" )
                .define(Setting.of(API_URL, SettingType.URL).required()
                        .describedAs("where agents' replies are POSTed"))
#else
                .define(Setting.of(API_URL, SettingType.URL).required()
                        .describedAs("base URL of the desk's API; tickets are created under /tickets"))
#end
                .define(Setting.of(TOKEN, SettingType.STRING).required().secret()
                        .describedAs("bearer token for the API"))
                .define(Setting.of(TIMEOUT, SettingType.DURATION).withDefault("10s")
                        .describedAs("how long to wait for the API's answer")
                        .validatedBy(value -> ((java.time.Duration) value).isZero()
                                || ((java.time.Duration) value).isNegative()
                                ? java.util.Optional.of("must be longer than zero") : java.util.Optional.empty()));
    }

    @Override
    public Connector create() {
        return new ${classPrefix}Connector();
    }
}
