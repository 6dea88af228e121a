package dev.omnibridge.connector.email.mime;

import dev.omnibridge.model.FileNames;
import jakarta.activation.DataSource;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks the MIME tree once: picks the body text and HTML, collects attachments and notes. One instance per mail.
 *
 * <p>Body choice follows what mail clients display: in multipart/alternative the last (richest) version of each
 * kind wins, in multipart/related only the root is body, and in multipart/mixed inline text parts are shown one after
 * another (Apple Mail splits the text around inline images that way), so they are joined.
 */
final class MimeWalker {

    private static final String FORWARDED_NAME = "forwarded.eml";
    private static final Set<String> SIGNATURES = Set.of(
            "application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature");
    /** The version part of multipart/encrypted; it says nothing an agent could use. */
    private static final Set<String> ENCRYPTION_CONTROL = Set.of("application/pgp-encrypted");
    private static final String INLINE_PGP = "-----BEGIN PGP MESSAGE-----";
    private static final Set<String> PKCS7_MIME = Set.of("application/pkcs7-mime", "application/x-pkcs7-mime");
    private static final String KEPT_AS_IS = "; what was readable is kept and the original mail is attached";
    private static final Pattern META_CHARSET =
            Pattern.compile("(?i)<meta[^>]+charset\\s*=\\s*[\"']?\\s*([A-Za-z0-9._:-]+)");

    private final long maxAttachmentBytes;
    private final List<MailPart> attachments = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** Indexes into {@link #attachments} whose file name the parser made up because the sender gave none. */
    private final Set<Integer> madeUpNames = new HashSet<>();
    private boolean incomplete;

    MimeWalker(long maxAttachmentBytes) {
        this.maxAttachmentBytes = maxAttachmentBytes;
    }

    List<MailPart> attachments() {
        return attachments;
    }

    List<String> notes() {
        return notes;
    }

    /** True when some content could not be decoded, so the original mail is the only complete copy. */
    boolean incomplete() {
        return incomplete;
    }

    /** Text and HTML found in a subtree; either may be null. The HTML is raw (unsanitised) at this stage. */
    record Body(String plain, String html) {
        static final Body EMPTY = new Body(null, null);

        boolean isEmpty() {
            return plain == null && html == null;
        }
    }

    /** Walks the whole message. */
    Body walkMessage(Part message) throws MalformedMailException {
        return walk(message, "", "text/plain", false, true);
    }

    private Body walk(Part part, String path, String defaultType, boolean forceAttachment, boolean top)
            throws MalformedMailException {
        HeaderParams type = contentType(part, defaultType);
        if (type.value().startsWith("multipart/")) {
            return walkMultipart(part, path, type);
        }
        HeaderParams disposition = HeaderParams.parse(HeaderText.raw(part, "Content-Disposition"));
        String fileName = fileName(disposition, type);
        boolean isText = type.value().equals("text/plain") || type.value().equals("text/html");
        boolean attachment = disposition.value().equals("attachment");
        if (isText && !forceAttachment && (top || (!attachment && fileName == null))) {
            return readText(part, path, type);
        }
        if (PKCS7_MIME.contains(type.value())) {
            return smime(part, path, type, disposition, fileName);
        }
        addAttachment(part, path, type, disposition, fileName);
        return Body.EMPTY;
    }

    private Body walkMultipart(Part part, String path, HeaderParams type) throws MalformedMailException {
        MimeMultipart multipart = open(part, path, type);
        List<BodyPart> children = new ArrayList<>();
        try {
            for (int i = 0; i < multipart.getCount(); i++) {
                children.add(multipart.getBodyPart(i));
            }
        } catch (MessagingException | RuntimeException e) {
            throw PartReader.unreadable(where(path), e);
        }
        String subtype = type.value().substring("multipart/".length());
        String childDefault = subtype.equals("digest") ? "message/rfc822" : "text/plain";
        return switch (subtype) {
            case "alternative" -> alternative(children, path);
            case "related" -> related(children, path, type.param("start"));
            case "signed" -> signed(children, path);
            case "encrypted" -> encrypted(children, path);
            default -> mixed(children, path, childDefault);
        };
    }

    private Body alternative(List<BodyPart> children, String path) throws MalformedMailException {
        String plain = null;
        String html = null;
        for (int i = 0; i < children.size(); i++) {
            Body b = walk(children.get(i), child(path, i), "text/plain", false, false);
            plain = b.plain() != null ? b.plain() : plain;
            html = b.html() != null ? b.html() : html;
        }
        return new Body(plain, html);
    }

    private Body related(List<BodyPart> children, String path, String start) throws MalformedMailException {
        int root = 0;
        if (start != null) {
            String wanted = stripBrackets(start);
            for (int i = 0; i < children.size(); i++) {
                if (wanted != null && wanted.equals(contentId(children.get(i)))) {
                    root = i;
                }
            }
        }
        Body body = Body.EMPTY;
        for (int i = 0; i < children.size(); i++) {
            Body b = walk(children.get(i), child(path, i), "text/plain", i != root, false);
            if (i == root) {
                body = b;
            }
        }
        return body;
    }

    /** The signature part of multipart/signed means nothing to an agent; the signed content is what matters. */
    private Body signed(List<BodyPart> children, String path) throws MalformedMailException {
        List<Body> bodies = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            if (!SIGNATURES.contains(contentType(children.get(i), "text/plain").value())) {
                bodies.add(walk(children.get(i), child(path, i), "text/plain", false, false));
            }
        }
        return join(bodies);
    }

