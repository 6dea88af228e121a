package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.DeskTimes;
import dev.omnibridge.deskkit.Multipart;
import dev.omnibridge.deskkit.TicketText;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Canonical messages as Freshdesk ticket and note bodies (API v2: POST /api/v2/tickets, POST
 * /api/v2/tickets/{id}/notes), as JSON or, with files, as multipart form fields ({@code tags[]},
 * {@code custom_fields[name]}, {@code attachments[]}).
 */
final class FreshdeskPayloads {
    static final int STATUS_OPEN = 2;
    static final int STATUS_PENDING = 3;
    static final int STATUS_RESOLVED = 4;
    static final int STATUS_CLOSED = 5;

    /** Freshdesk ticket sources: 1 Email, 2 Portal, 7 Chat. */
    static final int SOURCE_EMAIL = 1;
    static final int SOURCE_PORTAL = 2;
    static final int SOURCE_CHAT = 7;

    /**
     * Put into every note the hub adds, so that a retry after a lost answer finds the note instead of adding it
     * twice, and so that the reply reader never mistakes the hub's own notes for an agent's.
     */
    static final String MARKER_PREFIX = "omnibridge:";

    /** A file to upload: already read from the hub's storage. */
    record Upload(String fileName, String mediaType, byte[] bytes) {
    }

    private FreshdeskPayloads() {
    }

    /** LOW/NORMAL/HIGH/URGENT as Freshdesk's 1 Low, 2 Medium, 3 High, 4 Urgent. */
    static int priority(Priority p) {
        return switch (p) {
            case LOW -> 1;
            case NORMAL -> 2;
            case HIGH -> 3;
            case URGENT -> 4;
        };
    }

    /** Email for the email channel, Portal for the in-house web channel, Chat for messaging channels. */
    static int source(String channelType) {
        String type = channelType.toLowerCase(Locale.ROOT);
        if (type.equals("email")) {
            return SOURCE_EMAIL;
        }
        if (type.equals("webhook-channel")) {
            return SOURCE_PORTAL;
        }
        return SOURCE_CHAT;
    }

    /** Plain text as Freshdesk's HTML body: escaped, line breaks kept. */
    static String html(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '\n' -> b.append("<br>");
                case '\r' -> { }
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String marker(DeskDelivery d) {
        return MARKER_PREFIX + d.idempotencyKey();
    }

    /** The note body: the escaped text and, hidden from readers, the delivery's marker. */
    static String noteBody(DeskDelivery d, String text) {
        return noteBody(List.of(d), List.of(text));
    }

    /**
     * One note for several messages of the ticket, oldest first: each message's section (time and author, then its
     * text) and, hidden from readers, every delivery's marker, so that a later attempt at any of them finds it. One
     * message alone is exactly the note it gets when delivered alone.
     */
    static String noteBody(List<DeskDelivery> ds, List<String> texts) {
        StringBuilder b = new StringBuilder("<div>").append(html(combinedText(ds, texts))).append("</div>");
        ds.forEach(d -> b.append("<!-- ").append(marker(d)).append(" -->"));
        return b.toString();
    }

    /** The visible text of a note for these messages (their texts as the desk shows them). */
    static String combinedText(List<DeskDelivery> ds, List<String> texts) {
        if (ds.size() == 1) {
            return texts.get(0);
        }
        List<String> sections = new java.util.ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            sections.add(TicketText.section(ds.get(i).message(), texts.get(i)));
        }
        return String.join(TicketText.BETWEEN_SECTIONS, sections);
    }

    /** Freshdesk's 1 Low, 2 Medium, 3 High, 4 Urgent as the hub's priority; null for anything else. */
    static Priority priorityOf(int freshdesk) {
        return switch (freshdesk) {
            case 1 -> Priority.LOW;
            case 2 -> Priority.NORMAL;
            case 3 -> Priority.HIGH;
            case 4 -> Priority.URGENT;
            default -> null;
        };
    }

    static ObjectNode ticket(DeskDelivery d, long requesterId, String field, String text) {
        return ticket(d, requesterId, field, text, null);
    }

