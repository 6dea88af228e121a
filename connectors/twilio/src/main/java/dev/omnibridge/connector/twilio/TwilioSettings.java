package dev.omnibridge.connector.twilio;

import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Settings;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A twilio-sms instance's settings, typed once so the rest of the connector never reads raw keys.
 *
 * @param webhookUrl the public URL Twilio posts to (console setting), without query or fragment
 */
record TwilioSettings(String accountSid, Secret authToken, String messagingServiceSid, URI webhookUrl,
                      URI apiBaseUrl, List<String> mediaHosts, long maxMediaBytes,
                      boolean allowPrivateMediaAddresses, Duration timeout, int mediaRetries,
                      Duration mediaRetryDelay) {
    static final String ACCOUNT_SID = "accountSid";
    static final String AUTH_TOKEN = "authToken";
    static final String MESSAGING_SERVICE_SID = "messagingServiceSid";
    static final String WEBHOOK_URL = "webhookUrl";
    static final String API_BASE_URL = "apiBaseUrl";
    static final String MEDIA_HOSTS = "mediaHosts";
    static final String MAX_MEDIA_BYTES = "maxMediaBytes";
    static final String ALLOW_PRIVATE_MEDIA_ADDRESSES = "allowPrivateMediaAddresses";
    static final String TIMEOUT = "timeout";
    static final String MEDIA_RETRIES = "mediaRetries";
    static final String MEDIA_RETRY_DELAY = "mediaRetryDelay";

    /** The sub-path Twilio posts status callbacks to, below the instance's hook. */
    static final String STATUS_PATH = "status";

    static TwilioSettings from(Settings s, URI hubWebhookUrl) {
        URI webhook = s.optionalUrl(WEBHOOK_URL).orElse(hubWebhookUrl);
        return new TwilioSettings(s.string(ACCOUNT_SID), s.secret(AUTH_TOKEN),
                s.optionalString(MESSAGING_SERVICE_SID).filter(v -> !v.isBlank()).orElse(null),
                withoutQuery(webhook), s.url(API_BASE_URL),
                s.list(MEDIA_HOSTS).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(),
                s.longValue(MAX_MEDIA_BYTES), s.bool(ALLOW_PRIVATE_MEDIA_ADDRESSES), s.duration(TIMEOUT),
                s.integer(MEDIA_RETRIES), s.duration(MEDIA_RETRY_DELAY));
    }

    /**
     * The URL Twilio signs for a request to the hook (empty sub-path) or below it. It is built from the configured
     * public URL, because behind a proxy the hub sees another one.
     */
    String signedUrl(String subPath) {
        String base = webhookUrl.toString();
        if (subPath == null || subPath.isEmpty()) {
            return base;
        }
        return (base.endsWith("/") ? base : base + "/") + subPath;
    }

    /** Where Twilio reports delivery states of the messages this instance sends. */
    String statusCallbackUrl() {
        return signedUrl(STATUS_PATH);
    }

    /** Twilio signs the URL it requested; its query comes from the request, and a fragment is never sent. */
    private static URI withoutQuery(URI uri) {
        String s = uri.toString();
        int cut = s.length();
        int q = s.indexOf('?');
        int f = s.indexOf('#');
        if (q >= 0) {
            cut = q;
        }
        if (f >= 0 && f < cut) {
            cut = f;
        }
        return URI.create(s.substring(0, cut));
    }

    @Override
    public String toString() {
        return "TwilioSettings[accountSid=" + accountSid + ", messagingServiceSid=" + messagingServiceSid
                + ", webhookUrl=" + webhookUrl + ", apiBaseUrl=" + apiBaseUrl + ", mediaHosts=" + mediaHosts
                + ", maxMediaBytes=" + maxMediaBytes + ", allowPrivateMediaAddresses=" + allowPrivateMediaAddresses
                + ", timeout=" + timeout + "]";
    }
}
