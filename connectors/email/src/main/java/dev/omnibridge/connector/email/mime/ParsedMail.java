package dev.omnibridge.connector.email.mime;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One mail reduced to what the hub needs. Pure data: the same raw bytes always give an equal result, which keeps
 * re-imports idempotent.
 *
 * @param messageId  without angle brackets; for a mail without one {@code sha256-<hex of raw>@omnibridge.invalid}
 * @param inReplyTo  message ids without angle brackets, in header order
 * @param references message ids without angle brackets, in header order, duplicates removed
 * @param fromAddress lower-case addr-spec of From (Sender when From is missing or unusable), or null
 * @param fromName   decoded display name, or null
 * @param subject    decoded subject, or null when the header is missing
 * @param sentAt     the Date header, or null when missing or unparseable
 * @param text       the new text: quoted history, signature and mobile footers removed, trimmed; never empty when
 *                   {@code fullText} is not
 * @param fullText   the complete text body (text/plain, else derived from HTML), trimmed
 * @param html       sanitised HTML without quoted history, or null when the mail has no HTML part
 * @param attachments attachments and inline images in MIME order
 * @param notes      human-readable notes about content that was left out or repaired
 * @param noise      why this mail must not open a ticket, or {@link Noise#NONE}
 * @param sentByHub  true when the mail carries {@link MailHeaders#ORIGIN}
 * @param incomplete true when some part could not be fully decoded (a note says which): the original mail is the
 *                   only complete copy, so the importer attaches it for the agent
 */
public record ParsedMail(
        String messageId,
        List<String> inReplyTo,
        List<String> references,
        String fromAddress,
        String fromName,
        String subject,
        Instant sentAt,
        String text,
        String fullText,
        String html,
        List<MailPart> attachments,
        List<String> notes,
        Noise noise,
        boolean sentByHub,
        boolean incomplete) {

    public ParsedMail {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(fullText, "fullText");
        Objects.requireNonNull(noise, "noise");
        inReplyTo = List.copyOf(inReplyTo);
        references = List.copyOf(references);
        attachments = List.copyOf(attachments);
        notes = List.copyOf(notes);
    }
}
