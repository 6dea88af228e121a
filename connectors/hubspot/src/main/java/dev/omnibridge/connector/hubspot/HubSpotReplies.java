package dev.omnibridge.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
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
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inbound: turns webhook events into replies and ticket updates, re-reading everything through the API so that
 * only what HubSpot itself says counts. A new thread message goes back only when it is a MESSAGE (never a COMMENT,
 * HubSpot's internal note in the inbox), OUTGOING, and sent by an agent (actor id {@code A-...}; visitors are
 * {@code V-}, bots {@code B-}, integrations {@code I-}, system {@code S-}), on a thread associated with a ticket.
 */
final class HubSpotReplies {
    private static final Logger LOG = LoggerFactory.getLogger(HubSpotReplies.class);

    record Result(List<DeskReply> replies, List<TicketUpdate> updates, int ignored) {
    }

    private final HubSpotApi api;
    private final HubSpotSettings settings;
    private final AttachmentStore store;
    private final PublicFiles files;

    HubSpotReplies(HubSpotApi api, HubSpotSettings settings, AttachmentStore store) {
        this.api = api;
        this.settings = settings;
        this.store = store;
        this.files = new PublicFiles(settings.baseUrl(), settings.timeout());
    }

    Result resolve(List<HubSpotEvents.Event> events) throws DeskApiException, InterruptedException {
        List<DeskReply> replies = new ArrayList<>();
        List<TicketUpdate> updates = new ArrayList<>();
        int ignored = 0;
        for (HubSpotEvents.Event event : events) {
            if (event instanceof HubSpotEvents.StageChange s) {
                updates.add(TicketUpdate.of(s.ticketId(), settings.closedStages().contains(s.stage())
                        ? ConversationStatus.RESOLVED : ConversationStatus.OPEN));
            } else if (event instanceof HubSpotEvents.NewMessage m) {
                Optional<DeskReply> reply = reply(m);
                reply.ifPresent(replies::add);
                ignored += reply.isPresent() ? 0 : 1;
            }
        }
        return new Result(replies, updates, ignored);
    }

    private Optional<DeskReply> reply(HubSpotEvents.NewMessage event) throws DeskApiException, InterruptedException {
        if (!event.messageType().isEmpty() && !"MESSAGE".equals(event.messageType())) {
            return Optional.empty(); // COMMENT (internal) or WELCOME_MESSAGE: not for the customer
        }
        JsonNode message;
        JsonNode thread;
        try {
            message = api.message(event.threadId(), event.messageId());
            if (!"MESSAGE".equals(message.path("type").asText()) || !"OUTGOING".equals(message.path("direction").asText())
                    || message.path("archived").asBoolean(false)) {
                return Optional.empty();
            }
            JsonNode sender = message.path("senders").path(0);
            String actor = sender.path("actorId").asText(message.path("createdBy").asText(""));
            if (!actor.startsWith("A-")) {
                return Optional.empty();
            }
            thread = api.thread(event.threadId());
        } catch (DeskApiException e) {
            if (e.isNotFound()) {
                return Optional.empty(); // deleted since; nothing to send
            }
            throw e;
        }
        String ticketId = thread.at("/threadAssociations/associatedTicketId").asText("");
        if (ticketId.isEmpty()) {
            LOG.debug("thread {} has no ticket; message {} is not for the hub", event.threadId(), event.messageId());
            return Optional.empty();
        }
        Map<String, String> metadata = new HashMap<>();
        metadata.put("hubspot.threadId", event.threadId());
        // HubSpot has emailed these recipients already; the hub does not send the message to them again.
        EmailRecipients.of(message).ifPresent(to -> metadata.put(DeskReply.DELIVERED_TO, to));
        String prop = settings.conversationIdProperty();
        try {
            String conversationId = api.get("tickets", ticketId, prop).at("/properties/" + prop).asText("");
            if (!conversationId.isEmpty()) {
                metadata.put(DeskReply.CONVERSATION_ID, conversationId);
            }
        } catch (DeskApiException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
        JsonNode sender = message.path("senders").path(0);
        String name = sender.path("name").asText("").isBlank() ? "Agent" : sender.path("name").asText();
        String text = message.path("text").asText("");
        String html = message.path("richText").asText(null);
        List<Attachment> attachments = new ArrayList<>();
        FileNotes missing = new FileNotes();
        for (JsonNode a : message.path("attachments")) {
            fetch(a, missing).ifPresent(attachments::add);
        }
        return Optional.of(DeskReply.builder(ticketId, event.messageId(), Author.agent(name))
                .text(missing.appendTo(text)).html(missing.appendToHtml(html)).attachments(attachments)
                .createdAt(instant(message.path("createdAt").asText(""))).metadata(missing.addTo(metadata)).build());
    }

    /**
     * An agent's file: HubSpot's File Manager gives a signed URL for it (files are private); that URL carries its
     * own authorisation, so it is fetched without the access token.
     */
    private Optional<Attachment> fetch(JsonNode a, FileNotes missing) throws InterruptedException {
        String fileName = a.path("name").asText("file");
        String fileId = a.path("fileId").asText("");
        if (fileId.isEmpty()) {
            missing.add(fileName, "no fileId");
            return Optional.empty();
        }
        try {
            return Optional.of(files.fetch(api.signedUrl(fileId), fileName, null, settings.maxAttachmentBytes(),
                    store));
        } catch (AttachmentStore.AttachmentTooLargeException e) {
            missing.add(fileName, "larger than " + settings.maxAttachmentBytes() + " bytes");
        } catch (DeskApiException | IOException | IllegalArgumentException e) {
            LOG.info("agent file {} could not be fetched: {}", fileId, e.getMessage());
            missing.add(fileName, String.valueOf(e.getMessage()));
        }
        return Optional.empty();
    }

    private static Instant instant(String s) {
        try {
            return s.isEmpty() ? Instant.now() : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }
}
