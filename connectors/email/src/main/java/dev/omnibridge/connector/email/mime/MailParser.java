package dev.omnibridge.connector.email.mime;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Parses raw RFC 5322 mail into {@link ParsedMail}. Stateless apart from the limit and thread-safe; it never opens
 * a connection and never uses the JVM-wide default mail session, whose properties other code may change.
 */
public final class MailParser {

    private static final Set<String> MAIL_HEADERS = Set.of(
            "from", "sender", "to", "cc", "date", "subject", "message-id", "received", "return-path",
            "mime-version", "content-type", "reply-to", "delivered-to", "in-reply-to", "references");
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");
    private static final Pattern PLAIN_ADDRESS = Pattern.compile("[^\\s<>\"(),;:@]+@[^\\s<>\"(),;:@]+");
    private static final Pattern BARE_ADDRESS = Pattern.compile("[^\\s<>\"(),;:]+@[^\\s<>\"(),;:]+");
    private static final Session SESSION = Session.getInstance(lenientProperties());

    private final long maxAttachmentBytes;

    /** @param maxAttachmentBytes largest attachment kept, per attachment; larger ones are omitted with a note */
    public MailParser(long maxAttachmentBytes) {
        if (maxAttachmentBytes < 0) {
            throw new IllegalArgumentException("maxAttachmentBytes must not be negative");
        }
        this.maxAttachmentBytes = maxAttachmentBytes;
    }

    /**
     * Parses one raw RFC 5322 mail.
     *
     * @throws MalformedMailException when the MIME structure cannot be read
     */
    public ParsedMail parse(byte[] raw) throws MalformedMailException {
        MimeMessage message = read(raw);

        MimeWalker walker = new MimeWalker(maxAttachmentBytes);
        MimeWalker.Body body = walker.walkMessage(message);
        Content content = content(body);

        InternetAddress from = sender(message);
        String fromAddress = from == null ? null : from.getAddress().toLowerCase(Locale.ROOT);
        String subject = HeaderText.decoded(message, MailHeaders.SUBJECT);
        HeaderParams contentType = MimeWalker.contentType(message, "text/plain");

        List<String> ids = HeaderText.messageIds(HeaderText.raw(message, MailHeaders.MESSAGE_ID));
        return new ParsedMail(
                ids.isEmpty() ? syntheticId(raw) : ids.get(0),
                HeaderText.messageIds(HeaderText.raw(message, MailHeaders.IN_REPLY_TO)),
                HeaderText.messageIds(HeaderText.raw(message, MailHeaders.REFERENCES)),
                fromAddress,
                from == null ? null : displayName(from),
                subject,
                sentAt(message),
                content.text(),
                content.fullText(),
                content.html(),
                walker.attachments(),
                walker.notes(),
                NoiseClassifier.classify(message, contentType, fromAddress, subject, content.fullText()),
                HeaderText.present(message, MailHeaders.ORIGIN),
                walker.incomplete());
    }

    private static MimeMessage read(byte[] raw) throws MalformedMailException {
        if (raw == null || raw.length == 0) {
            throw new MalformedMailException("empty input is not a mail");
        }
        MimeMessage message;
        try {
            message = new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
        } catch (MessagingException | RuntimeException e) {
            throw PartReader.unreadable("the header section", e);
        }
        if (!hasMailHeaders(message)) {
            throw new MalformedMailException("no RFC 5322 header fields found; input is not a mail");
        }
        return message;
    }

