package dev.omnibridge.connector.email;

import dev.omnibridge.config.Settings;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** An email instance's settings, typed once so the rest of the connector never reads raw keys. */
public record EmailSettings(Server imap, Server smtp, List<String> folders, Duration pollInterval, boolean idle,
                     DoneAction doneAction, String doneFolder, String fromAddress, String fromName,
                     long maxAttachmentBytes, long maxMailBytes, boolean acknowledge, String ackSubject,
                     String ackText) {
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

    public enum Security { SSL, STARTTLS, NONE }

    public enum DoneAction { FLAG, MOVE, NONE }

    /** A mail server and its login; toString never shows the password. */
    public record Server(String host, int port, Security security, String username, String password) {
        @Override
        public String toString() {
            return security.name().toLowerCase(Locale.ROOT) + "://" + host + ":" + port;
        }
    }

    static EmailSettings from(Settings s) {
        Server imap = new Server(s.string(IMAP_HOST), s.integer(IMAP_PORT), security(s.string(IMAP_SECURITY)),
                s.string(IMAP_USERNAME), s.secret(IMAP_PASSWORD).reveal());
        Server smtp = new Server(s.string(SMTP_HOST), s.integer(SMTP_PORT), security(s.string(SMTP_SECURITY)),
                s.optionalString(SMTP_USERNAME).orElse(imap.username()),
                s.has(SMTP_PASSWORD) ? s.secret(SMTP_PASSWORD).reveal() : imap.password());
        DoneAction done = DoneAction.valueOf(s.string(DONE_ACTION).toUpperCase(Locale.ROOT));
        String doneFolder = s.optionalString(DONE_FOLDER).orElse(null);
        if (done == DoneAction.MOVE && (doneFolder == null || doneFolder.isBlank())) {
            throw new IllegalArgumentException("doneAction=move needs doneFolder");
        }
        return new EmailSettings(imap, smtp, s.list(FOLDERS), s.duration(POLL_INTERVAL), s.bool(IDLE), done,
                doneFolder, s.string(FROM_ADDRESS).toLowerCase(Locale.ROOT), s.optionalString(FROM_NAME).orElse(null),
                s.longValue(MAX_ATTACHMENT_BYTES), s.longValue(MAX_MAIL_BYTES), s.bool(ACKNOWLEDGE),
                s.string(ACK_SUBJECT), s.string(ACK_TEXT));
    }

    private static Security security(String value) {
        return Security.valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The domain of the support address; hub-made Message-IDs end in it. */
    public String fromDomain() {
        return fromAddress.substring(fromAddress.indexOf('@') + 1);
    }
}
