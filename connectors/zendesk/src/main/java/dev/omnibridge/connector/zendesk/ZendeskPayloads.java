package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.TicketText;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskDelivery;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Zendesk JSON bodies built from hub deliveries. Field names are Zendesk's (Users, Tickets, Ticket Comments):
 * {@code external_id}, {@code requester_id}, {@code comment.author_id/public/uploads}, {@code priority},
 * {@code tags}, {@code group_id}, {@code via_followup_source_id}, and {@code metadata} (kept on the audit as
 * {@code metadata.custom}).
 */
final class ZendeskPayloads {
    /** Audit metadata key listing the hub message ids a comment carries: the duplicate check for updates. */
    static final String MESSAGE_IDS = "omnibridge_message_ids";
    /** How the customer's email address appears in the requester's details (it is not an email identity). */
    static final String DETAILS_EMAIL = "Email (answered through Omnibridge): ";

    private ZendeskPayloads() {
    }

    /**
     * The requester for create_or_update: name, phone, and the hub contact id as external_id (the match key). The
     * email address is kept in {@code details} for agents, never as an email identity: Zendesk's standard triggers
     * mail a requester who has one on every public comment, and the hub already sends each reply through the
     * customer's own channel, so the customer would be answered twice. Zendesk suppresses that mail for requesters
     * without an email address (https://support.zendesk.com/hc/en-us/articles/4408843347866).
     */
    static ObjectNode requester(DeskDelivery d) {
        ObjectNode user = DeskHttp.JSON.createObjectNode().put("name", TicketText.requesterName(d))
                .put("external_id", d.contact().id());
        TicketText.email(d.contact()).ifPresent(email -> user.put("details", DETAILS_EMAIL + email));
        TicketText.phone(d.contact()).ifPresent(phone -> user.put("phone", phone));
        return user;
    }

    /**
     * The addresses a Zendesk user carries ({@code email}, the primary email identity, and {@code phone}), in the
     * hub's normal form; what is not a valid address is left out. The connector never gives a requester an email
     * identity, so an email here was added in Zendesk (by an agent, or the customer's own user).
     */
    static List<Address> addressesOf(JsonNode user, ConnectorContext ctx) {
        List<Address> found = new java.util.ArrayList<>();
        String email = user.path("email").asText("");
        if (!email.isBlank()) {
            try {
                found.add(Address.email(email));
            } catch (IllegalArgumentException notAnEmail) {
                // not an address the hub could use: left out
            }
        }
        String phone = user.path("phone").asText("");
        if (!phone.isBlank()) {
            ctx.phoneNumber(phone).ifPresent(found::add);
        }
        return found;
    }

    static String priority(Priority p) {
        return p.name().toLowerCase(Locale.ROOT);   // Zendesk: low, normal, high, urgent
    }

    /** A ticket's {@code priority} as the hub's, or null when the ticket has none (Zendesk allows that). */
    static Priority priorityOf(JsonNode ticket) {
        String p = ticket.path("priority").asText("");
        return switch (p) {
            case "low" -> Priority.LOW;
            case "normal" -> Priority.NORMAL;
            case "high" -> Priority.HIGH;
            case "urgent" -> Priority.URGENT;
            default -> null;
        };
    }

    /** A comment; a null author leaves Zendesk to use the API user (internal notes). */
    static ObjectNode comment(String body, boolean isPublic, Long authorId, List<String> uploads) {
        ObjectNode comment = DeskHttp.JSON.createObjectNode().put("body", body).put("public", isPublic);
        if (authorId != null) {
            comment.put("author_id", authorId);
        }
        if (!uploads.isEmpty()) {
            ArrayNode tokens = comment.putArray("uploads");
            uploads.forEach(tokens::add);
        }
        return comment;
    }

    /** A new ticket for the conversation; {@code followUpOf} names the closed ticket it follows, or is null. */
    static ObjectNode newTicket(DeskDelivery d, long requesterId, ObjectNode comment, String followUpOf,
                                Collection<String> messageIds) {
        return newTicket(d, requesterId, comment, followUpOf, messageIds, null);
    }

    /** {@code groupId}: the route's group for the ticket ({@code group_id}), or null for Zendesk's default. */
    static ObjectNode newTicket(DeskDelivery d, long requesterId, ObjectNode comment, String followUpOf,
                                Collection<String> messageIds, Long groupId) {
        ObjectNode ticket = DeskHttp.JSON.createObjectNode()
                .put("subject", TicketText.subject(d))
                .put("requester_id", requesterId)
                .put("external_id", d.conversation().id())
                .put("priority", priority(d.message().priority()));
        if (groupId != null) {
            ticket.put("group_id", groupId);
        }
        ticket.set("comment", comment);
        ArrayNode tags = ticket.putArray("tags");
        TicketText.tags(d).forEach(tags::add);
        if (followUpOf != null) {
            ticket.put("via_followup_source_id", Long.parseLong(followUpOf));
        }
        ticket.set("metadata", metadata(messageIds));
        return ticket;
    }

    /** A ticket update adding one comment, with the hub message ids in the audit's custom metadata. */
    static ObjectNode commentUpdate(ObjectNode comment, Collection<String> messageIds) {
        return commentUpdate(comment, messageIds, null);
    }

    /**
     * A ticket update adding one comment and, when {@code raiseTo} is not null, raising the ticket's priority in the
     * same update (one update of the ticket's budget, and the comment and its priority land together).
     */
    static ObjectNode commentUpdate(ObjectNode comment, Collection<String> messageIds, Priority raiseTo) {
        ObjectNode ticket = DeskHttp.JSON.createObjectNode();
        if (raiseTo != null) {
            ticket.put("priority", priority(raiseTo));
        }
        ticket.set("comment", comment);
        ticket.set("metadata", metadata(messageIds));
        return ticket;
    }

    private static ObjectNode metadata(Collection<String> messageIds) {
        return DeskHttp.JSON.createObjectNode().put(MESSAGE_IDS, String.join(",", messageIds));
    }
}