    /** A header section parses from almost any text, so require at least one field a mail actually has. */
    private static boolean hasMailHeaders(MimeMessage message) {
        try {
            Enumeration<Header> headers = message.getAllHeaders();
            while (headers.hasMoreElements()) {
                String name = headers.nextElement().getName();
                if (FIELD_NAME.matcher(name).matches() && MAIL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        } catch (MessagingException e) {
            return false;
        }
        return false;
    }

    private record Content(String text, String fullText, String html) {
    }

    /**
     * Chooses text and HTML. Quote removal on HTML works on the unsanitised document, because the markers it needs
     * (classes, ids, Outlook's border styles) are exactly what sanitising throws away.
     */
    private static Content content(MimeWalker.Body body) {
        if (body.html() != null && body.plain() != null && body.plain().isBlank()) {
            // Some senders put an empty text/plain next to the real HTML; the HTML is the message then.
            body = new MimeWalker.Body(null, body.html());
        }
        if (body.html() == null) {
            String full = body.plain() == null ? "" : body.plain().strip();
            return new Content(TextQuotes.strip(full), full, null);
        }
        Document full = Jsoup.parse(body.html());
        Document stripped = full.clone();
        boolean quotesRemoved = HtmlQuotes.strip(stripped);
        String fullText = body.plain() != null ? body.plain().strip() : HtmlText.toText(full.body());
        String newText = body.plain() != null ? fullText : HtmlText.toText(stripped.body());
        String text = TextQuotes.strip(newText);
        if (text.isEmpty()) {
            text = fullText;
        }
        String html = HtmlSanitizer.sanitize(stripped);
        if (quotesRemoved && isEmptyHtml(html)) {
            html = HtmlSanitizer.sanitize(full); // never strip the whole message
        }
        return new Content(text, fullText, html);
    }

    private static boolean isEmptyHtml(String html) {
        Document doc = Jsoup.parseBodyFragment(html);
        return doc.body().text().isBlank() && doc.body().select("img").isEmpty();
    }

    /** From, or Sender when From is missing or unusable (some mailing lists and bulk senders). */
    private static InternetAddress sender(MimeMessage message) {
        InternetAddress from = firstAddress(HeaderText.raw(message, MailHeaders.FROM));
        return from != null ? from : firstAddress(HeaderText.raw(message, MailHeaders.SENDER));
    }

    private static InternetAddress firstAddress(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            for (InternetAddress address : InternetAddress.parseHeader(header, false)) {
                String spec = address.getAddress();
                if (spec != null && PLAIN_ADDRESS.matcher(spec).matches()) {
                    return address;
                }
            }
        } catch (AddressException e) {
            // fall through to the rough search below
        }
        Matcher m = BARE_ADDRESS.matcher(header);
        if (m.find()) {
            try {
                return new InternetAddress(m.group(), false);
            } catch (AddressException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Decodes the display name ourselves: {@link InternetAddress#getPersonal()} decodes each encoded word on its own
     * and gives up on unknown charsets. {@code toString()} still holds the name as it was sent.
     */
    private static String displayName(InternetAddress address) {
        if (address.getPersonal() == null) {
            return null;
        }
        String s = address.toString();
        int bracket = s.lastIndexOf('<');
        String phrase = (bracket > 0 ? s.substring(0, bracket) : s).strip();
        if (phrase.length() >= 2 && phrase.startsWith("\"") && phrase.endsWith("\"")) {
            phrase = phrase.substring(1, phrase.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        String name = EncodedWords.decode(phrase).strip();
        return name.isEmpty() ? null : name;
    }

    private static Instant sentAt(MimeMessage message) {
        try {
            Date date = message.getSentDate();
            return date == null ? null : date.toInstant();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    /** Deterministic, so importing the same mail twice yields the same id and the hub can deduplicate. */
    private static String syntheticId(byte[] raw) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(raw);
            return "sha256-" + HexFormat.of().formatHex(hash) + "@omnibridge.invalid";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /**
     * Session-level leniency. Several of these switches are read by Jakarta Mail from system properties instead,
     * which a plugin must not change for the whole JVM; the parser covers those cases itself (own parameter and
     * encoded-word decoding, own charset fallback, own lenient transfer decoding in {@link PartReader}), and the
     * properties are set here for the code paths that do read the session.
     */
    private static Properties lenientProperties() {
        Properties p = new Properties();
        p.setProperty("mail.mime.decodetext.strict", "false");
        p.setProperty("mail.mime.parameters.strict", "false");
        p.setProperty("mail.mime.decodefilename", "true");
        p.setProperty("mail.mime.decodeparameters", "true");
        p.setProperty("mail.mime.address.strict", "false");
        p.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
        p.setProperty("mail.mime.multipart.ignoremissingboundaryparameter", "false");
        p.setProperty("mail.mime.multipart.allowempty", "true");
        p.setProperty("mail.mime.ignoreunknownencoding", "true");
        p.setProperty("mail.mime.allowutf8", "false"); // header bytes stay byte-per-char; HeaderText repairs them
        return p;
    }
}
