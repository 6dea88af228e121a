package dev.omnibridge.deskkit;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskDelivery;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What every desk shows the same way: the ticket subject, the tags that let agents route by channel and language,
 * the comment text (edits marked, files that could not be attached named), and the requester's identity.
 */
public final class TicketText {
    private static final int SUBJECT_LENGTH = 80;

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
