package dev.omnibridge.systemtest.support;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What a customer's mail client does: hands a message to an SMTP server (GreenMail in the test JVM), which delivers it
 * to the recipient's mailbox. Messages go out exactly as built: {@link Transport#sendMessage} on a connected transport
 * neither calls {@code saveChanges} nor rewrites a message parsed from raw bytes, so Message-IDs and deliberately
 * malformed MIME survive unchanged.
 */
public final class Mailer {
    private final Session session;

    public Mailer(String smtpHost, int smtpPort) {
        Properties props = new Properties();
        props.put("mail.smtp.host", smtpHost);
        props.put("mail.smtp.port", String.valueOf(smtpPort));
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "10000");
        this.session = Session.getInstance(props);
    }

    public Session session() {
        return session;
    }

    /** Sends {@code message} to its To/Cc recipients. */
    public void send(MimeMessage message) {
        try {
            send(message, message.getAllRecipients());
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot read the recipients of the message", e);
        }
    }

    /** Sends raw RFC 5322 text (line ends are normalised to CRLF) to {@code recipient}, byte for byte. */
    public MimeMessage sendRaw(String rfc822, String recipient) {
        try {
            MimeMessage message = new MimeMessage(session,
                    new ByteArrayInputStream(crlf(rfc822).getBytes(StandardCharsets.UTF_8)));
            send(message, new Address[]{new InternetAddress(recipient)});
            return message;
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot read the raw message", e);
        }
    }

    public static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    private void send(MimeMessage message, Address[] recipients) {
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, recipients);
        } catch (MessagingException e) {
            throw new IllegalStateException("SMTP delivery to GreenMail failed", e);
        }
    }
}
