package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskTimes;
import dev.omnibridge.deskkit.FileNotes;
import dev.omnibridge.deskkit.PublicFiles;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.TicketUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a ticket back from Freshdesk: its agents' public replies as {@link DeskReply DeskReplies} and its status as a
 * {@link TicketUpdate}. Re-reading everything each time is safe: the hub dedupes replies by their conversation id.
 */
final class ReplyReader {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyReader.class);
    /** Conversation sources that reach the customer: 0 reply, 2 note (public). Forwards go to third parties. */
    private static final List<Integer> CUSTOMER_FACING_SOURCES = List.of(0, 2);

    /** What one ticket holds for the hub. */
    record Read(List<DeskReply> replies, List<TicketUpdate> updates) {
    }

    private final FreshdeskApi api;
    private final PublicFiles files;
    private final AttachmentStore store;
    private final String conversationIdField;
    private final long maxAttachmentBytes;

    ReplyReader(FreshdeskApi api, PublicFiles files, AttachmentStore store, String conversationIdField,
                long maxAttachmentBytes) {
        this.api = api;
        this.files = files;
        this.store = store;
        this.conversationIdField = conversationIdField;
        this.maxAttachmentBytes = maxAttachmentBytes;
    }

    Read read(String ticketId) throws DeskApiException, InterruptedException {
        JsonNode ticket = api.ticket(ticketId);
        long requesterId = ticket.path("requester_id").asLong(-1);
        String conversationId = ticket.path("custom_fields").path(conversationIdField).asText("");
        Map<String, String> metadata = new HashMap<>();
        if (!conversationId.isBlank()) {
            metadata.put(DeskReply.CONVERSATION_ID, conversationId);
        }
        List<DeskReply> replies = new ArrayList<>();
        for (JsonNode c : api.conversations(ticketId)) {
            if (!isPublicAgentPost(c, requesterId)) {
                continue;
            }
            Optional<String> agent = agentName(ticketId, c);
            if (agent.isEmpty()) {
                continue;   // written by a contact (e.g. a CC'd customer), not by an agent
            }
            replies.add(reply(ticketId, c, agent.get(), metadata));
        }
        List<TicketUpdate> updates = new ArrayList<>();
        status(ticket.path("status").asInt(-1)).ifPresent(s -> updates.add(TicketUpdate.of(ticketId, s)));
        return new Read(replies, updates);
    }

    /**
     * The agent's name from View an Agent; empty when Freshdesk says the user is no agent (404). Any other failure
     * (403 for a key that may not view agents, 429, 5xx) must not cost the customer the reply: it goes out under the
     * conversation's sender name, and the failure is not remembered, so a later read gets the agent's own name.
     */
    private Optional<String> agentName(String ticketId, JsonNode c) throws InterruptedException {
        try {
            return api.agentName(c.path("user_id").asLong());
        } catch (DeskApiException e) {
            // 404 never gets here (FreshdeskApi answers empty: not an agent). Status only: the answer's text is
            // the desk's, and the fallback name is not needed to diagnose this.
            LOG.warn("ticket {}: reply {}: agent {} could not be looked up (HTTP {}); replying under the "
                    + "conversation's sender name", ticketId, c.path("id").asText(), c.path("user_id").asText(),
                    e.status() == 0 ? "none" : e.status());
            return Optional.of(senderName(c.path("from_email").asText("")));
        }
    }

    /**
     * The display name of the conversation's {@code from_email} ({@code "Acme Support" <support@acme.example>}), or
     * "Agent": never a bare address, which would tell the customer nothing and may be an agent's own mailbox.
     */
    static String senderName(String fromEmail) {
        int angle = fromEmail.indexOf('<');
        String name = (angle < 0 ? "" : fromEmail.substring(0, angle)).strip();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1).replace("\\\"", "\"").strip();
        }
        return name.isEmpty() || name.contains("@") ? "Agent" : name;
    }

    static boolean isPublicAgentPost(JsonNode c, long requesterId) {
        if (c.path("incoming").asBoolean(true) || c.path("private").asBoolean(true)) {
            return false;
        }
        if (c.path("body").asText("").contains(FreshdeskPayloads.MARKER_PREFIX)) {
            return false;   // the hub's own post
        }
        if (c.has("source") && !CUSTOMER_FACING_SOURCES.contains(c.path("source").asInt(-1))) {
            return false;
        }
        return c.path("user_id").canConvertToLong() && c.path("user_id").asLong() != requesterId;
    }

    /** Resolved (4) and Closed (5) resolve the conversation; Open (2) and Pending (3) keep or reopen it. */
    static Optional<ConversationStatus> status(int status) {
        return switch (status) {
            case FreshdeskPayloads.STATUS_RESOLVED, FreshdeskPayloads.STATUS_CLOSED -> Optional.of(ConversationStatus.RESOLVED);
            case FreshdeskPayloads.STATUS_OPEN, FreshdeskPayloads.STATUS_PENDING -> Optional.of(ConversationStatus.OPEN);
            default -> Optional.empty();   // custom statuses: leave the conversation as it is
        };
    }

    private DeskReply reply(String ticketId, JsonNode c, String agent, Map<String, String> metadata)
            throws InterruptedException {
        FileNotes missing = new FileNotes();
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode a : c.path("attachments")) {
            String name = a.path("name").asText("attachment");
            long size = a.path("size").asLong(-1);
            try {
                if (size > maxAttachmentBytes) {
                    throw new IOException("larger than " + maxAttachmentBytes + " bytes");
                }
                attachments.add(files.fetch(a.path("attachment_url").asText(""), name,
                        a.path("content_type").asText(null), maxAttachmentBytes, store));
            } catch (IOException e) {
                // The reply still goes out; the customer learns a file is missing rather than getting nothing.
                LOG.warn("ticket {}: reply {}: file not fetched: {}", ticketId, c.path("id").asText(), e.getMessage());
                missing.add(name, e instanceof AttachmentStore.AttachmentTooLargeException
                        ? "larger than " + maxAttachmentBytes + " bytes" : e.getMessage());
            }
        }
        String html = c.path("body").asText(null);
        Instant created = DeskTimes.parseOrNull(c.path("created_at").asText(null));
        Map<String, String> own = new java.util.HashMap<>(metadata);
        // Freshdesk has emailed a Reply to these addresses already; the hub does not send it to them again.
        ReplyRecipients.of(c).ifPresent(to -> own.put(DeskReply.DELIVERED_TO, to));
        return DeskReply.builder(ticketId, c.path("id").asText(), Author.agent(agent))
                .text(missing.appendTo(c.path("body_text").asText("")))
                .html(html == null || html.isBlank() ? null : missing.appendToHtml(html)).attachments(attachments)
                .createdAt(created == null ? Instant.now() : created).metadata(missing.addTo(own)).build();
    }
}
