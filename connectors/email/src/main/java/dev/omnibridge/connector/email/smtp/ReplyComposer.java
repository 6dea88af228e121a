package dev.omnibridge.connector.email.smtp;

import dev.omnibridge.connector.email.EmailSettings;
import dev.omnibridge.connector.email.mime.MailHeaders;
import dev.omnibridge.connector.email.threading.ConversationToken;
import dev.omnibridge.connector.email.threading.MailIds;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.OutboundMessage;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Safelist;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;

/**
 * Builds the mails the hub sends: agents' replies, threaded so that the customer's mail client shows them in the
 * same thread (In-Reply-To, References, the conversation token in the subject), and acknowledgements.
 */
public final class ReplyComposer {
    /** How many of the customer's Message-IDs a reply's References carries: the first and the latest ones. */
    private static final int MAX_REFERENCES = 10;

    private final EmailSettings settings;
    private final String instanceId;
    private final AttachmentStore attachments;
    private final Session session;

    public ReplyComposer(EmailSettings settings, String instanceId, AttachmentStore attachments) {
        this.settings = settings;
        this.instanceId = instanceId;
        this.attachments = attachments;
        Properties props = new Properties();
        props.setProperty("mail.mime.charset", "UTF-8");
        props.setProperty("mail.mime.encodefilename", "true");
        this.session = Session.getInstance(props);
    }

    /**
     * The Message-ID of an agent's reply: derived from the hub's message id, so a retried delivery sends the same
     * Message-ID and the customer's mail client shows one mail, not two.
     */
    public String messageIdFor(OutboundMessage outbound) {
        return MailIds.reply(outbound.message().id(), outbound.conversation().threadKey(), settings.fromDomain());
    }

    /**
     * @param history the conversation's latest messages, oldest first, for threading headers and the subject
     */
    public MimeMessage reply(OutboundMessage outbound, List<Message> history) throws MessagingException,
            IOException {
        Message message = outbound.message();
        String token = outbound.conversation().threadKey();
        // A reply handed off from another channel (a chat) has that channel's messages in its history: only mails
        // of this mailbox have Message-IDs and subjects to thread on.
        List<Message> mails = history.stream().filter(m -> m.direction() == Direction.INBOUND
                && instanceId.equals(m.channel().instanceId())).toList();
        // The mails' own Message-IDs: a mail that reused another's is stored under a derived channel id.
        List<String> customerIds = mails.stream()
                .map(m -> m.metadata().getOrDefault(MailIds.METADATA_KEY, m.channelMessageId())).toList();
        String lastSubject = mails.stream().filter(m -> m.subject() != null)
                .reduce((a, b) -> b).map(Message::subject).orElse(null);

        MimeMessage mail = new FixedIdMessage(session, messageIdFor(outbound));
        mail.setFrom(new InternetAddress(settings.fromAddress(), fromName(message), "UTF-8"));
        mail.setRecipient(jakarta.mail.Message.RecipientType.TO,
                new InternetAddress(outbound.conversation().customer().value()));
        mail.setSubject(replySubject(lastSubject, token), "UTF-8");
        if (!customerIds.isEmpty()) {
            mail.setHeader("In-Reply-To", angle(customerIds.get(customerIds.size() - 1)));
            mail.setHeader("References", references(customerIds));
        }
        if (automatic(message)) {
            // The hub's own acknowledgement (RFC 3834): a well-behaved auto-responder does not answer it.
            mail.setHeader("Auto-Submitted", "auto-replied");
        }
        mail.setHeader(MailHeaders.ORIGIN, instanceId);
        mail.setSentDate(new Date());
        String text = message.text().isBlank() && message.html() != null ? textOf(message.html()) : message.text();
        String html = message.html() != null ? Jsoup.clean(message.html(), Safelist.relaxed()) : htmlOf(text);
        // Files the hub does not hold were named in the text by the hub (EmailConnector.capabilities: stored files only).
        mail.setContent(body(text, html, message.attachments()));
        mail.saveChanges();
        return mail;
    }

