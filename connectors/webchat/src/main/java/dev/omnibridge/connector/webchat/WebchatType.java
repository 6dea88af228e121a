package dev.omnibridge.connector.webchat;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.calendar.CalendarProblem;
import dev.omnibridge.calendar.InvalidCalendarException;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Validator;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;


import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code webchat} connector type: a live chat widget that websites embed with one script tag, talking to the hub
 * over a WebSocket with an HTTP polling fallback. Protocol: docs/contracts.md, "webchat wire protocol".
 */
@Extension
public final class WebchatType implements ConnectorType {
    public static final String NAME = "webchat";

    static final String TOKEN_SECRET = "tokenSecret";
    static final String IDENTITY_SECRET = "identitySecret";
    static final String ALLOWED_ORIGINS = "allowedOrigins";
    static final String TITLE = "title";
    static final String COLOR = "color";
    static final String GREETING = "greeting";
    static final String OFFLINE_MESSAGE = "offlineMessage";
    static final String POSITION = "position";
    static final String CALENDAR = "calendar";
    static final String BUSINESS_HOURS = "businessHours";
    static final String TIME_ZONE = "timeZone";
    static final String FOLLOW_UP_CHANNEL = "followUpChannel";
    static final String HAND_OFF_AFTER = "handOffAfter";
    static final String MAX_FILE_BYTES = "maxFileBytes";
    static final String ALLOWED_FILE_TYPES = "allowedFileTypes";
    static final String MAX_TEXT_LENGTH = "maxTextLength";
    static final String MESSAGES_PER_MINUTE = "messagesPerMinute";
    static final String REQUESTS_PER_MINUTE_PER_IP = "requestsPerMinutePerIp";
    static final String TOKEN_TTL = "tokenTtl";
    static final String HISTORY_LIMIT = "historyLimit";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Live chat widget for websites: one script tag, WebSocket with polling fallback, signed visitor tokens";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(TOKEN_SECRET, SettingType.STRING).required().secret()
                        .describedAs("HMAC key that signs visitor tokens, at least 32 characters; changing it "
                                + "ends every visitor's session")
                        .validatedBy(v -> String.valueOf(v).length() < 32
                                ? Optional.of("must be at least 32 characters") : Optional.empty()))
                .define(Setting.of(IDENTITY_SECRET, SettingType.STRING).secret()
                        .describedAs("identity verification: HMAC key, at least 32 characters, that the site's "
                                + "backend uses to sign its logged-in user's email (data-user-hash); a verified "
                                + "email becomes the visitor's address. Empty: no identity verification")
                        .validatedBy(v -> String.valueOf(v).length() < 32
                                ? Optional.of("must be at least 32 characters") : Optional.empty()))
                .define(Setting.of(ALLOWED_ORIGINS, SettingType.LIST)
                        .describedAs("origins (scheme://host[:port]) of the sites that embed the widget; empty: "
                                + "only the hub's own origin (the demo page)")
                        .validatedBy(WebchatType::origins))
                .define(Setting.of(TITLE, SettingType.STRING).withDefault("Chat with us")
                        .describedAs("the panel's title").validatedBy(maxLength(60)))
                .define(Setting.of(COLOR, SettingType.STRING).withDefault("#2563eb")
                        .describedAs("accent colour, #rrggbb")
                        .validatedBy(v -> String.valueOf(v).matches("#[0-9a-fA-F]{6}") ? Optional.empty()
                                : Optional.of("must be a colour like #2563eb")))
                .define(Setting.of(GREETING, SettingType.STRING).withDefault("Hi! How can we help?")
                        .describedAs("first line shown in an empty chat").validatedBy(maxLength(300)))
                .define(Setting.of(OFFLINE_MESSAGE, SettingType.STRING)
                        .withDefault("We are away right now. Leave your email and we will get back to you.")
                        .describedAs("shown outside business hours or when no desk is running")
                        .validatedBy(maxLength(300)))
                .define(Setting.of(POSITION, SettingType.STRING).withDefault("right")
                        .describedAs("corner of the launcher: left or right").validatedBy(Validator.oneOf("left",
                                "right")))
                .define(Setting.of(CALENDAR, SettingType.CALENDAR)
                        .describedAs("name of a business calendar declared in the hub's calendars: (time zone, "
                                + "weekly hours, holidays, exceptions); the chat is offline when it is closed. "
                                + "Instead of businessHours and timeZone"))
                .define(Setting.of(BUSINESS_HOURS, SettingType.STRING).withDefault("")
                        .describedAs("inline weekly hours when no calendar is named, e.g. 'Mon-Fri 09:00-17:00, "
                                + "Sat 10:00-13:00'; empty: always")
                        .validatedBy(v -> {
                            try {
                                BusinessCalendar.weekly("businessHours", "UTC", String.valueOf(v));
                                return Optional.empty();
                            } catch (InvalidCalendarException e) {
                                return Optional.of(e.problems().stream().map(CalendarProblem::message)
                                        .collect(Collectors.joining("; ")));
                            }
                        }))
                .define(Setting.of(TIME_ZONE, SettingType.STRING).withDefault("UTC")
                        .describedAs("time zone of the inline businessHours, e.g. Europe/Berlin")
                        .validatedBy(v -> {
                            try {
                                ZoneId.of(String.valueOf(v));
                                return Optional.empty();
                            } catch (RuntimeException e) {
                                return Optional.of("must be a time zone id such as Europe/Berlin or UTC");
                            }
                        }))
                .define(Setting.of(FOLLOW_UP_CHANNEL, SettingType.STRING)
                        .describedAs("channel instance (e.g. an email connector) that carries replies to visitors "
                                + "whose email the site verified (identitySecret) and who closed the chat; a typed "
                                + "email is never used (see the hub's identity.replyFallback)")
                        .validatedBy(v -> String.valueOf(v).matches("[A-Za-z0-9_.-]+") ? Optional.empty()
                                : Optional.of("must be a connector instance id")))
                .define(Setting.of(HAND_OFF_AFTER, SettingType.DURATION).withDefault("2m")
                        .describedAs("how long a visitor must be gone (no open chat) before replies go to "
                                + "followUpChannel, or the hub is told the visitor is unreachable")
                        .validatedBy(WebchatType::positive))
                .define(Setting.of(MAX_FILE_BYTES, SettingType.LONG).withDefault(10_485_760L)
                        .describedAs("largest file a visitor may send, in bytes (hub.http.maxBodyBytes must allow it)")
                        .validatedBy(Validator.range(1, 104_857_600)))
                .define(Setting.of(ALLOWED_FILE_TYPES, SettingType.LIST)
                        .withDefault("image/png,image/jpeg,image/gif,application/pdf,text/plain")
                        .describedAs("media types visitors may send; each must be one the connector verifies by "
                                + "content: " + FileTypes.VERIFIABLE.stream().sorted().toList())
                        .validatedBy(v -> {
                            for (Object t : (List<?>) v) {
                                if (!FileTypes.VERIFIABLE.contains(String.valueOf(t))) {
                                    return Optional.of("'" + t + "' cannot be verified by content; allowed are "
                                            + FileTypes.VERIFIABLE.stream().sorted().toList());
                                }
                            }
                            return Optional.empty();
                        }))
                .define(Setting.of(MAX_TEXT_LENGTH, SettingType.INT).withDefault(4000)
                        .describedAs("longest message text, in characters").validatedBy(Validator.range(1, 20_000)))
                .define(Setting.of(MESSAGES_PER_MINUTE, SettingType.INT).withDefault(20)
                        .describedAs("messages and files one visitor may send per minute")
                        .validatedBy(Validator.range(1, 10_000)))
                .define(Setting.of(REQUESTS_PER_MINUTE_PER_IP, SettingType.INT).withDefault(300)
                        .describedAs("HTTP requests, socket connections and socket frames per client IP per minute")
                        .validatedBy(Validator.range(1, 1_000_000)))
                .define(Setting.of(TOKEN_TTL, SettingType.DURATION).withDefault("30d")
                        .describedAs("how long a visitor token (and so the visitor's access to the history) lasts")
                        .validatedBy(WebchatType::positive))
                .define(Setting.of(HISTORY_LIMIT, SettingType.INT).withDefault(100)
                        .describedAs("how many of the latest messages the widget shows")
                        .validatedBy(Validator.range(1, 1000)));
    }

    @Override
    public Connector create() {
        return new WebchatConnector();
    }

    static Optional<String> positive(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() ? Optional.of("must be longer than zero") : Optional.empty();
    }

    private static Validator maxLength(int max) {
        return v -> String.valueOf(v).length() > max ? Optional.of("must be at most " + max + " characters")
                : Optional.empty();
    }

    private static Optional<String> origins(Object value) {
        for (Object o : (List<?>) value) {
            String s = String.valueOf(o);
            if (OriginPolicy.normalise(s) == null) {
                return Optional.of("'" + s + "' is not an origin like https://www.example.com (scheme, host, "
                        + "optional port, no path)");
            }
        }
        return Optional.empty();
    }

}
