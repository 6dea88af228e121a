package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.Escalation;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;

import java.util.List;
import java.util.Optional;

/**
 * Raises a ticket's priority for follow-ups classified HIGH or URGENT. Freshdesk's note endpoint takes no priority,
 * so the raise is its own {@code PUT /api/v2/tickets/{id}} with {@code priority}, made just before the note that asks
 * for it: the ticket never shows the raise without the reason following it, and a retry after a failure finds the
 * ticket already raised (it reads the priority first) and only adds the note. A ticket at or above the asked
 * priority is left alone, so the hub never lowers what an agent set. The ticket is read at most once per delivery
 * (or batch), and not at all when no message asks for a raise.
 */
final class PriorityRaise {
    private final FreshdeskApi api;
    private final String ticketId;
    private JsonNode ticket;
    private Priority current;

    /** {@code ticket}: the ticket as the caller read it already, or null when it has not. */
    PriorityRaise(FreshdeskApi api, String ticketId, JsonNode ticket) {
        this.api = api;
        this.ticketId = ticketId;
        this.ticket = ticket;
        this.current = ticket == null ? null : FreshdeskPayloads.priorityOf(ticket.path("priority").asInt(0));
    }

    /** Before the note carrying {@code note}'s messages: raises the ticket when one of them asks for it. */
    void before(List<DeskDelivery> note) throws DeskApiException, InterruptedException {
        Optional<Priority> asked = Escalation.asked(note);
        if (asked.isEmpty()) {
            return;
        }
        if (ticket == null) {
            ticket = api.ticket(ticketId);
            current = FreshdeskPayloads.priorityOf(ticket.path("priority").asInt(0));
        }
        if (!Escalation.raises(current, asked.get())) {
            return;
        }
        api.updateTicket(ticketId, DeskHttp.JSON.createObjectNode()
                .put("priority", FreshdeskPayloads.priority(asked.get())));
        current = asked.get();
    }
}
