package dev.omnibridge.connector.meta;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Settings;
import dev.omnibridge.config.Validator;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A meta instance's settings, typed once. {@code toString} never shows a secret.
 *
 * @param accountId   the account setting's value (phone number id, page id or Instagram account id): uploads
 * @param sendAccount the node whose {@code /messages} edge sends: the phone number id, the page id, and for Instagram
 *                    the page id or {@code me} (Facebook Login) or the Instagram account id (Instagram Login)
 */
record MetaSettings(Product product, Secret appSecret, Secret verifyToken, Secret accessToken, URI graphApiBaseUrl,
                    String graphApiVersion, long maxMediaBytes, Duration timeout, String accountId,
                    String sendAccount, String templateName, String templateLanguage, boolean humanAgentTag,
                    int mediaRetries, Duration mediaRetryDelay) {
    static final String APP_SECRET = "appSecret";
    static final String VERIFY_TOKEN = "verifyToken";
    static final String ACCESS_TOKEN = "accessToken";
    static final String GRAPH_API_BASE_URL = "graphApiBaseUrl";
    static final String GRAPH_API_VERSION = "graphApiVersion";
    static final String MAX_MEDIA_BYTES = "maxMediaBytes";
    static final String TIMEOUT = "timeout";
    static final String TEMPLATE_NAME = "templateName";
    static final String TEMPLATE_LANGUAGE = "templateLanguage";
    static final String HUMAN_AGENT_TAG = "humanAgentTag";
    static final String LOGIN = "login";
    static final String PAGE_ID = "pageId";
    /** Messenger API for Instagram: a Page access token from Facebook Login, on graph.facebook.com. */
    static final String FACEBOOK_LOGIN = "facebook";
    /** Instagram API with Instagram Login: an Instagram user access token, on graph.instagram.com. */
    static final String INSTAGRAM_LOGIN = "instagram";
    static final String FACEBOOK_GRAPH = "https://graph.facebook.com";
    static final String INSTAGRAM_GRAPH = "https://graph.instagram.com";
    static final String MEDIA_RETRIES = "mediaRetries";
    static final String MEDIA_RETRY_DELAY = "mediaRetryDelay";

    private static final Pattern VERSION = Pattern.compile("v[0-9]+\\.[0-9]+");
    private static final Pattern ID = Pattern.compile("[0-9]{1,32}");

    static ConfigDef config(Product product) {
        ConfigDef def = ConfigDef.create()
                .define(Setting.of(APP_SECRET, SettingType.STRING).required().secret()
                        .describedAs("the Meta app's App Secret; verifies X-Hub-Signature-256"))
                .define(Setting.of(VERIFY_TOKEN, SettingType.STRING).required().secret()
                        .describedAs("the Verify Token entered in the app dashboard's webhook setup"))
                .define(Setting.of(ACCESS_TOKEN, SettingType.STRING).required().secret()
                        .describedAs("Graph API access token (system user or page token)"))
                .define(product == Product.INSTAGRAM
                        // No fixed default: it follows the login (graph.facebook.com or graph.instagram.com).
                        ? Setting.of(GRAPH_API_BASE_URL, SettingType.URL).describedAs("Graph API origin (default "
                                + FACEBOOK_GRAPH + ", or " + INSTAGRAM_GRAPH + " with login: instagram)")
                        : Setting.of(GRAPH_API_BASE_URL, SettingType.URL).withDefault(FACEBOOK_GRAPH)
                                .describedAs("Graph API origin"))
                .define(Setting.of(GRAPH_API_VERSION, SettingType.STRING).withDefault("v23.0")
                        .validatedBy(v -> VERSION.matcher(String.valueOf(v)).matches() ? Optional.empty()
                                : Optional.of("must look like v23.0"))
                        .describedAs("Graph API version, e.g. v23.0"))
                .define(Setting.of(MAX_MEDIA_BYTES, SettingType.LONG).withDefault(16_777_216L)
                        .validatedBy(Validator.range(1, Integer.MAX_VALUE - 8))
                        .describedAs("inbound media above this are not fetched (a note goes into the text); "
                                + "outbound files above it fail the reply"))
                .define(Setting.of(TIMEOUT, SettingType.DURATION).withDefault("15s")
                        .validatedBy(v -> ((Duration) v).isNegative() || ((Duration) v).isZero()
                                || ((Duration) v).compareTo(Duration.ofMinutes(10)) > 0
                                ? Optional.of("must be between 1 ms and 600 s") : Optional.empty())
                        .describedAs("how long to wait for Graph API calls and media downloads"))
                .define(Setting.of(MEDIA_RETRIES, SettingType.INT).withDefault(6)
                        .validatedBy(Validator.range(0, 20))
                        .describedAs("how often a media download that failed for a passing reason (network, 5xx, "
                                + "429) is tried again in the background; the message is stored at once with a note"))
                .define(Setting.of(MEDIA_RETRY_DELAY, SettingType.DURATION).withDefault("1m")
                        .validatedBy(v -> ((Duration) v).isNegative() || ((Duration) v).isZero()
                                || ((Duration) v).compareTo(Duration.ofHours(1)) > 0
                                ? Optional.of("must be between 1 ms and 1 h") : Optional.empty())
                        .describedAs("wait before the first background media retry; doubles with every attempt"))
                .define(Setting.of(product.accountSetting, SettingType.STRING).required()
                        .validatedBy(v -> ID.matcher(String.valueOf(v)).matches() ? Optional.empty()
                                : Optional.of("must be the numeric id shown in the app dashboard"))
                        .describedAs(switch (product) {
                            case WHATSAPP -> "the WhatsApp Business phone number id replies are sent from";
                            case MESSENGER -> "the Facebook Page id replies are sent from";
                            case INSTAGRAM -> "the Instagram professional account id replies are sent from";
                        }));
        if (product == Product.WHATSAPP) {
            def.define(Setting.of(TEMPLATE_NAME, SettingType.STRING)
                            .describedAs("approved message template sent outside the 24-hour window"))
                    .define(Setting.of(TEMPLATE_LANGUAGE, SettingType.STRING).withDefault("en_US")
                            .describedAs("the template's language code"));
        } else {
            if (product == Product.INSTAGRAM) {
                def.define(Setting.of(LOGIN, SettingType.STRING).withDefault(FACEBOOK_LOGIN)
                                .validatedBy(Validator.oneOf(FACEBOOK_LOGIN, INSTAGRAM_LOGIN))
                                .describedAs("how the access token was obtained: facebook (a Page access token; "
                                        + "Messenger API for Instagram, sends through the linked Page) or instagram "
                                        + "(an Instagram user access token; Instagram API with Instagram Login)"))
                        .define(Setting.of(PAGE_ID, SettingType.STRING)
                                .validatedBy(v -> ID.matcher(String.valueOf(v)).matches() ? Optional.empty()
                                        : Optional.of("must be the numeric id of the Facebook Page"))
                                .describedAs("login facebook: the id of the Facebook Page linked to the Instagram "
                                        + "account; replies go to /{pageId}/messages (default /me/messages, the "
                                        + "token's Page)"));
            }
            def.define(Setting.of(HUMAN_AGENT_TAG, SettingType.BOOLEAN).withDefault(false)
                    .describedAs("send with the HUMAN_AGENT tag after 24 hours (up to 7 days; needs the "
                            + "Human Agent permission)"));
        }
        return def;
    }

    static MetaSettings from(Product product, Settings s) {
        String version = s.string(GRAPH_API_VERSION);
        String account = s.string(product.accountSetting);
        boolean instagramLogin = product == Product.INSTAGRAM && INSTAGRAM_LOGIN.equals(s.string(LOGIN));
        String sendAccount = product != Product.INSTAGRAM ? account
                : instagramLogin ? account
                : s.optionalString(PAGE_ID).filter(p -> !p.isBlank()).orElse("me");
        URI base = s.optionalUrl(GRAPH_API_BASE_URL)
                .orElse(URI.create(instagramLogin ? INSTAGRAM_GRAPH : FACEBOOK_GRAPH));
        return new MetaSettings(product, s.secret(APP_SECRET), s.secret(VERIFY_TOKEN), s.secret(ACCESS_TOKEN),
                base, version, s.longValue(MAX_MEDIA_BYTES), s.duration(TIMEOUT), account, sendAccount,
                product == Product.WHATSAPP ? s.optionalString(TEMPLATE_NAME).filter(t -> !t.isBlank()).orElse(null)
                        : null,
                product == Product.WHATSAPP ? s.string(TEMPLATE_LANGUAGE) : null,
                product != Product.WHATSAPP && s.bool(HUMAN_AGENT_TAG), s.integer(MEDIA_RETRIES),
                s.duration(MEDIA_RETRY_DELAY));
    }

    @Override
    public String toString() {
        return "MetaSettings[product=" + product.type + ", graphApiBaseUrl=" + graphApiBaseUrl + ", graphApiVersion="
                + graphApiVersion + ", account=" + accountId + ", sendAccount=" + sendAccount + ", maxMediaBytes="
                + maxMediaBytes + ", timeout=" + timeout + ", templateName=" + templateName + ", humanAgentTag="
                + humanAgentTag + ", mediaRetries=" + mediaRetries + ", mediaRetryDelay=" + mediaRetryDelay + "]";
    }
}
