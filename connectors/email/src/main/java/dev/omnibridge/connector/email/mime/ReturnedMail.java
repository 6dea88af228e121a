package dev.omnibridge.connector.email.mime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Message-IDs of the mail a bounce returns: a delivery status notification (RFC 3464) carries the returned
 * mail's header as a {@code message/rfc822} or {@code text/rfc822-headers} part, which the parser keeps as an
 * attachment. Reading only the header block is enough: the Message-ID is what ties the bounce to the conversation of
 * the mail that could not be delivered.
 */
public final class ReturnedMail {
    private static final List<String> RETURNED_TYPES = List.of("message/rfc822", "text/rfc822-headers");
    /** A header's value, folded lines included; headers end at the first empty line. */
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)");
    private static final Pattern ID = Pattern.compile("<([^<>\\s]+)>");
    private static final Pattern HEADER_END = Pattern.compile("\\r?\\n\\r?\\n");
    /** A returned header block is a few kilobytes; a whole returned mail may be large and only its head counts. */
    private static final int HEAD_BYTES = 64 * 1024;

    private ReturnedMail() {
    }

    /** The Message-IDs (without angle brackets) of the mails a bounce returns, in part order; empty if none. */
    public static List<String> messageIds(ParsedMail bounce) {
        List<String> ids = new ArrayList<>();
        for (MailPart part : bounce.attachments()) {
            if (!RETURNED_TYPES.contains(part.mediaType())) {
                continue;
            }
            String head = headerBlock(part.data());
            Matcher header = MESSAGE_ID.matcher(head);
            if (header.find()) {
                Matcher id = ID.matcher(header.group(1));
                if (id.find() && !ids.contains(id.group(1))) {
                    ids.add(id.group(1));
                }
            }
        }
        return ids;
    }

    private static String headerBlock(byte[] data) {
        // Header names and Message-IDs are ASCII; anything else decodes harmlessly as Latin-1.
        String text = new String(data, 0, Math.min(data.length, HEAD_BYTES), StandardCharsets.ISO_8859_1);
        Matcher end = HEADER_END.matcher(text);
        return end.find() ? text.substring(0, end.start()) : text;
    }
}
