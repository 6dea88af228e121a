package dev.omnibridge.connector.email;

import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Settings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** An email instance's settings, typed once so the rest of the connector never reads raw keys. */
public record EmailSettings(Server imap, Server smtp, Auth auth, OAuth oauth, List<String> folders,
                     Duration pollInterval, boolean idle, DoneAction doneAction, String doneFolder,
                     String fromAddress, String fromName, long maxAttachmentBytes, long maxMailBytes,
                     boolean acknowledge, String ackSubject, String ackText, boolean acceptMailingLists,
                     int maxAcknowledgementsPerDay) {
    static final String IMAP_HOST = "imapHost";
    static final String IMAP_PORT = "imapPort";
    static final String IMAP_SECURITY = "imapSecurity";
    static final String IMAP_USERNAME = "imapUsername";
    static final String IMAP_PASSWORD = "imapPassword";
    static final String FOLDERS = "folders";
    static final String POLL_INTERVAL = "pollInterval";
    static final String IDLE = "idle";
    static final String DONE_ACTION = "doneAction";
    static final String DONE_FOLDER = "doneFolder";
    static final String SMTP_HOST = "smtpHost";
    static final String SMTP_PORT = "smtpPort";
    static final String SMTP_SECURITY = "smtpSecurity";
    static final String SMTP_USERNAME = "smtpUsername";
    static final String SMTP_PASSWORD = "smtpPassword";
    static final String FROM_ADDRESS = "fromAddress";
    static final String FROM_NAME = "fromName";
    static final String MAX_ATTACHMENT_BYTES = "maxAttachmentBytes";
    static final String MAX_MAIL_BYTES = "maxMailBytes";
    static final String ACKNOWLEDGE = "acknowledge";
    static final String ACK_SUBJECT = "acknowledgementSubject";
    static final String ACK_TEXT = "acknowledgementText";
    static final String ACCEPT_MAILING_LISTS = "acceptMailingLists";
    static final String MAX_ACKS_PER_DAY = "maxAcknowledgementsPerDay";
    static final String AUTH = "auth";
    static final String OAUTH_TENANT = "oauthTenant";
    static final String OAUTH_CLIENT_ID = "oauthClientId";
    static final String OAUTH_CLIENT_SECRET = "oauthClientSecret";
    static final String OAUTH_REFRESH_TOKEN = "oauthRefreshToken";
    static final String OAUTH_KEY_FILE = "oauthKeyFile";
    static final String OAUTH_TOKEN_URL = "oauthTokenUrl";
    static final String OAUTH_SCOPE = "oauthScope";

    static final String MICROSOFT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token";
    static final String MICROSOFT_SCOPE = "https://outlook.office365.com/.default";
    static final String GOOGLE_SCOPE = "https://mail.google.com/";

    public enum Security { SSL, STARTTLS, NONE }

    public enum DoneAction { FLAG, MOVE, NONE }

    /** How the connector logs in; the setting's values are the lower-case names with dashes. */
    public enum Auth {
        PASSWORD, OAUTH2_MICROSOFT, OAUTH2_GOOGLE_SERVICE_ACCOUNT, OAUTH2_REFRESH_TOKEN;

        public String setting() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Auth of(String setting) {
            return valueOf(setting.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * The OAuth settings of the {@code oauth2-*} logins, checked for the chosen one.
     *
     * @param tokenUrl the token endpoint with {@code {tenant}} replaced; null for a service account without
     *                 {@code oauthTokenUrl} (the key file's {@code token_uri} is used)
     * @param scope    null to send none (a refresh token keeps its consented scopes)
     */
    public record OAuth(String clientId, Secret clientSecret, Secret refreshToken, Path keyFile, URI tokenUrl,
                        String scope) {
        @Override
        public String toString() {
            return "OAuth[clientId=" + clientId + ", tokenUrl=" + tokenUrl + ", scope=" + scope + "]";
        }
    }

    /** A mail server and its login (no password for OAuth logins); toString never shows the password. */
    public record Server(String host, int port, Security security, String username, String password) {
        @Override
        public String toString() {
            return security.name().toLowerCase(Locale.ROOT) + "://" + host + ":" + port;
        }
    }

    static EmailSettings from(Settings s) {
        Auth auth = Auth.of(s.string(AUTH));
        if (auth == Auth.PASSWORD && !s.has(IMAP_PASSWORD)) {
            throw new IllegalArgumentException("auth=password needs imapPassword");
        }
        if (auth != Auth.PASSWORD && (s.has(IMAP_PASSWORD) || s.has(SMTP_PASSWORD))) {
            throw new IllegalArgumentException("auth=" + auth.setting() + " logs in with OAuth tokens: remove "
                    + "imapPassword and smtpPassword");
        }
        OAuth oauth = auth == Auth.PASSWORD ? null : oauth(auth, s);
        String imapPassword = auth == Auth.PASSWORD ? s.secret(IMAP_PASSWORD).reveal() : null;
        Server imap = new Server(s.string(IMAP_HOST), s.integer(IMAP_PORT), security(s.string(IMAP_SECURITY)),
                s.string(IMAP_USERNAME), imapPassword);
        Server smtp = new Server(s.string(SMTP_HOST), s.integer(SMTP_PORT), security(s.string(SMTP_SECURITY)),
                s.optionalString(SMTP_USERNAME).orElse(imap.username()),
                s.has(SMTP_PASSWORD) ? s.secret(SMTP_PASSWORD).reveal() : imap.password());
        DoneAction done = DoneAction.valueOf(s.string(DONE_ACTION).toUpperCase(Locale.ROOT));
        String doneFolder = s.optionalString(DONE_FOLDER).orElse(null);
        if (done == DoneAction.MOVE && (doneFolder == null || doneFolder.isBlank())) {
            throw new IllegalArgumentException("doneAction=move needs doneFolder");
        }
        return new EmailSettings(imap, smtp, auth, oauth, s.list(FOLDERS), s.duration(POLL_INTERVAL), s.bool(IDLE),
                done, doneFolder, s.string(FROM_ADDRESS).toLowerCase(Locale.ROOT),
                s.optionalString(FROM_NAME).orElse(null), s.longValue(MAX_ATTACHMENT_BYTES),
                s.longValue(MAX_MAIL_BYTES), s.bool(ACKNOWLEDGE), s.string(ACK_SUBJECT), s.string(ACK_TEXT),
                s.bool(ACCEPT_MAILING_LISTS), s.integer(MAX_ACKS_PER_DAY));
    }

    private static OAuth oauth(Auth auth, Settings s) {
        String name = "auth=" + auth.setting();
        Optional<String> tokenUrl = s.optionalString(OAUTH_TOKEN_URL);
        return switch (auth) {
            case OAUTH2_MICROSOFT -> {
                String url = tokenUrl.orElse(MICROSOFT_TOKEN_URL);
                String tenant = s.optionalString(OAUTH_TENANT).orElse(null);
                if (url.contains("{tenant}") && tenant == null) {
                    throw new IllegalArgumentException(name + " needs oauthTenant (the directory (tenant) id)");
                }
                yield new OAuth(required(s, OAUTH_CLIENT_ID, name), requiredSecret(s, OAUTH_CLIENT_SECRET, name),
                        null, null, URI.create(tenant == null ? url : url.replace("{tenant}", tenant)),
                        s.optionalString(OAUTH_SCOPE).orElse(MICROSOFT_SCOPE));
            }
            case OAUTH2_GOOGLE_SERVICE_ACCOUNT -> new OAuth(null, null, null,
                    Path.of(required(s, OAUTH_KEY_FILE, name)), tokenUrl.map(URI::create).orElse(null),
                    s.optionalString(OAUTH_SCOPE).orElse(GOOGLE_SCOPE));
            case OAUTH2_REFRESH_TOKEN -> new OAuth(required(s, OAUTH_CLIENT_ID, name),
                    s.has(OAUTH_CLIENT_SECRET) ? s.secret(OAUTH_CLIENT_SECRET) : null,
                    requiredSecret(s, OAUTH_REFRESH_TOKEN, name), null,
                    URI.create(tokenUrl.orElseThrow(() -> new IllegalArgumentException(name + " needs oauthTokenUrl "
                            + "(Google: https://oauth2.googleapis.com/token)"))),
                    s.optionalString(OAUTH_SCOPE).orElse(null));
            case PASSWORD -> throw new IllegalStateException("no OAuth settings for passwords");
        };
    }

    private static String required(Settings s, String key, String needer) {
        return s.optionalString(key).filter(v -> !v.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(needer + " needs " + key));
    }

    private static Secret requiredSecret(Settings s, String key, String needer) {
        if (!s.has(key)) {
            throw new IllegalArgumentException(needer + " needs " + key);
        }
        return s.secret(key);
    }

    private static Security security(String value) {
        return Security.valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The domain of the support address; hub-made Message-IDs end in it. */
    public String fromDomain() {
        return fromAddress.substring(fromAddress.indexOf('@') + 1);
    }
}
