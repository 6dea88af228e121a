package dev.omnibridge.connector.twilio;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code twilio-sms} connector type: SMS, MMS and WhatsApp through Twilio. Inbound messages and status callbacks
 * arrive as signed webhooks; replies leave through the Messages API. Settings are documented in README.md.
 */
@Extension
public final class TwilioType implements ConnectorType {
    public static final String NAME = "twilio-sms";

    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern MESSAGING_SERVICE_SID = Pattern.compile("MG[0-9a-fA-F]{32}");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "SMS, MMS and WhatsApp through Twilio: signed webhooks in, Messages API out, delivery status, opt-out";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(TwilioSettings.ACCOUNT_SID, SettingType.STRING).required()
                        .validatedBy(v -> sid(v, ACCOUNT_SID, "AC"))
                        .describedAs("Twilio Account SID (AC followed by 32 hex digits)"))
                .define(Setting.of(TwilioSettings.AUTH_TOKEN, SettingType.STRING).required().secret()
                        .validatedBy(dev.omnibridge.config.Validator.nonEmpty())
                        .describedAs("Twilio Auth Token: authenticates API calls and signs webhooks"))
                .define(Setting.of(TwilioSettings.MESSAGING_SERVICE_SID, SettingType.STRING)
                        .validatedBy(v -> sid(v, MESSAGING_SERVICE_SID, "MG"))
                        .describedAs("send replies through this Messaging Service instead of from the "
                                + "conversation's business number"))
                .define(Setting.of(TwilioSettings.WEBHOOK_URL, SettingType.URL)
                        .describedAs("the public URL configured in the Twilio console for this instance "
                                + "(default: the hub's <publicUrl>/hooks/<id>); signatures are checked against it"))
                .define(Setting.of(TwilioSettings.API_BASE_URL, SettingType.URL).withDefault("https://api.twilio.com")
                        .describedAs("Twilio REST API origin"))
                .define(Setting.of(TwilioSettings.MEDIA_HOSTS, SettingType.LIST).withDefault("api.twilio.com")
                        .validatedBy(dev.omnibridge.config.Validator.nonEmpty())
                        .describedAs("hosts that MediaUrlN may point to (redirects from there may go to any "
                                + "public host)"))
                .define(Setting.of(TwilioSettings.MAX_MEDIA_BYTES, SettingType.LONG).withDefault(5_242_880L)
                        .validatedBy(dev.omnibridge.config.Validator.range(1, Integer.MAX_VALUE - 8))
                        .describedAs("larger media are left out, with a note in the message text"))
                .define(Setting.of(TwilioSettings.ALLOW_PRIVATE_MEDIA_ADDRESSES, SettingType.BOOLEAN)
                        .withDefault(false)
                        .describedAs("TESTS ONLY: let media downloads reach loopback and private addresses "
                                + "(and plain http), e.g. a mock media server on localhost"))
                .define(Setting.of(TwilioSettings.TIMEOUT, SettingType.DURATION).withDefault("15s")
                        .validatedBy(TwilioType::positive)
                        .describedAs("how long to wait for each call to Twilio (API and media)"))
                .define(Setting.of(TwilioSettings.MEDIA_RETRIES, SettingType.INT).withDefault(6)
                        .validatedBy(dev.omnibridge.config.Validator.range(0, 20))
                        .describedAs("how often a media download that failed for a passing reason (timeout, "
                                + "network, 5xx, 429) is tried again in the background; the message is stored at "
                                + "once with a note"))
                .define(Setting.of(TwilioSettings.MEDIA_RETRY_DELAY, SettingType.DURATION).withDefault("1m")
                        .validatedBy(TwilioType::positive)
                        .describedAs("wait before the first background media retry; doubles with every attempt"));
    }

    @Override
    public Connector create() {
        return new TwilioConnector();
    }

    private static Optional<String> sid(Object value, Pattern pattern, String prefix) {
        return pattern.matcher(String.valueOf(value)).matches() ? Optional.empty()
                : Optional.of("must be " + prefix + " followed by 32 hex digits");
    }

    private static Optional<String> positive(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() ? Optional.of("must be longer than zero") : Optional.empty();
    }
}
