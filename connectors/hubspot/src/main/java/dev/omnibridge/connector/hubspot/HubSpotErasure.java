package dev.omnibridge.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.spi.RequesterErasure;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Erases a customer from HubSpot. The tickets of the customer's conversations are deleted first
 * ({@code DELETE /crm/v3/objects/tickets/{id}}: HubSpot archives them and removes them for good after 90 days; it has
 * no GDPR deletion for tickets, whose content and notes carry the customer's messages); then the contact goes by
 * HubSpot's GDPR deletion ({@code POST /crm/v3/objects/contacts/gdpr-delete}), which permanently deletes it with its
 * associated content. 404 means already gone, so a resumed erasure repeats the calls harmlessly. The contact is the
 * one the hub remembers as the requester, else the one with the hub contact id property, else the one with the
 * customer's email address (HubSpot's unique key: the customer's own record).
 */
final class HubSpotErasure {
    private final HubSpotApi api;
    private final HubSpotSettings settings;

    HubSpotErasure(HubSpotApi api, HubSpotSettings settings) {
        this.api = api;
        this.settings = settings;
    }

    RequesterErasure.Outcome erase(RequesterErasure request) throws DeskApiException, InterruptedException {
        int tickets = 0;
        for (String ticketId : request.ticketRefs()) {
            tickets += api.archive("tickets", ticketId) ? 1 : 0;
        }
        Set<String> contacts = contacts(request);
        int erased = 0;
        for (String id : contacts) {
            erased += api.gdprDeleteContact(id) ? 1 : 0;
        }
        if (erased == 0 && tickets == 0) {
            return RequesterErasure.Outcome.notFound(contacts.isEmpty()
                    ? "no HubSpot contact is known for the customer" : "the HubSpot contact was already erased");
        }
        return RequesterErasure.Outcome.erased(erased + " contact(s) GDPR-deleted; " + tickets + " of "
                + request.ticketRefs().size() + " ticket(s) deleted (HubSpot removes them for good after 90 days)");
    }

    private Set<String> contacts(RequesterErasure request) throws DeskApiException, InterruptedException {
        Set<String> ids = new LinkedHashSet<>();
        if (request.requesterRef() != null && !request.requesterRef().isBlank()) {
            ids.add(request.requesterRef());
            return ids;
        }
        idOf(api.byUniqueProperty("contacts", settings.contactIdProperty(), request.contactId())).ifPresent(ids::add);
        for (Address a : request.addresses()) {
            if (a.kind() == AddressKind.EMAIL) {
                idOf(api.byUniqueProperty("contacts", "email", a.value())).ifPresent(ids::add);
            }
        }
        return ids;
    }

    private static Optional<String> idOf(Optional<JsonNode> contact) {
        return contact.map(c -> c.path("id").asText("")).filter(id -> !id.isBlank());
    }
}