    /**
     * PGP/MIME (RFC 3156): a control part ("Version: 1") and the encrypted data. The hub has no key, so the agent
     * gets the data as an attachment, for a mail client that has one, and a note instead of silence.
     */
    private Body encrypted(List<BodyPart> children, String path) throws MalformedMailException {
        int before = attachments.size();
        for (int i = 0; i < children.size(); i++) {
            if (!ENCRYPTION_CONTROL.contains(contentType(children.get(i), "text/plain").value())) {
                walk(children.get(i), child(path, i), "application/octet-stream", true, false);
            }
        }
        notes.add("the content is encrypted (PGP/MIME) and cannot be read by the hub"
                + keptAs(before, "; the encrypted part is attached as "));
        return Body.EMPTY;
    }

    /**
     * S/MIME in one opaque part (RFC 8551 3.2): encrypted ("enveloped-data"), or signed with the content inside the
     * signature ("signed-data"). Signed content is taken out and shown like that of multipart/signed. Encrypted
     * content cannot be read without the recipient's key: the part is kept as an attachment and the note says why
     * the text is missing.
     */
    private Body smime(Part part, String path, HeaderParams type, HeaderParams disposition, String fileName)
            throws MalformedMailException {
        PartReader.Bounded content = PartReader.readBounded(part, maxAttachmentBytes, where(path));
        SmimeKind kind = SmimeKind.of(type.param("smime-type"), content.data());
        byte[] signed = kind == SmimeKind.SIGNED && content.data() != null && !content.damaged()
                ? SignedDataContent.extract(content.data()) : null;
        if (signed != null) {
            try {
                return walk(new MimeBodyPart(new ByteArrayInputStream(signed)), child(path, 0), "text/plain",
                        false, true);
            } catch (MessagingException e) {
                // the signed entity's header cannot be read: keep the part as it came, with the note below
            }
        }
        int before = attachments.size();
        addAttachment(part, path, type, disposition, fileName == null ? "smime.p7m" : fileName, content);
        if (kind.note != null) {
            notes.add(kind.note + keptAs(before, "; it is attached as "));
        }
        return Body.EMPTY;
    }

    /** Names the attachments added since {@code before}, for a note. */
    private String keptAs(int before, String lead) {
        List<String> names = attachments.subList(before, attachments.size()).stream()
                .map(MailPart::fileName).toList();
        return names.isEmpty() ? "" : lead + String.join(", ", names);
    }

