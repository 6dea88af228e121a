package dev.omnibridge.connector.email.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/** Streams the decoded content of a part, so that oversize parts can be measured without being held in memory. */
final class PartReader {

    /** Encodings that change bytes; identity ones ("7bit", "8bit", "binary") and invented ones are read as is. */
    private static final Set<String> DECODED_ENCODINGS = Set.of(
            "base64", "quoted-printable", "uuencode", "x-uuencode", "x-uue");

    private PartReader() {
    }

    /**
     * The part's content with its Content-Transfer-Encoding undone; an unknown encoding is read as is. Decoding is
     * lenient: bad input is skipped or ends the part, never fails it, and the stream is a {@link DecodingReport}
     * that tells whether that happened.
     */
    static InputStream decodedStream(Part part) throws MessagingException, IOException {
        InputStream raw;
        if (part instanceof MimeBodyPart body) {
            raw = body.getRawInputStream();
        } else if (part instanceof MimeMessage message) {
            raw = message.getRawInputStream();
        } else {
            raw = part.getInputStream();
        }
        String encoding = HeaderParams.parse(HeaderText.raw(part, "Content-Transfer-Encoding")).value();
        if (encoding.equals("base64")) {
            return new LenientBase64InputStream(raw);
        }
        return DECODED_ENCODINGS.contains(encoding) ? new SalvagingInputStream(MimeUtility.decode(raw, encoding))
                : raw;
    }

    /** The Content-Transfer-Encoding as named in notes: lower case, and only the ones the parser decodes. */
    static String encodingName(Part part) {
        String encoding = HeaderParams.parse(HeaderText.raw(part, "Content-Transfer-Encoding")).value();
        return DECODED_ENCODINGS.contains(encoding) ? encoding : "transfer encoding";
    }

    /** All decoded bytes; for body text, which has no size limit of its own. */
    static Decoded readAll(Part part, String where) throws MalformedMailException {
        try (InputStream in = decodedStream(part)) {
            byte[] data = in.readAllBytes();
            return new Decoded(data, damaged(in));
        } catch (MessagingException | IOException | RuntimeException e) {
            throw unreadable(where, e);
        }
    }

    /**
     * Reads at most {@code limit + 1} bytes; when the content is larger, counts the rest by streaming it through a
     * small buffer and returns null.
     */
    static Bounded readBounded(Part part, long limit, String where) throws MalformedMailException {
        int cap = (int) Math.min(limit + 1, Integer.MAX_VALUE - 16);
        try (InputStream in = decodedStream(part)) {
            byte[] head = in.readNBytes(cap);
            if (head.length <= limit) {
                return new Bounded(head, head.length, damaged(in));
            }
            long total = head.length;
            head = null; // release before draining a possibly huge remainder
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
            }
            return new Bounded(null, total, damaged(in));
        } catch (MessagingException | IOException | RuntimeException e) {
            throw unreadable(where, e);
        }
    }

    static MalformedMailException unreadable(String where, Exception e) {
        return new MalformedMailException("cannot read " + where + ": " + e.getClass().getSimpleName());
    }

    private static boolean damaged(InputStream in) {
        return in instanceof DecodingReport report && report.damaged();
    }

    /** @param damaged some of the encoded content could not be decoded and is missing from {@code data} */
    record Decoded(byte[] data, boolean damaged) {
    }

    /**
     * @param data the bytes, or null when the content exceeded the limit; @param size decoded size in bytes;
     * @param damaged some of the encoded content could not be decoded
     */
    record Bounded(byte[] data, long size, boolean damaged) {
    }
}