    /** {@code groupId}: the route's group for the ticket ({@code group_id}), or null for Freshdesk's default. */
    static ObjectNode ticket(DeskDelivery d, long requesterId, String field, String text, Long groupId) {
        ObjectNode t = DeskHttp.JSON.createObjectNode();
        t.put("subject", TicketText.subject(d));
        t.put("description", "<div>" + html(text) + "</div>");
        t.put("requester_id", requesterId);
        t.put("status", STATUS_OPEN);
        t.put("priority", priority(d.message().priority()));
        t.put("source", source(d.conversation().channel().type()));
        if (groupId != null) {
            t.put("group_id", groupId);
        }
        TicketText.tags(d).forEach(t.putArray("tags")::add);
        t.putObject("custom_fields").put(field, d.conversation().id());
        return t;
    }

    static Multipart ticketForm(DeskDelivery d, long requesterId, String field, String text, List<Upload> files) {
        return ticketForm(d, requesterId, field, text, files, null);
    }

    static Multipart ticketForm(DeskDelivery d, long requesterId, String field, String text, List<Upload> files,
                                Long groupId) {
        ObjectNode t = ticket(d, requesterId, field, text, groupId);
        Multipart form = new Multipart()
                .field("subject", t.path("subject").asText())
                .field("description", t.path("description").asText())
                .field("requester_id", Long.toString(requesterId))
                .field("status", Integer.toString(STATUS_OPEN))
                .field("priority", t.path("priority").asText())
                .field("source", t.path("source").asText());
        if (groupId != null) {
            form.field("group_id", Long.toString(groupId));
        }
        t.path("tags").forEach(tag -> form.field("tags[]", tag.asText()));
        form.field("custom_fields[" + field + "]", d.conversation().id());
        files.forEach(f -> form.file("attachments[]", f.fileName(), f.mediaType(), f.bytes()));
        return form;
    }

    /**
     * A note: the customer's message as a public incoming note authored by the requester (so agents see it as the
     * customer's), or an internal message as a private note by the API key's agent.
     */
    static ObjectNode note(DeskDelivery d, String text, boolean internal, Long requesterId) {
        return note(List.of(d), List.of(text), internal, requesterId);
    }

    /** One note carrying several messages of the same kind, see {@link #noteBody(List, List)}. */
    static ObjectNode note(List<DeskDelivery> ds, List<String> texts, boolean internal, Long requesterId) {
        ObjectNode n = DeskHttp.JSON.createObjectNode();
        n.put("body", noteBody(ds, texts));
        n.put("private", internal);
        if (!internal) {
            n.put("incoming", true);
            if (requesterId != null) {
                n.put("user_id", requesterId);
            }
        }
        return n;
    }

    static Multipart noteForm(DeskDelivery d, String text, boolean internal, Long requesterId, List<Upload> files) {
        return noteForm(List.of(d), List.of(text), internal, requesterId, files);
    }

    static Multipart noteForm(List<DeskDelivery> ds, List<String> texts, boolean internal, Long requesterId,
                              List<Upload> files) {
        ObjectNode n = note(ds, texts, internal, requesterId);
        Multipart form = new Multipart().field("body", n.path("body").asText())
                .field("private", Boolean.toString(internal));
        if (n.has("incoming")) {
            form.field("incoming", "true");
        }
        if (n.has("user_id")) {
            form.field("user_id", n.path("user_id").asText());
        }
        files.forEach(f -> form.file("attachments[]", f.fileName(), f.mediaType(), f.bytes()));
        return form;
    }

    /**
     * Whether {@code conversation} is the note this delivery would add: it carries the marker, or (when Freshdesk's
     * sanitiser dropped the comment) it has the same flags and author, was made after the message reached the hub,
     * and its text is the message's text, or contains the message's section (a note that carried several messages).
     */
    static boolean isNoteFor(JsonNode conversation, DeskDelivery d, String text, boolean internal, Long requesterId) {
        if (conversation.path("body").asText("").contains(marker(d))) {
            return true;
        }
        if (conversation.path("private").asBoolean(false) != internal
                || (!internal && !conversation.path("incoming").asBoolean(false))) {
            return false;
        }
        if (!internal && requesterId != null && conversation.path("user_id").asLong(-1) != requesterId) {
            return false;
        }
        String shown = normalise(conversation.path("body_text").asText(""));
        if (!shown.equals(normalise(text)) && !shown.contains(normalise(TicketText.section(d.message(), text)))) {
            return false;
        }
        Instant created = DeskTimes.parseOrNull(conversation.path("created_at").asText(null));
        Instant received = d.message().receivedAt();
        // Same text, same author: only a note made after this message arrived can be this message's note.
        return created != null && received != null && !created.isBefore(received.minusSeconds(5));
    }

    static String normalise(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }
}
