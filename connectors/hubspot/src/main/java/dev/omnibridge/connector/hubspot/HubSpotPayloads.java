package dev.omnibridge.connector.hubspot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.TicketText;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;

import java.time.Instant;
import java.util.List;

/**
 * How hub messages look in HubSpot: contact and ticket properties, and the HTML body of a note. Every note ends
 * with a reference line naming the delivery's idempotency key; a retried delivery finds its note by it instead of
 * adding a second one (HubSpot has no idempotency header).
 */
final class HubSpotPayloads {
    static final String REF_PREFIX = "omnibridge-ref: ";

    private final HubSpotSettings settings;

    HubSpotPayloads(HubSpotSettings settings) {
        this.settings = settings;
    }

    /** HubSpot's hs_ticket_priority options are LOW, MEDIUM, HIGH and URGENT. */
    static String priority(Priority p) {
        return switch (p) {
            case LOW -> "LOW";
            case NORMAL -> "MEDIUM";
            case HIGH -> "HIGH";
            case URGENT -> "URGENT";
        };
    }

    /** {@code hs_ticket_priority} as the hub's priority; null when empty or not one of HubSpot's four. */
    static Priority priorityOf(String hubspot) {
        return switch (hubspot == null ? "" : hubspot) {
            case "LOW" -> Priority.LOW;
            case "MEDIUM" -> Priority.NORMAL;
            case "HIGH" -> Priority.HIGH;
            case "URGENT" -> Priority.URGENT;
            default -> null;
        };
    }

    ObjectNode ticket(DeskDelivery d) {
        return ticket(d, new dev.omnibridge.config.Settings(java.util.Map.of()));
    }

    /**
     * A new ticket's properties; {@code assignment} (the route's, see {@link HubSpotType#assignment()}) overrides
     * the instance's pipeline and open stage and may name the owner.
     */
    ObjectNode ticket(DeskDelivery d, dev.omnibridge.config.Settings assignment) {
        ObjectNode p = DeskHttp.JSON.createObjectNode();
        p.put("subject", TicketText.subject(d));
        p.put("content", TicketText.body(d.message()));
        p.put("hs_pipeline", assignment.optionalString(HubSpotType.ASSIGN_PIPELINE).orElse(settings.pipeline()));
        p.put("hs_pipeline_stage", assignment.optionalString(HubSpotType.ASSIGN_STAGE).orElse(settings.openStage()));
        assignment.optionalString(HubSpotType.ASSIGN_OWNER).ifPresent(owner -> p.put("hubspot_owner_id", owner));
        p.put("hs_ticket_priority", priority(d.message().priority()));
        p.put(settings.conversationIdProperty(), d.conversation().id());
        if (settings.tagsProperty() != null) {
            p.put(settings.tagsProperty(), String.join(";", TicketText.tags(d)));
        }
        return p;
    }

    /**
     * A new contact. The hub contact id goes into the unique contact property only when there is no email
     * address: email is HubSpot's own unique key, and a customer known by email may already exist in HubSpot.
     */
    ObjectNode contact(DeskDelivery d) {
        ObjectNode p = DeskHttp.JSON.createObjectNode();
        String name = TicketText.requesterName(d).strip();
        int space = name.indexOf(' ');
        p.put("firstname", space < 0 ? name : name.substring(0, space));
        if (space > 0) {
            p.put("lastname", name.substring(space + 1).strip());
        }
        TicketText.phone(d.contact()).ifPresent(v -> p.put("phone", v));
        TicketText.email(d.contact()).ifPresentOrElse(v -> p.put("email", v),
                () -> p.put(settings.contactIdProperty(), d.contact().id()));
        return p;
    }

    ObjectNode note(DeskDelivery d, String heading, List<String> fileIds) {
        ObjectNode p = DeskHttp.JSON.createObjectNode();
        p.put("hs_note_body", noteBody(d, heading));
        Message m = d.message();
        Instant at = m.receivedAt() != null ? m.receivedAt() : Instant.now();
        p.put("hs_timestamp", at.toString());
        if (!fileIds.isEmpty()) {
            p.put("hs_attachment_ids", String.join(";", fileIds));
        }
        return p;
    }

    /** The heading says who wrote the note; HubSpot notes are internal, so the hub's own notices say so too. */
    static String heading(DeskDelivery d) {
        Message m = d.message();
        if (m.direction() == Direction.INTERNAL) {
            return "Internal note from Omnibridge (not sent to the customer)";
        }
        String who = m.author().displayName() != null && !m.author().displayName().isBlank()
                ? m.author().displayName() : TicketText.requesterName(d);
        return "Customer message from " + who + " via " + d.conversation().channel().type();
    }

    static String noteBody(DeskDelivery d, String heading) {
        return "<p><strong>" + html(heading) + "</strong></p><p>"
                + html(TicketText.body(d.message())).replace("\n", "<br>") + "</p><p><small>" + REF_PREFIX
                + html(d.idempotencyKey()) + "</small></p>";
    }

    static String marker(DeskDelivery d) {
        return REF_PREFIX + html(d.idempotencyKey());
    }

    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
