package dev.omnibridge.connector.email.imap;

import dev.omnibridge.connector.email.auth.MailLogin;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/** An IMAP server and login; the Jakarta Mail (Angus) calls that go beyond the portable API live here. */
public final class MailServer {
    private final String host;
    private final int port;
    private final MailLogin login;
    private final String protocol;
    private final Session session;

    /**
     * @param security    ssl, starttls or none
     * @param readTimeout longest silence on the connection; must outlast an IDLE wait
     */
    public MailServer(String host, int port, String security, MailLogin login, Duration readTimeout) {
        this.host = host;
        this.port = port;
        this.login = login;
        this.protocol = "ssl".equals(security) ? "imaps" : "imap";
        Properties p = new Properties();
        String prefix = "mail." + protocol + ".";
        p.setProperty(prefix + "connectiontimeout", "30000");
        p.setProperty(prefix + "timeout", Long.toString(readTimeout.toMillis()));
        p.setProperty(prefix + "writetimeout", "60000");
        // Reading a mail must not mark it \Seen: the people working the mailbox rely on that flag.
        p.setProperty(prefix + "peek", "true");
        p.setProperty(prefix + "fetchsize", Integer.toString(1 << 20));
        if ("starttls".equals(security)) {
            p.setProperty(prefix + "starttls.enable", "true");
            p.setProperty(prefix + "starttls.required", "true");
        }
        if (!"none".equals(security)) {
            p.setProperty(prefix + "ssl.checkserveridentity", "true");
        }
        if (login.usesOAuth()) {
            // AUTHENTICATE XOAUTH2 (Angus builds "user=...^Aauth=Bearer ...^A^A"); it is off unless asked for.
            p.setProperty(prefix + "auth.mechanisms", "XOAUTH2");
        }
        this.session = Session.getInstance(p);
    }

    /**
     * Connects and logs in. A refused access token is renewed and tried once more: the server may have revoked it
     * before its time (a changed permission, a reset secret). A second refusal is a setup problem, said as such.
     */
    Store connect() throws MessagingException {
        Store store = session.getStore(protocol);
        String secret = login.secret();
        try {
            store.connect(host, port, login.username(), secret);
        } catch (AuthenticationFailedException refused) {
            if (!login.refused(secret)) {
                throw refused;
            }
            String renewed = login.secret();
            try {
                store.connect(host, port, login.username(), renewed);
            } catch (AuthenticationFailedException again) {
                login.refused(renewed);
                throw new AuthenticationFailedException("the server refused the OAuth access token ("
                        + (again.getMessage() == null ? "no reason given" : again.getMessage().strip()) + "); "
                        + REFUSED_TOKEN_HINT);
            }
        }
        return store;
    }

    static final String REFUSED_TOKEN_HINT = "check that imapUsername is the mailbox address and that the app may "
            + "open it (Microsoft 365: Exchange service principal and Add-MailboxPermission; Google: domain-wide "
            + "delegation for https://mail.google.com/)";

    /** When a connection made now should log in again (its access token is due for renewal); never for passwords. */
    Instant reloginAt() {
        return login.renewAt();
    }

    /** For tests: the session, to switch on its protocol trace (which leaves the authentication exchange out). */
    Session session() {
        return session;
    }

    static boolean hasCapability(Store store, String capability) throws MessagingException {
        return store instanceof IMAPStore imap && imap.hasCapability(capability);
    }

    void idle(Folder folder) throws MessagingException {
        ((IMAPFolder) folder).idle(true);
    }

    /**
     * Ends an IDLE in progress on the folder. Any command does, but only one that goes through the folder's
     * protocol; Angus skips the NOOP of cheaper calls like getMessageCount when the connection was used recently.
     */
    static void abortIdle(Folder folder) {
        try {
            if (folder.isOpen()) {
                ((IMAPFolder) folder).doCommand(protocol -> {
                    protocol.simpleCommand("NOOP", null);
                    return null;
                });
            }
        } catch (Exception ignored) {
            // the folder is closing anyway
        }
    }

    /** Moves with IMAP MOVE, or copy-and-expunge on servers without it. */
    void move(Store store, Folder folder, Message[] mails, String target) throws MessagingException {
        Folder destination = store.getFolder(target);
        if (!destination.exists()) {
            destination.create(Folder.HOLDS_MESSAGES);
        }
        IMAPFolder imap = (IMAPFolder) folder;
        if (hasCapability(store, "MOVE")) {
            imap.moveMessages(mails, destination);
        } else {
            imap.copyMessages(mails, destination);
            imap.setFlags(mails, new jakarta.mail.Flags(jakarta.mail.Flags.Flag.DELETED), true);
            if (hasCapability(store, "UIDPLUS")) {
                imap.expunge(mails);
            } else {
                imap.expunge();
            }
        }
    }

    @Override
    public String toString() {
        return protocol + "://" + host + ":" + port;
    }
}
