package dev.omnibridge.connector.email;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Validator;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorType;
import org.pf4j.Extension;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** The {@code email} connector type: IMAP mailboxes in, SMTP replies out. Settings are documented in README.md. */
@Extension
public final class EmailType implements ConnectorType {
    public static final String NAME = "email";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Email: IMAP mailboxes polled (with IDLE) into conversations, agents' replies sent by SMTP";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.create()
                .define(Setting.of(EmailSettings.IMAP_HOST, SettingType.STRING).required()
                        .describedAs("IMAP server host"))
                .define(Setting.of(EmailSettings.IMAP_PORT, SettingType.INT).withDefault(993)
                        .validatedBy(Validator.range(1, 65535)).describedAs("IMAP server port"))
                .define(Setting.of(EmailSettings.IMAP_SECURITY, SettingType.STRING).withDefault("ssl")
                        .validatedBy(Validator.oneOf("ssl", "starttls", "none"))
                        .describedAs("ssl (IMAPS), starttls (required), or none (only for local test servers)"))
                .define(Setting.of(EmailSettings.IMAP_USERNAME, SettingType.STRING).required()
                        .describedAs("IMAP login"))
                .define(Setting.of(EmailSettings.IMAP_PASSWORD, SettingType.STRING).secret()
                        .describedAs("IMAP password or app password; required with auth=password"))
                .define(Setting.of(EmailSettings.AUTH, SettingType.STRING).withDefault("password")
                        .validatedBy(Validator.oneOf(authModes()))
                        .describedAs("how to log in to IMAP and SMTP: password, or an OAuth 2.0 token sent with "
                                + "XOAUTH2: oauth2-microsoft (Microsoft 365 client credentials), "
                                + "oauth2-google-service-account (domain-wide delegation), oauth2-refresh-token"))
                .define(Setting.of(EmailSettings.OAUTH_TENANT, SettingType.STRING)
                        .validatedBy(EmailType::tenant)
                        .describedAs("oauth2-microsoft: the directory (tenant) id or a verified domain"))
                .define(Setting.of(EmailSettings.OAUTH_CLIENT_ID, SettingType.STRING)
                        .validatedBy(Validator.nonEmpty())
                        .describedAs("oauth2-microsoft, oauth2-refresh-token: the application (client) id"))
                .define(Setting.of(EmailSettings.OAUTH_CLIENT_SECRET, SettingType.STRING).secret()
                        .describedAs("oauth2-microsoft (required), oauth2-refresh-token (for confidential "
                                + "clients): the client secret's value"))
                .define(Setting.of(EmailSettings.OAUTH_REFRESH_TOKEN, SettingType.STRING).secret()
                        .describedAs("oauth2-refresh-token: the refresh token the mailbox owner's consent gave"))
                .define(Setting.of(EmailSettings.OAUTH_KEY_FILE, SettingType.STRING)
                        .validatedBy(Validator.nonEmpty())
                        .describedAs("oauth2-google-service-account: path to the service account's JSON key file"))
                .define(Setting.of(EmailSettings.OAUTH_TOKEN_URL, SettingType.STRING)
                        .validatedBy(EmailType::tokenUrl)
                        .describedAs("the token endpoint; {tenant} is replaced by oauthTenant (default: "
                                + EmailSettings.MICROSOFT_TOKEN_URL + " for oauth2-microsoft, the key file's "
                                + "token_uri for oauth2-google-service-account; required for oauth2-refresh-token)"))
                .define(Setting.of(EmailSettings.OAUTH_SCOPE, SettingType.STRING)
                        .describedAs("the scope asked for (default: " + EmailSettings.MICROSOFT_SCOPE
                                + " for oauth2-microsoft, " + EmailSettings.GOOGLE_SCOPE + " for "
                                + "oauth2-google-service-account, none for oauth2-refresh-token)"))
                .define(Setting.of(EmailSettings.FOLDERS, SettingType.LIST).withDefault("INBOX")
                        .validatedBy(Validator.nonEmpty()).describedAs("folders to import from"))
                .define(Setting.of(EmailSettings.POLL_INTERVAL, SettingType.DURATION).withDefault("60s")
                        .validatedBy(EmailType::positive)
                        .describedAs("how often to look for new mail; with IDLE, the longest wait between checks"))
                .define(Setting.of(EmailSettings.IDLE, SettingType.BOOLEAN).withDefault(true)
                        .describedAs("use IMAP IDLE where the server offers it, so new mail arrives within seconds"))
                .define(Setting.of(EmailSettings.DONE_ACTION, SettingType.STRING).withDefault("flag")
                        .validatedBy(Validator.oneOf("flag", "move", "none"))
                        .describedAs("after a mail is stored: flag it with the keyword $Omnibridge, move it to "
                                + "doneFolder, or leave it; import progress is tracked by UID either way"))
                .define(Setting.of(EmailSettings.DONE_FOLDER, SettingType.STRING)
                        .describedAs("target folder for doneAction=move (created if missing)"))
                .define(Setting.of(EmailSettings.SMTP_HOST, SettingType.STRING).required()
                        .describedAs("SMTP server host"))
                .define(Setting.of(EmailSettings.SMTP_PORT, SettingType.INT).withDefault(465)
                        .validatedBy(Validator.range(1, 65535)).describedAs("SMTP server port"))
                .define(Setting.of(EmailSettings.SMTP_SECURITY, SettingType.STRING).withDefault("ssl")
                        .validatedBy(Validator.oneOf("ssl", "starttls", "none"))
                        .describedAs("ssl (SMTPS), starttls (required), or none (only for local test servers)"))
                .define(Setting.of(EmailSettings.SMTP_USERNAME, SettingType.STRING)
                        .describedAs("SMTP login; defaults to imapUsername"))
                .define(Setting.of(EmailSettings.SMTP_PASSWORD, SettingType.STRING).secret()
                        .describedAs("SMTP password with auth=password; defaults to imapPassword"))
                .define(Setting.of(EmailSettings.FROM_ADDRESS, SettingType.STRING).required()
                        .validatedBy(EmailType::emailAddress).describedAs("the support address replies come from"))
                .define(Setting.of(EmailSettings.FROM_NAME, SettingType.STRING)
                        .describedAs("display name of replies; {agent} is replaced by the agent's name "
                                + "(default: the agent's name); acknowledgements drop {agent} and the brackets "
                                + "around the rest, so \"{agent} (Acme Support)\" signs them \"Acme Support\""))
                .define(Setting.of(EmailSettings.MAX_ATTACHMENT_BYTES, SettingType.LONG).withDefault(10_485_760L)
                        .validatedBy(Validator.range(1, Integer.MAX_VALUE - 8))
                        .describedAs("larger attachments are left out with a note"))
                .define(Setting.of(EmailSettings.MAX_MAIL_BYTES, SettingType.LONG).withDefault(52_428_800L)
                        .validatedBy(Validator.range(1, Integer.MAX_VALUE - 8))
                        .describedAs("larger mails are not imported; they go to the dead-letter list"))
                .define(Setting.of(EmailSettings.ACKNOWLEDGE, SettingType.BOOLEAN).withDefault(false)
                        .describedAs("answer the first mail of a new conversation with an acknowledgement"))
                .define(Setting.of(EmailSettings.ACK_SUBJECT, SettingType.STRING)
                        .withDefault("We received your message")
                        .describedAs("acknowledgement subject; the reference token is appended"))
                .define(Setting.of(EmailSettings.ACK_TEXT, SettingType.STRING).withDefault(
                                "Hello {name},\n\nthank you for your message. We will answer as soon as we can.\n"
                                        + "Your reference is {ref}.\n")
                        .describedAs("acknowledgement text; {name} and {ref} are replaced"))
                .define(Setting.of(EmailSettings.ACCEPT_MAILING_LISTS, SettingType.BOOLEAN).withDefault(false)
                        .describedAs("import mailing-list mail (List-Id, List-Unsubscribe or List-Post header) as "
                                + "customer messages; it is never acknowledged. When false it is recorded as "
                                + "ignored"))
                .define(Setting.of(EmailSettings.MAX_ACKS_PER_DAY, SettingType.INT).withDefault(3)
                        .validatedBy(Validator.range(1, 1000))
                        .describedAs("the most acknowledgements one sender address gets per calendar day (UTC), "
                                + "whatever its mail's headers say, so an auto-responder no noise check catches "
                                + "cannot keep a loop going; later new conversations are imported but not "
                                + "acknowledged"));
    }

    @Override
    public Connector create() {
        return new EmailConnector();
    }

    private static String[] authModes() {
        return Arrays.stream(EmailSettings.Auth.values()).map(EmailSettings.Auth::setting).toArray(String[]::new);
    }

    private static Optional<String> tenant(Object value) {
        String s = (String) value;
        return s.matches("[A-Za-z0-9.-]+") ? Optional.empty()
                : Optional.of("must be a tenant id (a GUID) or a domain such as contoso.onmicrosoft.com");
    }

    private static Optional<String> tokenUrl(Object value) {
        try {
            URI uri = new URI(((String) value).replace("{tenant}", "tenant"));
            boolean http = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
            return uri.isAbsolute() && http && uri.getHost() != null ? Optional.empty()
                    : Optional.of("must be an absolute https URL");
        } catch (URISyntaxException e) {
            return Optional.of("must be an absolute https URL");
        }
    }

    private static Optional<String> positive(Object value) {
        Duration d = (Duration) value;
        return d.isNegative() || d.isZero() ? Optional.of("must be longer than zero") : Optional.empty();
    }

    private static Optional<String> emailAddress(Object value) {
        String s = (String) value;
        int at = s.indexOf('@');
        return at > 0 && at == s.lastIndexOf('@') && at < s.length() - 1 && !s.contains(" ")
                ? Optional.empty() : Optional.of("must be an email address like support@example.com");
    }
}
