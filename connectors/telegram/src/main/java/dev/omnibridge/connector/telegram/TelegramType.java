package dev.omnibridge.connector.telegram;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Validator;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code telegram} connector type: a Telegram bot through the Bot API, by long polling (offset stored with the
 * messages) or by a webhook protected with a secret token. Settings are documented in README.md.
 */
@Extension
public final class TelegramType implements ConnectorType {
    public static final String NAME = "telegram";

    static final Pattern BOT_TOKEN = Pattern.compile("[0-9]+:[A-Za-z0-9_-]+");
    static final Pattern WEBHOOK_SECRET = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Telegram bots: long polling with stored offsets or webhooks with a secret token, media, edits";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(TelegramSettings.BOT_TOKEN, SettingType.STRING).required().secret()
                        .validatedBy(v -> BOT_TOKEN.matcher(String.valueOf(v)).matches() ? Optional.empty()
                                : Optional.of("must be the token BotFather gave: <digits>:<characters>"))
                        .describedAs("the bot's token from BotFather (<digits>:<characters>)"))
                .define(Setting.of(TelegramSettings.MODE, SettingType.STRING).withDefault("polling")
                        .validatedBy(Validator.oneOf("polling", "webhook"))
                        .describedAs("polling (getUpdates, offset stored with the messages) or webhook"))
                .define(Setting.of(TelegramSettings.API_BASE_URL, SettingType.URL)
                        .withDefault("https://api.telegram.org").describedAs("Bot API origin"))
                .define(Setting.of(TelegramSettings.POLL_TIMEOUT, SettingType.DURATION).withDefault("30s")
                        .validatedBy(v -> between((Duration) v, Duration.ZERO, Duration.ofMinutes(10)))
                        .describedAs("getUpdates long-poll timeout (0s to 10m)"))
                .define(Setting.of(TelegramSettings.WEBHOOK_SECRET, SettingType.STRING).secret()
                        .validatedBy(v -> WEBHOOK_SECRET.matcher(String.valueOf(v)).matches() ? Optional.empty()
                                : Optional.of("must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -"))
                        .describedAs("secret_token given to setWebhook; required when mode is webhook"))
                .define(Setting.of(TelegramSettings.WEBHOOK_URL, SettingType.URL)
                        .describedAs("public URL Telegram posts updates to (default: <publicUrl>/hooks/<id>)"))
                .define(Setting.of(TelegramSettings.MAX_FILE_BYTES, SettingType.LONG).withDefault(20_971_520L)
                        .validatedBy(Validator.range(1, Integer.MAX_VALUE - 8))
                        .describedAs("larger files are not fetched; the Bot API serves at most 20 MB"))
                .define(Setting.of(TelegramSettings.TIMEOUT, SettingType.DURATION).withDefault("15s")
                        .validatedBy(v -> between((Duration) v, Duration.ofMillis(1), Duration.ofMinutes(10)))
                        .describedAs("how long to wait for other Bot API calls and file downloads"))
                .define(Setting.of(TelegramSettings.FILE_RETRIES, SettingType.INT).withDefault(6)
                        .validatedBy(Validator.range(0, 20))
                        .describedAs("how often a file download that failed for a passing reason (network, 5xx, "
                                + "429) is tried again in the background; the message is stored at once with a note"))
                .define(Setting.of(TelegramSettings.FILE_RETRY_DELAY, SettingType.DURATION).withDefault("1m")
                        .validatedBy(v -> between((Duration) v, Duration.ofMillis(1), Duration.ofHours(1)))
                        .describedAs("wait before the first background file retry; doubles with every attempt"));
    }

    @Override
    public Connector create() {
        return new TelegramConnector();
    }

    private static Optional<String> between(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 || d.compareTo(max) > 0
                ? Optional.of("must be between " + min.toMillis() + " ms and " + max.toSeconds() + " s")
                : Optional.empty();
    }
}
