package dev.omnibridge.connector.email;

import dev.omnibridge.connector.email.mime.MailParser;
import dev.omnibridge.connector.email.mime.MailPart;
import dev.omnibridge.connector.email.mime.MalformedMailException;
import dev.omnibridge.connector.email.mime.Noise;
import dev.omnibridge.connector.email.mime.ParsedMail;
import dev.omnibridge.connector.email.mime.ReturnedMail;
import dev.omnibridge.connector.email.threading.MailIds;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one raw mail into what the hub stores: a customer message threaded into its conversation, or a record of
 * why it was skipped (noise, the hub's own mail, a copy of a mail already stored) or dead-lettered (unreadable). A
 * mail is known by its Message-ID and its {@link MailDigest}: a different mail reusing a Message-ID is a message of
 * its own. The original bytes are kept in the
 * attachment store first, so whatever the outcome, the mail itself stays retrievable.
 */
final class MailImporter {
    static final String META_MESSAGE_ID = MailIds.METADATA_KEY;
    static final String META_ORIGINAL = "email.original";
    static final String META_NOTES = "email.notes";
    /** The {@link MailDigest} of a mail, to tell it from another mail with the same Message-ID. */
    static final String META_DIGEST = "email.digest";
    private static final Logger LOG = LoggerFactory.getLogger(MailImporter.class);

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

    /**
     * @param position where the mail was read ({@code imap:<folder>:<uidvalidity>:<uid>}), for the log and records
     */
    Imported importMail(String position, byte[] raw) throws IOException {
        Attachment kept = keepOriginal(raw);
        URI original = kept.location();
        String rawId = "raw-" + original.getSchemeSpecificPart();
        ParsedMail mail;
        try {
            mail = parser.parse(raw);
        } catch (MalformedMailException e) {
            return skip(Skipped.deadLetter(rawId, "unreadable mail: " + e.getMessage(), original));
        }
        Address sender = senderOf(mail);
        String digest = MailDigest.of(mail, raw);
        Identity identity = identify(mail, sender, digest, original);
        if (identity.copyOf() != null) {
            // Found again (a copy in the mailbox, a rescan): stored once, but never without a trace. One record per
            // stored mail, however often it is read again; the log line says where each copy was.
            LOG.info("Email instance {}: mail at {} is a copy of stored message {} (same Message-ID, sender and "
                    + "content); not imported again", context.instanceId(), position, identity.copyOf().id());
            return skip(Skipped.ignored(identity.channelId() + "#copy", "copy of a mail already stored as message "
                    + identity.copyOf().id() + " (same Message-ID, sender and content), found at " + position
                    + "; not imported again", original));
        }
        String channelId = identity.channelId();
        if (!channelId.equals(MailIds.of(mail.messageId()))) {
            LOG.info("Email instance {}: mail at {} reuses the Message-ID of another mail with a different sender or "
                    + "content; kept as a message of its own", context.instanceId(), position);
        }
        if (mail.sentByHub()) {
            return skip(Skipped.ignored(channelId, "sent by Omnibridge itself", original));
        }
        boolean listMail = mail.noise().kind() == Noise.Kind.MAILING_LIST;
        if (mail.noise().isNoise() && !(listMail && settings.acceptMailingLists())) {
            // Shown in the conversation it answers (an out-of-office reply to the acknowledgement, a bounce of a
            // reply) when it can be told, so an agent sees why the customer got no acknowledgement.
            return skip(Skipped.ignored(channelId, mail.noise().reason(), original)
                    .withThreadKey(noiseThread(mail, sender).orElse(null)));
        }
        if (sender == null) {
            return skip(Skipped.deadLetter(channelId, "mail has no usable sender address", original));
        }
        if (sender.value().equals(settings.fromAddress())) {
            return skip(Skipped.ignored(channelId, "sent from the support address itself", original));
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
                .channelMessageId(channelId).threadKey(thread.threadKey())
                .author(Author.customer(mail.fromName(), sender)).subject(mail.subject()).text(withNotes(mail.text(), notes))
                .html(mail.html()).attachments(attachments)
                .replyTo(thread.answers()).channelTimestamp(mail.sentAt()).tags(Set.of("email"))
                .metadata(listMail ? withNoAutoReply(metadata(mail.messageId(), digest, original, notes),
                        mail.noise().reason()) : metadata(mail.messageId(), digest, original, notes)).build();
        // Never acknowledge list mail, even accepted: the answer would go to the list or start a loop (RFC 3834).
        NewConversation opened = thread.isNew() && !listMail
                ? new NewConversation(thread.threadKey(), sender, mail.fromName(), mail.messageId(), mail.subject())
                : null;
        return new Imported(Inbound.messages(List.of(message)), opened);
    }

    private Optional<String> noiseThread(ParsedMail mail, Address sender) {
        List<String> returned = mail.noise().kind() == Noise.Kind.BOUNCE ? ReturnedMail.messageIds(mail) : List.of();
        return threader.existing(sender == null ? null : sender.value(), mail.subject(), mail.inReplyTo(),
                mail.references(), returned);
    }

    /** Accepted list mail carries its reason, so that the hub's acknowledgements never answer it either. */
    private static Map<String, String> withNoAutoReply(Map<String, String> metadata, String reason) {
        Map<String, String> marked = new java.util.LinkedHashMap<>(metadata);
        marked.put(Message.NO_AUTO_REPLY, "mailing-list mail (" + reason + ")");
        return marked;
    }

    /**
     * @param channelId the id to store the mail under
     * @param copyOf    the stored message this mail is a copy of, or null when it is new
     */
    private record Identity(String channelId, Message copyOf) {
    }

    /**
     * Which id the mail is stored under, or which stored mail it is a copy of. The Message-ID first, then the ids a
     * different mail reusing it gets ({@link MailIds}); the first one free is the mail's, unless one of them holds
     * this very mail. Each is a lookup by channel id, so the hub's dedupe by channel id still holds.
     */
    private Identity identify(ParsedMail mail, Address sender, String digest, URI original) {
        String from = sender == null ? "" : sender.value();
        List<String> candidates = List.of(MailIds.of(mail.messageId()), MailIds.ofSender(mail.messageId(), from),
                MailIds.ofContent(mail.messageId(), from, digest));
        Message known = null;
        for (String candidate : candidates) {
            known = context.findMessage(candidate).orElse(null);
            if (known == null) {
                return new Identity(candidate, null);
            }
            if (sameMail(known, mail, sender, digest, original)) {
                return new Identity(candidate, known);
            }
        }
        // The last id carries the digest: another mail under it would take a SHA-256 prefix collision.
        return new Identity(candidates.get(candidates.size() - 1), known);
    }

    private static boolean sameMail(Message known, ParsedMail mail, Address sender, String digest, URI original) {
        if (known.direction() != Direction.INBOUND) {
            return false;   // a Message-ID the hub sent: this mail is the hub's own (skipped below) or another's
        }
        if (original.toString().equals(known.metadata().get(META_ORIGINAL))) {
            return true;    // the very same bytes
        }
        String storedDigest = known.metadata().get(META_DIGEST);
        if (storedDigest != null) {
            return storedDigest.equals(digest);
        }
        // Stored before digests were kept: the same sender and Date is the same mail, so an upgrade followed by a
        // rescan imports nothing twice.
        return Objects.equals(known.author().address(), sender)
                && Objects.equals(known.channelTimestamp(), mail.sentAt());
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

    private static Map<String, String> metadata(String messageId, String digest, URI original, List<String> notes) {
        Map<String, String> meta = new HashMap<>();
        meta.put(META_MESSAGE_ID, messageId);
        meta.put(META_DIGEST, digest);
        meta.put(META_ORIGINAL, original.toString());
        if (!notes.isEmpty()) {
            meta.put(META_NOTES, String.join("\n", notes));
        }
        return meta;
    }
}