    /** An automatic acknowledgement of a new conversation (RFC 3834: marked Auto-Submitted, never answered). */
    public MimeMessage acknowledgement(String customer, String name, String token, String answersMessageId)
            throws MessagingException, IOException {
        // It names the token, so a reply to it finds the conversation without any record of it (see MailIds).
        String id = MailIds.acknowledgement(token, HexFormat.of().formatHex(randomBytes(6)), settings.fromDomain());
        MimeMessage mail = new FixedIdMessage(session, id);
        mail.setFrom(new InternetAddress(settings.fromAddress(), FromName.render(settings.fromName(), null), "UTF-8"));
        mail.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(customer));
        mail.setSubject(settings.ackSubject() + " " + ConversationToken.tag(token), "UTF-8");
        mail.setHeader("In-Reply-To", angle(answersMessageId));
        mail.setHeader("References", angle(answersMessageId));
        mail.setHeader("Auto-Submitted", "auto-replied");
        mail.setHeader(MailHeaders.ORIGIN, instanceId);
        mail.setSentDate(new Date());
        String text = settings.ackText().replace("{name}", name == null || name.isBlank() ? customer : name)
                .replace("{ref}", token);
        mail.setContent(body(text, htmlOf(text), List.of()));
        mail.saveChanges();
        return mail;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private String fromName(Message message) {
        // An automatic acknowledgement has no agent: it is signed as the team.
        return FromName.render(settings.fromName(), automatic(message) ? null : message.author().displayName());
    }

    private static boolean automatic(Message message) {
        return message.tags().contains(Message.AUTO_ACK_TAG);
    }

    static String replySubject(String customerSubject, String token) {
        String base = ConversationToken.baseSubject(customerSubject);
        return (base.isEmpty() ? "Your request" : "Re: " + base) + " " + ConversationToken.tag(token);
    }

    private static String references(List<String> customerIds) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        ids.add(customerIds.get(0));
        ids.addAll(customerIds.subList(Math.max(0, customerIds.size() - (MAX_REFERENCES - 1)), customerIds.size()));
        return String.join(" ", ids.stream().map(ReplyComposer::angle).toList());
    }

    private MimeMultipart body(String text, String html, List<Attachment> files) throws MessagingException,
            IOException {
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8", "plain");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, "UTF-8", "html");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(rich);
        List<Attachment> stored = files.stream().filter(ReplyComposer::isStored).toList();
        if (stored.isEmpty()) {
            return alternative;
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart wrapper = new MimeBodyPart();
        wrapper.setContent(alternative);
        mixed.addBodyPart(wrapper);
        for (Attachment a : stored) {
            byte[] bytes;
            try (InputStream in = attachments.open(a)) {
                bytes = in.readAllBytes();
            }
            MimeBodyPart part = new MimeBodyPart();
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, a.mediaType())));
            part.setFileName(a.fileName());
            part.setDisposition(MimeBodyPart.ATTACHMENT);
            mixed.addBodyPart(part);
        }
        return mixed;
    }

    private static boolean isStored(Attachment a) {
        return "attachment".equals(a.location().getScheme());
    }

    private static String htmlOf(String text) {
        String escaped = org.jsoup.nodes.Entities.escape(text);
        return "<!DOCTYPE html><html><body><div>" + escaped.replace("\n", "<br>\n") + "</div></body></html>";
    }

    private static String textOf(String html) {
        Document doc = Jsoup.parse(html);
        doc.outputSettings().prettyPrint(false);
        doc.select("br").append("\\n");
        doc.select("p, div, li").prepend("\\n");
        return doc.text().replace("\\n", "\n").replaceAll("\n{3,}", "\n\n").strip();
    }

    private static String angle(String id) {
        return "<" + id + ">";
    }

    /** Keeps the Message-ID the hub chose: JavaMail would otherwise replace it on every save. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", angle(messageId));
        }
    }
}
