package dev.omnibridge.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.Settings;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskAssignment;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.Escalation;
import dev.omnibridge.deskkit.StoredFiles;
import dev.omnibridge.deskkit.TicketText;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Outbound: a conversation's first message becomes a ticket associated with the requester's contact; every later
 * message (and the hub's internal notices) becomes a note on it, with the customer's files attached. HubSpot has no
 * idempotency header, so each step looks up before it creates: the ticket by the unique conversation-id property
 * (read by {@code idProperty}, which unlike CRM search is immediately consistent), the note by its reference line
 * among the ticket's notes.
 */
final class HubSpotDesk {
    private final HubSpotApi api;
    private final HubSpotSettings settings;
    private final HubSpotPayloads payloads;
    private final AttachmentStore files;
    private final String instanceId;
    private final ConnectorContext ctx;
    /** The contact properties read when a requester is found: its addresses, reported to the hub. */
    static final String[] ADDRESS_PROPERTIES = {"email", "phone", "mobilephone"};

    HubSpotDesk(HubSpotApi api, HubSpotSettings settings, ConnectorContext ctx) {
        this.ctx = ctx;
        this.instanceId = ctx.instanceId();
        AttachmentStore files = ctx.attachments();
        this.api = api;
        this.settings = settings;
        this.payloads = new HubSpotPayloads(settings);
        this.files = files;
    }

    DeskResult deliver(DeskDelivery d) throws DeskApiException, InterruptedException {
        if (!d.opensTicket()) {
            String existing = notesByMarker(d.ticketRef(), List.of(d)).get(HubSpotPayloads.marker(d));
            if (existing != null) {
                return DeskResult.of(d.ticketRef(), existing);
            }
            raisePriority(d.ticketRef(), List.of(d));
            return DeskResult.of(d.ticketRef(), createNote(d.ticketRef(), d, HubSpotPayloads.heading(d)));
        }
        String ticketId = ensureTicket(d);
        String noteId = null;
        if (d.message().attachments().stream().anyMatch(StoredFiles::isStored)) {
            // A ticket has no file field: the first message's files travel on a note on the new ticket.
            noteId = ensureNote(ticketId, d, "Files sent with the customer's first message");
        }
        return DeskResult.of(ticketId, noteId);
    }

    private String ensureTicket(DeskDelivery d) throws DeskApiException, InterruptedException {
        String convProp = settings.conversationIdProperty();
        String conversationId = d.conversation().id();
        Optional<JsonNode> existing = api.byUniqueProperty("tickets", convProp, conversationId, convProp);
        if (existing.isPresent()) {
            return existing.get().path("id").asText();
        }
        Settings assignment = DeskAssignment.of(HubSpotType.assignmentDef(), instanceId, d);
        String contactId = ensureContact(d);
        try {
            return api.create("tickets", payloads.ticket(d, assignment), contactId, HubSpotApi.TICKET_TO_CONTACT)
                    .path("id").asText();
        } catch (DeskApiException e) {
            // A ticket made by an earlier attempt whose answer was lost: the unique property refuses the second.
            if (e.status() == 409 || e.status() == 400) {
                Optional<JsonNode> again = api.byUniqueProperty("tickets", convProp, conversationId, convProp);
                if (again.isPresent()) {
                    return again.get().path("id").asText();
                }
            }
            throw e;
        }
    }

    /**
     * The requester: the contact the hub remembers for this desk (a customer's second channel, or a contact the hub
     * joined into this one, reuses it); else found by email, else by the hub contact id property, else by phone, or
     * created; then remembered. A found contact's email and phone numbers are reported to the hub as the requester's.
     */
    private String ensureContact(DeskDelivery d) throws DeskApiException, InterruptedException {
        String hubContact = d.contact().id();
        Optional<String> remembered = ctx.requesters().find(hubContact).filter(ref -> !ref.isBlank());
        if (remembered.isPresent()) {
            return remembered.get();
        }
        String id = findOrCreateContact(d);
        ctx.requesters().remember(hubContact, id);
        return id;
    }

    private String findOrCreateContact(DeskDelivery d) throws DeskApiException, InterruptedException {
        Optional<String> email = TicketText.email(d.contact());
        Optional<JsonNode> found = lookupContact(d, email);
        if (found.isPresent()) {
            List<Address> addresses = addressesOf(found.get().path("properties"));
            if (!addresses.isEmpty()) {
                ctx.requesters().reportAddresses(d.contact().id(), addresses);
            }
            return found.get().path("id").asText();
        }
        try {
            return api.create("contacts", payloads.contact(d), null, 0).path("id").asText();
        } catch (DeskApiException e) {
            if (e.status() == 409 || e.status() == 400) {
                Optional<JsonNode> again = lookupContact(d, email);
                if (again.isPresent()) {
                    return again.get().path("id").asText();
                }
            }
            throw e;
        }
    }

    /** A HubSpot contact's {@code email}, {@code phone} and {@code mobilephone} in the hub's normal form. */
    List<Address> addressesOf(JsonNode properties) {
        List<Address> found = new ArrayList<>();
        String email = properties.path("email").asText("");
        if (!email.isBlank()) {
            try {
                found.add(Address.email(email));
            } catch (IllegalArgumentException notAnEmail) {
                // not an address the hub could use: left out
            }
        }
        for (String field : List.of("phone", "mobilephone")) {
            String number = properties.path(field).asText("");
            if (!number.isBlank()) {
                ctx.phoneNumber(number).filter(a -> !found.contains(a)).ifPresent(found::add);
            }
        }
        return found;
    }

    private Optional<JsonNode> lookupContact(DeskDelivery d, Optional<String> email)
            throws DeskApiException, InterruptedException {
        if (email.isPresent()) {
            return api.byUniqueProperty("contacts", "email", email.get(), ADDRESS_PROPERTIES);
        }
        Optional<JsonNode> byHubId = api.byUniqueProperty("contacts", settings.contactIdProperty(), d.contact().id(),
                ADDRESS_PROPERTIES);
        if (byHubId.isPresent()) {
            return byHubId;
        }
        Optional<String> phone = TicketText.phone(d.contact());
        return phone.isPresent() ? api.searchOne("contacts", "phone", phone.get()) : Optional.empty();
    }

    /** The note for this delivery: found by its reference line, else created with the files uploaded. */
    String ensureNote(String ticketId, DeskDelivery d, String heading) throws DeskApiException, InterruptedException {
        String existing = notesByMarker(ticketId, List.of(d)).get(HubSpotPayloads.marker(d));
        if (existing != null) {
            return existing;
        }
        return createNote(ticketId, d, heading);
    }

    private String createNote(String ticketId, DeskDelivery d, String heading)
            throws DeskApiException, InterruptedException {
        return api.create("notes", payloads.note(d, heading, uploadFiles(d)), ticketId, HubSpotApi.NOTE_TO_TICKET)
                .path("id").asText();
    }

    /**
     * Raises the ticket's {@code hs_ticket_priority} for follow-ups classified HIGH or URGENT, before their notes
     * are made: notes take no priority, so it is its own {@code PATCH /crm/v3/objects/tickets/{id}}. The ticket's
     * priority is read first and never lowered; a retry after a failed note reads it already raised and only makes
     * the note, and a retry that finds its note (by its reference line) never gets here.
     */
    void raisePriority(String ticketId, List<DeskDelivery> followUps) throws DeskApiException, InterruptedException {
        Optional<Priority> asked = Escalation.asked(followUps);
        if (asked.isEmpty()) {
            return;
        }
        Priority current = HubSpotPayloads.priorityOf(api.get("tickets", ticketId, "hs_ticket_priority")
                .path("properties").path("hs_ticket_priority").asText(""));
        if (Escalation.raises(current, asked.get())) {
            api.update("tickets", ticketId, DeskHttp.JSON.createObjectNode()
                    .put("hs_ticket_priority", HubSpotPayloads.priority(asked.get())));
        }
    }

    /**
     * The ticket's notes made for these deliveries, by reference line ({@link HubSpotPayloads#marker}) to note id:
     * one listing of the ticket's note associations and batch reads of their bodies, whatever the number of
     * deliveries.
     */
    Map<String, String> notesByMarker(String ticketId, List<DeskDelivery> deliveries)
            throws DeskApiException, InterruptedException {
        Map<String, String> found = new HashMap<>();
        List<String> noteIds = api.noteIdsOfTicket(ticketId);
        if (noteIds.isEmpty()) {
            return found;
        }
        for (JsonNode note : api.readNotes(noteIds, "hs_note_body")) {
            String body = note.at("/properties/hs_note_body").asText("");
            for (DeskDelivery d : deliveries) {
                String marker = HubSpotPayloads.marker(d);
                if (!found.containsKey(marker) && body.contains(marker)) {
                    found.put(marker, note.path("id").asText());
                }
            }
        }
        return found;
    }

    /** Uploads the delivery's stored files to the File Manager; their ids, for the note's hs_attachment_ids. */
    List<String> uploadFiles(DeskDelivery d) throws DeskApiException, InterruptedException {
        List<String> fileIds = new ArrayList<>();
        for (Attachment a : d.message().attachments()) {
            if (StoredFiles.isStored(a)) {
                byte[] bytes = StoredFiles.read(files, a, settings.maxAttachmentBytes());
                fileIds.add(api.uploadFile(settings.fileFolder(), a.fileName(), a.mediaType(), bytes));
            }
        }
        return fileIds;
    }

    HubSpotPayloads payloads() {
        return payloads;
    }
}
