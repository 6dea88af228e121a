package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.spi.RequesterErasure;

import java.util.ArrayList;
import java.util.List;

/**
 * Erases a customer from Zendesk the way Zendesk documents GDPR deletion: the tickets of the customer's
 * conversations are deleted and then permanently deleted ({@code DELETE /api/v2/tickets/{id}}, then
 * {@code DELETE /api/v2/deleted_tickets/{id}}), unless the instance keeps tickets; then the requester is deleted and
 * permanently deleted ({@code DELETE /api/v2/users/{id}}, then {@code DELETE /api/v2/deleted_users/{id}}): Zendesk
 * allows the permanent deletion only of a deleted user. Every step treats 404 as already done, so an erasure resumed
 * after a crash repeats them harmlessly. The requester is the one the hub remembers, else the users carrying the hub
 * contact id as external_id (the key the connector creates requesters with).
 */
final class ZendeskErasure {
    private final ZendeskApi api;
    private final boolean eraseTickets;

    ZendeskErasure(ZendeskApi api, boolean eraseTickets) {
        this.api = api;
        this.eraseTickets = eraseTickets;
    }

    RequesterErasure.Outcome erase(RequesterErasure request) throws DeskApiException, InterruptedException {
        List<String> done = new ArrayList<>();
        int tickets = 0;
        if (eraseTickets) {
            for (String ticketId : request.ticketRefs()) {
                if (!ticketId.matches("\\d+")) {
                    continue;   // not a Zendesk ticket id: nothing of ours to delete
                }
                boolean deleted = api.deleteTicket(ticketId);
                boolean purged = api.permanentlyDeleteTicket(ticketId);
                tickets += deleted || purged ? 1 : 0;
            }
            done.add(tickets + " of " + request.ticketRefs().size() + " ticket(s) deleted and permanently deleted");
        }
        List<Long> users = requesters(request);
        int erased = 0;
        for (long userId : users) {
            boolean deleted = api.deleteUser(userId);
            boolean purged = api.permanentlyDeleteUser(userId);
            if (deleted || purged) {
                erased++;
                done.add("user " + userId + " deleted and permanently deleted");
            }
        }
        if (erased == 0 && tickets == 0) {
            return RequesterErasure.Outcome.notFound(users.isEmpty()
                    ? "no Zendesk user carries the contact's id" : "the Zendesk user was already erased");
        }
        if (erased == 0) {
            done.add(users.isEmpty() ? "no Zendesk user carries the contact's id" : "the user was already erased");
        }
        return RequesterErasure.Outcome.erased(String.join("; ", done));
    }

    private List<Long> requesters(RequesterErasure request) throws DeskApiException, InterruptedException {
        if (request.requesterRef() != null && request.requesterRef().matches("\\d+")) {
            return List.of(Long.parseLong(request.requesterRef()));
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode user : api.usersByExternalId(request.contactId())) {
            if (request.contactId().equals(user.path("external_id").asText(null)) && user.path("id").asLong() > 0
                    && "end-user".equals(user.path("role").asText("end-user"))) {
                ids.add(user.path("id").asLong());
            }
        }
        return ids;
    }
}
