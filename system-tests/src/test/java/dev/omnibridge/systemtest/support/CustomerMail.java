package dev.omnibridge.systemtest.support;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A mail as a customer's client writes it: our own Message-ID (so the test knows the channel message id), optional
 * In-Reply-To/References, extra headers, and a text, HTML or text+HTML (multipart/alternative) body.
 */
public final class CustomerMail {
    private final String fromName;
    private final String fromAddress;
    private final String messageId;
    private String to = "support@acme.test";
    private String subject = "";
    private String inReplyTo;
    private final List<String> references = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String text;
    private String html;

    private CustomerMail(String fromName, String fromAddress) {
        this.fromName = fromName;
        this.fromAddress = fromAddress;
        String local = fromAddress.substring(0, fromAddress.indexOf('@'));
        this.messageId = local + "-" + UUID.randomUUID().toString().substring(0, 13) + "@mail.customer.test";
    }

    public static CustomerMail from(String displayName, String address) {
        return new CustomerMail(displayName, address);
    }

    /** The Message-ID without angle brackets: what the hub uses as channel message id. */
    public String messageId() {
        return messageId;
    }

    public CustomerMail to(String address) {
        this.to = address;
        return this;
    }

    public CustomerMail subject(String subject) {
        this.subject = subject;
        return this;
    }

    /** A Message-ID, with or without angle brackets. */
    public CustomerMail inReplyTo(String id) {
        this.inReplyTo = bracket(id);
        return this;
    }

    /** Message-IDs, with or without angle brackets, oldest first. */
    public CustomerMail references(String... ids) {
        for (String id : ids) {
            references.add(bracket(id));
        }
        return this;
    }

    public CustomerMail header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public CustomerMail text(String text) {
        this.text = text;
        return this;
    }

    public CustomerMail html(String html) {
        this.html = html;
        return this;
    }

    public MimeMessage build(Session session) {
        try {
            MimeMessage message = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", bracket(messageId));
                }
            };
            message.setFrom(new InternetAddress(fromAddress, fromName, "UTF-8"));
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
            message.setSubject(subject, "UTF-8");
            message.setSentDate(new Date());
            if (inReplyTo != null) {
                message.setHeader("In-Reply-To", inReplyTo);
            }
            if (!references.isEmpty()) {
                message.setHeader("References", String.join(" ", references));
            }
            for (Map.Entry<String, String> header : headers.entrySet()) {
                message.setHeader(header.getKey(), header.getValue());
            }
            if (text != null && html != null) {
                MimeBodyPart plain = new MimeBodyPart();
                plain.setText(text, "UTF-8");
                MimeBodyPart rich = new MimeBodyPart();
                rich.setText(html, "UTF-8", "html");
                message.setContent(new MimeMultipart("alternative", plain, rich));
            } else if (html != null) {
                message.setText(html, "UTF-8", "html");
            } else {
                message.setText(text == null ? "" : text, "UTF-8");
            }
            message.saveChanges();
            return message;
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new IllegalStateException("cannot build the mail", e);
        }
    }

    public static String bracket(String id) {
        return id.startsWith("<") ? id : "<" + id + ">";
    }

    public static String unbracket(String id) {
        String trimmed = id.trim();
        return trimmed.startsWith("<") && trimmed.endsWith(">") ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
    }
}
