package dev.omnibridge.connector.email;

import dev.omnibridge.connector.email.mime.MailParser;
import dev.omnibridge.connector.email.mime.MailPart;
import dev.omnibridge.connector.email.mime.MalformedMailException;
import dev.omnibridge.connector.email.mime.Noise;
import dev.omnibridge.connector.email.mime.ParsedMail;
import dev.omnibridge.connector.email.threading.Threader;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AttachmentStore.AttachmentTooLargeException;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.Skipped;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one raw mail into what the hub stores: a customer message threaded into its conversation, or a record of
 * why it was skipped (noise, the hub's own mail) or dead-lettered (unreadable). The original bytes are kept in the
 * attachment store first, so whatever the outcome, the mail itself stays retrievable.
 */
final class MailImporter {
    static final String META_MESSAGE_ID = "email.messageId";
    static final String META_ORIGINAL = "email.original";
    static final String META_NOTES = "email.notes";

    private final ConnectorContext context;
    private final EmailSettings settings;
    private final MailParser parser;
    private final Threader threader;

    MailImporter(ConnectorContext context, EmailSettings settings) {
        this.context = context;
        this.settings = settings;
        this.parser = new MailParser(settings.maxAttachmentBytes());
        this.threader = new Threader(context);
    }

    /**
     * @param inbound       what to hand the hub (without offsets)
     * @param newCustomer   set when the mail opened a new conversation, for the acknowledgement
     */
    record Imported(Inbound inbound, NewConversation newCustomer) {
    }

    /** A conversation this mail opened: who to acknowledge, and under which token and subject. */
    record NewConversation(String token, Address customer, String name, String messageId, String subject) {
    }

    Imported importMail(byte[] raw) throws IOException {
        Attachment kept = keepOriginal(raw);
        URI original = kept.location();
        String rawId = "raw-" + original.getSchemeSpecificPart();
        ParsedMail mail;
        try {
            mail = parser.parse(raw);
        } catch (MalformedMailException e) {
            return skip(Skipped.deadLetter(rawId, "unreadable mail: " + e.getMessage(), original));
        }
        if (context.findMessage(mail.messageId()).isPresent()) {
            return new Imported(Inbound.none(), null);   // seen before, e.g. a rescan after UIDVALIDITY changed
        }
        if (mail.sentByHub()) {
            return skip(Skipped.ignored(mail.messageId(), "sent by Omnibridge itself", original));
        }
        boolean listMail = mail.noise().kind() == Noise.Kind.MAILING_LIST;
        if (mail.noise().isNoise() && !(listMail && settings.acceptMailingLists())) {
            return skip(Skipped.ignored(mail.messageId(), mail.noise().reason(), original));
        }
        Address sender = senderOf(mail);
        if (sender == null) {
            return skip(Skipped.deadLetter(mail.messageId(), "mail has no usable sender address", original));
        }
        if (sender.value().equals(settings.fromAddress())) {
            return skip(Skipped.ignored(mail.messageId(), "sent from the support address itself", original));
        }
        Threader.Thread thread = threader.thread(sender.value(), mail.subject(), mail.inReplyTo(),
                mail.references());
        List<String> notes = new ArrayList<>(mail.notes());
        List<Attachment> attachments = store(mail.attachments(), notes);
        if (mail.incomplete()) {
            attachments.add(kept); // some part could not be decoded: the agent gets the whole mail to open
        }
        Message message = Message.builder().direction(Direction.INBOUND)
                .channel(new ChannelRef(EmailType.NAME, context.instanceId()))
                .channelMessageId(mail.messageId()).threadKey(thread.threadKey())
                .author(Author.customer(mail.fromName(), sender)).subject(mail.subject()).text(withNotes(mail.text(), notes))
                .html(mail.html()).attachments(attachments)
                .replyTo(thread.answers()).channelTimestamp(mail.sentAt()).tags(Set.of("email"))
                .metadata(metadata(mail.messageId(), original, notes)).build();
        // Never acknowledge list mail, even accepted: the answer would go to the list or start a loop (RFC 3834).
        NewConversation opened = thread.isNew() && !listMail
                ? new NewConversation(thread.threadKey(), sender, mail.fromName(), mail.messageId(), mail.subject())
                : null;
        return new Imported(Inbound.messages(List.of(message)), opened);
    }

    /** A record of a mail too large to fetch, without its bytes. */
    Imported tooLarge(String sourceId, long size) {
        return skip(Skipped.deadLetter(sourceId, "mail is " + size + " bytes, over the limit of "
                + settings.maxMailBytes() + " (maxMailBytes); not imported", null));
    }

    private static Imported skip(Skipped skipped) {
        return new Imported(Inbound.skipped(skipped), null);
    }

    private Attachment keepOriginal(byte[] raw) throws IOException {
        return context.attachments().store("original.eml", "message/rfc822", new ByteArrayInputStream(raw),
                Math.max(raw.length, 1));
    }

    private static Address senderOf(ParsedMail mail) {
        if (mail.fromAddress() == null) {
            return null;
        }
        try {
            return Address.email(mail.fromAddress());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private List<Attachment> store(List<MailPart> parts, List<String> notes) throws IOException {
        List<Attachment> stored = new ArrayList<>();
        for (MailPart part : parts) {
            try {
                stored.add(context.attachments().store(part.fileName(), part.mediaType(),
                        new ByteArrayInputStream(part.data()), settings.maxAttachmentBytes()));
            } catch (AttachmentTooLargeException e) {
                notes.add("attachment " + part.fileName() + " omitted: " + e.getMessage());
            }
        }
        return stored;
    }

    /** Agents see what was left out of a mail where they read it, not only in metadata. */
    private static String withNotes(String text, List<String> notes) {
        StringBuilder s = new StringBuilder(text);
        notes.forEach(note -> s.append(s.length() == 0 ? "" : "\n\n").append('[').append(note).append(']'));
        return s.toString();
    }

    private static Map<String, String> metadata(String messageId, URI original, List<String> notes) {
        Map<String, String> meta = new HashMap<>();
        meta.put(META_MESSAGE_ID, messageId);
        meta.put(META_ORIGINAL, original.toString());
        if (!notes.isEmpty()) {
            meta.put(META_NOTES, String.join("\n", notes));
        }
        return meta;
    }
}
