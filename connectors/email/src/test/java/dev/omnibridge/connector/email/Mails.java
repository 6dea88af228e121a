package dev.omnibridge.connector.email;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.util.Date;
import java.util.Properties;

/** Realistic customer mails for connector tests, with the Message-ID the test chooses. */
final class Mails {
    private static final Session SESSION = Session.getInstance(new Properties());

    private Mails() {
    }

    static MimeMessage plain(String from, String name, String to, String subject, String text, String messageId)
            throws Exception {
        MimeMessage m = new IdMessage(messageId);
        m.setFrom(new InternetAddress(from, name, "UTF-8"));
        m.setRecipients(jakarta.mail.Message.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        m.setSentDate(new Date());
        m.setText(text, "UTF-8");
        m.saveChanges();
        return m;
    }

    /** A Gmail-style reply: In-Reply-To and References to the mail it answers, and the quoted history. */
    static MimeMessage reply(String from, String to, String subject, String text, String messageId, String answers)
            throws Exception {
        MimeMessage m = new IdMessage(messageId);
        m.setFrom(new InternetAddress(from));
        m.setRecipients(jakarta.mail.Message.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        m.setSentDate(new Date());
        m.setHeader("In-Reply-To", "<" + answers + ">");
        m.setHeader("References", "<" + answers + ">");
        m.setText(text + "\n\nOn Mon, 3 Mar 2025 at 10:00, Support <" + to + "> wrote:\n> earlier text\n", "UTF-8");
        m.saveChanges();
        return m;
    }

    static MimeMessage withHeader(MimeMessage m, String name, String value) throws Exception {
        m.setHeader(name, value);
        m.saveChanges();
        return m;
    }

    private static final class IdMessage extends MimeMessage {
        private final String id;

        IdMessage(String id) {
            super(SESSION);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws jakarta.mail.MessagingException {
            setHeader("Message-ID", "<" + id + ">");
        }
    }
}
