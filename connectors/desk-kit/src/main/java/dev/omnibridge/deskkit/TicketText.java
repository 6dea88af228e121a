package dev.omnibridge.deskkit;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskDelivery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What every desk shows the same way: the ticket subject, the tags that let agents route by channel and language,
 * the comment text (edits marked, files that could not be attached named), and the requester's identity.
 */
public final class TicketText {
    private static final int SUBJECT_LENGTH = 80;
    private static final DateTimeFormatter HEADING_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    /** Between two messages' sections in one comment or note. */
    public static final String BETWEEN_SECTIONS = "\n\n";

    private TicketText() {
    }

    /** The message's own subject, else the start of its first line, else the channel it came from. */
    public static String subject(DeskDelivery d) {
        Message m = d.message();
        if (m.subject() != null && !m.subject().isBlank()) {
            return m.subject().strip();
        }
        String first = m.text().strip().lines().findFirst().orElse("").strip();
        if (first.isEmpty()) {
            return "Conversation on " + d.conversation().channel().type();
        }
        return first.length() <= SUBJECT_LENGTH ? first : first.substring(0, SUBJECT_LENGTH - 1).strip() + "…";
    }

    /** {@code omnibridge}, {@code channel-<type>}, {@code lang-<language>} and the message's own tags, desk-safe. */
    public static Set<String> tags(DeskDelivery d) {
        Set<String> tags = new LinkedHashSet<>();
        tags.add("omnibridge");
        tags.add(tag("channel-" + d.conversation().channel().type()));
        if (d.message().language() != null && !d.message().language().isBlank()) {
            tags.add(tag("lang-" + d.message().language()));
        }
        d.message().tags().forEach(t -> tags.add(tag(t)));
        tags.remove("");
        return tags;
    }

    /** Lower case, letters, digits, dashes and underscores only: what Zendesk, Freshdesk and Salesforce all accept. */
    public static String tag(String raw) {
        return raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
    }

    /**
     * The comment body: the text, marked when it edits an earlier message, followed by a line for each file that is
     * not in the hub's storage (so it could not be uploaded) with where it is.
     */
    public static String body(Message m) {
        StringBuilder b = new StringBuilder();
        if (m.editOf() != null) {
            b.append("(edited message) ");
        }
        b.append(m.text().isBlank() && !m.attachments().isEmpty() ? "(file sent)" : m.text());
        for (Attachment a : m.attachments()) {
            if (!StoredFiles.isStored(a)) {
                b.append("\n[file not attached: ").append(a.fileName()).append(", ").append(a.mediaType())
                        .append(']');
            }
        }
        return b.toString();
    }

    /**
     * The line that opens a message's section when one desk comment carries several messages: when the customer
     * wrote it (the channel's time, else the hub's) and who, e.g. {@code [2025-03-01 10:15:30 UTC] Ann}. The
     * comment itself has one time and one author only, so without it agents could not tell the messages apart.
     */
    public static String heading(Message m) {
        Instant at = m.channelTimestamp() != null ? m.channelTimestamp() : m.receivedAt();
        String who = m.author() == null || m.author().displayName() == null || m.author().displayName().isBlank()
                ? "" : " " + m.author().displayName().strip();
        return (at == null ? "[time unknown]" : "[" + HEADING_TIME.format(at) + "]") + who;
    }

    /** A message's section in a combined comment: its {@link #heading} and the text the desk shows for it. */
    public static String section(Message m, String text) {
        return heading(m) + "\n" + text;
    }

    /**
     * One comment's text for several messages, oldest first: each message's {@link #section} with its
     * {@link #body}, separated by a blank line. One message alone is its plain {@link #body}, as when posted alone.
     */
    public static String combined(List<Message> messages) {
        if (messages.size() == 1) {
            return body(messages.get(0));
        }
        return String.join(BETWEEN_SECTIONS, messages.stream().map(m -> section(m, body(m))).toList());
    }

    public static Optional<String> email(Contact c) {
        return address(c, AddressKind.EMAIL);
    }

    public static Optional<String> phone(Contact c) {
        return address(c, AddressKind.PHONE);
    }

    /** The contact's name, else the message author's, else a label naming the channel. */
    public static String requesterName(DeskDelivery d) {
        if (d.contact().displayName() != null && !d.contact().displayName().isBlank()) {
            return d.contact().displayName();
        }
        if (d.message().author().displayName() != null && !d.message().author().displayName().isBlank()) {
            return d.message().author().displayName();
        }
        return "Customer on " + d.conversation().channel().type();
    }

    private static Optional<String> address(Contact c, AddressKind kind) {
        return c.addresses().stream().filter(a -> a.kind() == kind).map(Address::value).findFirst();
    }
}
