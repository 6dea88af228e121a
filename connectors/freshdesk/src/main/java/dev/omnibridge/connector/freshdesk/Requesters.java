package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.TicketText;
import dev.omnibridge.model.Contact;
import dev.omnibridge.spi.DeskDelivery;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds or creates the Freshdesk contact for the hub's customer: by email, else by phone (Freshdesk keeps phone and
 * mobile apart, so both are tried), else by the hub contact id as {@code unique_external_id} (chat users have
 * neither). Creating relies on Freshdesk's uniqueness: a concurrent creation answers 409 with the existing id.
 */
final class Requesters {
    private final FreshdeskApi api;

    Requesters(FreshdeskApi api) {
        this.api = api;
    }

    long resolve(DeskDelivery d) throws DeskApiException, InterruptedException {
        Contact contact = d.contact();
        Optional<String> email = TicketText.email(contact);
        Optional<String> phone = TicketText.phone(contact);
        ObjectNode create = DeskHttp.JSON.createObjectNode();
        create.put("name", TicketText.requesterName(d));
        if (email.isPresent()) {
            OptionalLong found = api.findContact("email", email.get());
            if (found.isPresent()) {
                return found.getAsLong();
            }
            // Email only: a phone number already on another contact would make Freshdesk answer 409 with that
            // contact, and the ticket would land on someone else.
            create.put("email", email.get());
        } else if (phone.isPresent()) {
            OptionalLong found = api.findContact("phone", phone.get());
            if (found.isEmpty()) {
                found = api.findContact("mobile", phone.get());
            }
            if (found.isPresent()) {
                return found.getAsLong();
            }
            create.put("phone", phone.get());
        } else {
            // No address Freshdesk can look up: the hub's contact id is the contact's external id, unique in
            // Freshdesk, so a second creation answers 409 naming the first.
            create.put("unique_external_id", contact.id());
        }
        return api.createContact(create);
    }
}
