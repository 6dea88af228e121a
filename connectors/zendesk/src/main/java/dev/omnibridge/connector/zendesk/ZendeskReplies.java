package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.FileNotes;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.TicketUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a ticket's comments back from Zendesk after its webhook fired and keeps what goes to the customer: public
 * comments by agents and admins (role from the sideloaded users) other than the API user the hub posts as. End
 * users' comments (the requester's own, including the hub's customer posts) and private notes never go back.
 */
final class ZendeskReplies {
    private static final Logger LOG = LoggerFactory.getLogger(ZendeskReplies.class);

    /** Comment pages read per webhook: 1,000 comments; Zendesk caps a ticket at 5,000. */
    private static final int MAX_PAGES = 10;

    /**
     * @param requesters the end users with an {@code external_id} (the hub contact id the connector gives its
     *                   requesters) who commented on the ticket, as sideloaded: what Zendesk now holds for them
     */
    record Read(List<DeskReply> replies, List<TicketUpdate> updates, int ignored, List<JsonNode> requesters) {
        Read(List<DeskReply> replies, List<TicketUpdate> updates, int ignored) {
            this(replies, updates, ignored, List.of());
        }
    }

    private final ZendeskApi api;
    private final AttachmentStore store;
    private final long apiUserId;
    private final long maxAttachmentBytes;

    ZendeskReplies(ZendeskApi api, AttachmentStore store, long apiUserId, long maxAttachmentBytes) {
        this.api = api;
        this.store = store;
        this.apiUserId = apiUserId;
        this.maxAttachmentBytes = maxAttachmentBytes;
    }

    /** Solved and closed tickets resolve the conversation; an open ticket (e.g. reopened) opens it again. */
    static ConversationStatus status(String zendeskStatus) {
        if (zendeskStatus == null) {
            return null;
        }
        return switch (zendeskStatus.strip().toLowerCase(Locale.ROOT)) {
            case "solved", "closed" -> ConversationStatus.RESOLVED;
            case "new", "open", "pending", "hold", "on-hold" -> ConversationStatus.OPEN;
            default -> null;
        };
    }

    Read read(String ticketId, String conversationId, String zendeskStatus)
            throws DeskApiException, InterruptedException {
        List<JsonNode> sideloaded = new ArrayList<>();
        List<JsonNode> comments = api.comments(ticketId, sideloaded, MAX_PAGES);
        Map<Long, JsonNode> users = new HashMap<>();
        for (JsonNode u : sideloaded) {
            users.put(u.path("id").asLong(), u);
        }
        List<DeskReply> replies = new ArrayList<>();
        Map<Long, JsonNode> requesters = new java.util.LinkedHashMap<>();
        int ignored = 0;
        for (JsonNode c : comments) {
            long authorId = c.path("author_id").asLong();
            JsonNode author = users.get(authorId);
            if (author != null && "end-user".equals(author.path("role").asText())
                    && !author.path("external_id").asText("").isBlank()) {
                requesters.put(authorId, author);
            }
            String role = author == null ? "" : author.path("role").asText();
            boolean agent = "agent".equals(role) || "admin".equals(role);
            if (!c.path("public").asBoolean(false) || !agent || authorId == apiUserId) {
                ignored++;
                continue;
            }
            Map<String, String> metadata = new HashMap<>();
            if (conversationId != null && !conversationId.isBlank()) {
                metadata.put(DeskReply.CONVERSATION_ID, conversationId);
            }
            metadata.put("zendesk.authorId", Long.toString(authorId));
            String html = c.hasNonNull("html_body") ? c.path("html_body").asText() : null;
            String text = c.hasNonNull("plain_body") ? c.path("plain_body").asText() : c.path("body").asText();
            FileNotes missing = new FileNotes();
            List<Attachment> files = attachments(c.path("attachments"), missing);
            Author replier = Author.agent(author.path("name").asText(null));
            replies.add(DeskReply.builder(ticketId, c.path("id").asText(), replier)
                    .text(missing.appendTo(text)).html(missing.appendToHtml(html)).attachments(files)
                    .createdAt(instant(c.path("created_at").asText(null))).metadata(missing.addTo(metadata)).build());
        }
        List<TicketUpdate> updates = new ArrayList<>();
        ConversationStatus status = status(zendeskStatus);
        if (status == null) {
            // No or a localised placeholder value: the ticket itself has the canonical status.
            status = status(api.ticket(ticketId).path("status").asText(null));
        }
        if (status != null) {
            updates.add(TicketUpdate.of(ticketId, status));
        }
        return new Read(replies, updates, ignored, List.copyOf(requesters.values()));
    }

    /**
     * Agent files: downloaded into the hub's storage when they are on the account's own host (the credentials may
     * go there and private attachments need them; Zendesk answers with a 302 to a temporary download URL, followed
     * without the credentials); elsewhere handed on by URL, never with the credentials. A file that cannot be
     * fetched is recorded in {@code missing}, so the reply names it.
     */
    private List<Attachment> attachments(JsonNode list, FileNotes missing) throws InterruptedException {
        List<Attachment> out = new ArrayList<>();
        for (JsonNode a : list) {
            if (a.path("inline").asBoolean(false) || a.path("deleted").asBoolean(false)) {
                continue;
            }
            String name = a.path("file_name").asText("attachment");
            String type = a.path("content_type").asText("application/octet-stream");
            URI url;
            try {
                url = URI.create(a.path("content_url").asText());
            } catch (IllegalArgumentException bad) {
                missing.add(name, "no usable content_url");
                continue;
            }
            if (!api.isDeskHost(url)) {
                out.add(new Attachment(name, type, a.path("size").asLong(-1), null, url));
                continue;
            }
            try {
                out.add(api.download(url, name, type, maxAttachmentBytes, store));
            } catch (AttachmentStore.AttachmentTooLargeException tooLarge) {
                LOG.warn("agent attachment {} is larger than {} bytes; not passed on", name, maxAttachmentBytes);
                missing.add(name, "larger than " + maxAttachmentBytes + " bytes");
            } catch (IOException e) {
                // The reply still goes out, naming the file; a failed file must not hold back the agent's text.
                String why = api.scrub(String.valueOf(e.getMessage()));
                LOG.warn("agent attachment {} could not be downloaded: {}", name, why);
                missing.add(name, why);
            }
        }
        return out;
    }

    private static Instant instant(String s) {
        if (s == null) {
            return Instant.now();
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }
}