    private Body mixed(List<BodyPart> children, String path, String childDefault) throws MalformedMailException {
        List<Body> bodies = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            bodies.add(walk(children.get(i), child(path, i), childDefault, false, false));
        }
        return join(bodies);
    }

    /** Joins consecutive body pieces; when only some have HTML, the others are carried over as escaped text. */
    private static Body join(List<Body> bodies) {
        List<Body> present = bodies.stream().filter(b -> !b.isEmpty()).toList();
        if (present.size() <= 1) {
            return present.isEmpty() ? Body.EMPTY : present.get(0);
        }
        boolean anyPlain = present.stream().anyMatch(b -> b.plain() != null);
        boolean anyHtml = present.stream().anyMatch(b -> b.html() != null);
        StringBuilder plain = new StringBuilder();
        StringBuilder html = new StringBuilder();
        for (Body b : present) {
            if (anyPlain) {
                String text = b.plain() != null ? b.plain() : HtmlText.toText(b.html());
                plain.append(plain.length() > 0 ? "\n\n" : "").append(text.strip());
            }
            if (anyHtml) {
                html.append(b.html() != null ? HtmlText.bodyOf(b.html()) : HtmlText.fromPlain(b.plain()));
            }
        }
        return new Body(anyPlain ? plain.toString() : null, anyHtml ? html.toString() : null);
    }

    private Body readText(Part part, String path, HeaderParams type) throws MalformedMailException {
        PartReader.Decoded decoded = PartReader.readAll(part, where(path));
        byte[] bytes = decoded.data();
        if (decoded.damaged()) {
            incomplete = true;
            notes.add((path.isEmpty() ? "the message text" : "the text of part " + path) + " (" + type.value()
                    + ") could not be fully decoded ("
                    + PartReader.encodingName(part) + ")" + KEPT_AS_IS);
        }
        String charset = type.param("charset");
        boolean html = type.value().equals("text/html");
        if (charset == null && html) {
            Matcher m = META_CHARSET.matcher(new String(bytes, 0, Math.min(bytes.length, 2048),
                    StandardCharsets.ISO_8859_1));
            charset = m.find() ? m.group(1) : null;
        }
        String text = Charsets.decode(bytes, charset).replace("\r\n", "\n").replace('\r', '\n');
        if (html) {
            return new Body(null, text);
        }
        if ("flowed".equalsIgnoreCase(type.param("format"))) {
            text = FlowedText.unflow(text, "yes".equalsIgnoreCase(type.param("delsp")));
        }
        if (text.stripLeading().startsWith(INLINE_PGP)) {
            // Inline PGP (no MIME structure): the text is ciphertext; say so rather than leave the agent puzzling.
            notes.add("the text is encrypted (inline PGP) and cannot be read by the hub");
        }
        return new Body(text, null);
    }

    private void addAttachment(Part part, String path, HeaderParams type, HeaderParams disposition, String fileName)
            throws MalformedMailException {
        addAttachment(part, path, type, disposition, fileName,
                PartReader.readBounded(part, maxAttachmentBytes, where(path)));
    }

    private void addAttachment(Part part, String path, HeaderParams type, HeaderParams disposition, String fileName,
            PartReader.Bounded content) {
        boolean nameMadeUp = fileName == null;
        String mediaType = type.value();
        if (mediaType.equals("message/global")) {
            mediaType = "message/rfc822"; // the UTF-8 variant; agents' tools know .eml
        }
        if (fileName == null && mediaType.equals("message/rfc822")) {
            fileName = FORWARDED_NAME;
        }
        String safeName = FileNames.sanitize(fileName, mediaType);
        if (content.damaged() && content.data() != null) { // an omitted attachment gets its size note only
            incomplete = true;
            notes.add("attachment " + safeName + " (" + mediaType + ") could not be "
                    + (content.size() == 0 ? "decoded" : "fully decoded") + " (" + PartReader.encodingName(part)
                    + ")" + (content.size() == 0 ? "; the original mail is attached" : KEPT_AS_IS));
            if (content.size() == 0) {
                return;
            }
        }
        if (content.data() == null) {
            notes.add("attachment " + safeName + " omitted: " + content.size() + " bytes exceeds the "
                    + maxAttachmentBytes + " byte limit");
            return;
        }
        String contentId = contentId(part);
        boolean inline = contentId != null && !disposition.value().equals("attachment");
        add(new MailPart(safeName, mediaType, content.data(), contentId, inline), nameMadeUp);
    }

    /**
     * Adds an attachment unless the mail already has one with the same bytes: Outlook and Google send an invitation
     * as a text/calendar alternative and again as invite.ics, and some clients attach an inline image a second
     * time. The copy kept takes the sender's file name over a made-up one, and stays inline if either was.
     */
    private void add(MailPart part, boolean nameMadeUp) {
        for (int i = 0; i < attachments.size(); i++) {
            MailPart kept = attachments.get(i);
            if (Arrays.equals(kept.data(), part.data())) {
                boolean takeName = madeUpNames.contains(i) && !nameMadeUp;
                if (takeName) {
                    madeUpNames.remove(i);
                }
                attachments.set(i, new MailPart(takeName ? part.fileName() : kept.fileName(), kept.mediaType(),
                        kept.data(), kept.contentId() != null ? kept.contentId() : part.contentId(),
                        kept.inline() || part.inline()));
                return;
            }
        }
        if (nameMadeUp) {
            madeUpNames.add(attachments.size());
        }
        attachments.add(part);
    }

    private static MimeMultipart open(Part part, String path, HeaderParams type) throws MalformedMailException {
        String boundary = type.param("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw new MalformedMailException(where(path) + " is " + type.value() + " without a boundary parameter");
        }
        // MimeMultipart re-parses the Content-Type strictly; hand it a clean, correctly quoted one.
        String cleanType = type.value() + "; boundary=\"" + boundary.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"";
        try {
            MimeMultipart multipart = new MimeMultipart(new PartSource(part, cleanType));
            multipart.getCount(); // parses now, so structural errors surface here
            return multipart;
        } catch (MessagingException | RuntimeException e) {
            throw PartReader.unreadable(where(path), e);
        }
    }

    static HeaderParams contentType(Part part, String defaultType) {
        HeaderParams type = HeaderParams.parse(HeaderText.raw(part, "Content-Type"));
        if (!type.value().matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")) {
            // RFC 2045 5.2: a missing or unreadable Content-Type means the default type.
            return new HeaderParams(defaultType, type.params());
        }
        return type;
    }

    private static String fileName(HeaderParams disposition, HeaderParams type) {
        String name = disposition.param("filename");
        if (name == null || name.isBlank()) {
            name = type.param("name");
        }
        if (name == null || name.isBlank()) {
            return null;
        }
        return EncodedWords.decode(name); // RFC 2047 inside quotes is invalid, yet what Outlook and Gmail send
    }

    private static String contentId(Part part) {
        return stripBrackets(HeaderText.raw(part, "Content-ID"));
    }

    private static String stripBrackets(String id) {
        if (id == null) {
            return null;
        }
        String s = id.trim();
        if (s.startsWith("<")) {
            s = s.substring(1);
        }
        if (s.endsWith(">")) {
            s = s.substring(0, s.length() - 1);
        }
        s = s.trim();
        return s.isEmpty() ? null : s;
    }

    private static String child(String path, int index) {
        return path.isEmpty() ? String.valueOf(index + 1) : path + "." + (index + 1);
    }

    private static String where(String path) {
        return path.isEmpty() ? "message body" : "part " + path;
    }

    /** The part's decoded content as a DataSource, without Jakarta Activation's content handler lookup. */
    private record PartSource(Part part, String contentType) implements DataSource {
        @Override
        public InputStream getInputStream() throws IOException {
            try {
                return PartReader.decodedStream(part);
            } catch (MessagingException e) {
                throw new IOException(e);
            }
        }

        @Override
        public OutputStream getOutputStream() {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getName() {
            return "part";
        }
    }
}
