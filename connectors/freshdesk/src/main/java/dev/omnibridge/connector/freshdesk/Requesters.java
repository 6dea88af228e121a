package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.TicketText;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Contact;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskDelivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds or creates the Freshdesk contact for the hub's customer. Freshdesk mails a contact's email address by itself
 * (an agent's Reply is an email to it, and the requester notifications mail new tickets and public notes), while the
 * hub sends every reply through the customer's own channel; so the contact never gets the email address, which
 * goes into its {@code description} for agents, and is keyed by the hub contact id as {@code unique_external_id}
 * (as for chat users, who have neither email nor phone). Phone customers are looked up by phone, else mobile
 * (Freshdesk keeps them apart). Creating relies on Freshdesk's uniqueness: a repeat or concurrent creation answers
 * 409 naming the existing contact.
 */
final class Requesters {
    /** How an email customer's address appears on the contact (it is not the contact's email). */
    static final String DESCRIPTION_EMAIL = "Email (answered through Omnibridge): ";
    /** How an SMS/WhatsApp customer's number appears when it is on another contact that has an email address. */
    static final String DESCRIPTION_PHONE = "Phone (answered through Omnibridge): ";

    private final FreshdeskApi api;
    private final ConnectorContext ctx;

    Requesters(FreshdeskApi api, ConnectorContext ctx) {
        this.api = api;
        this.ctx = ctx;
    }

    /**
     * The contact's requester: the one the hub remembers for this desk (a customer's second channel, or a contact
     * the hub joined into this one, reuses it), else found or created as below, and remembered.
     */
    long resolve(DeskDelivery d) throws DeskApiException, InterruptedException {
        String contactId = d.contact().id();
        Optional<String> remembered = ctx.requesters().find(contactId).filter(ref -> ref.matches("\\d+"));
        if (remembered.isPresent()) {
            return Long.parseLong(remembered.get());
        }
        long id = findOrCreate(d);
        ctx.requesters().remember(contactId, Long.toString(id));
        return id;
    }

    private long findOrCreate(DeskDelivery d) throws DeskApiException, InterruptedException {
        Contact contact = d.contact();
        Optional<String> email = TicketText.email(contact);
        Optional<String> phone = TicketText.phone(contact);
        ObjectNode create = DeskHttp.JSON.createObjectNode();
        create.put("name", TicketText.requesterName(d));
        if (email.isPresent()) {
            // Not looked up by email: a contact with the address (the customer's own, from mailing Freshdesk
            // directly) would be mailed every reply. Email only, no phone: a phone number already on another
            // contact would make Freshdesk answer 409 with that contact, and the ticket would land on someone else.
            create.put("unique_external_id", contact.id());
            create.put("description", DESCRIPTION_EMAIL + email.get());
        } else if (phone.isPresent()) {
            Optional<JsonNode> found = api.findContact("phone", phone.get());
            if (found.isEmpty()) {
                found = api.findContact("mobile", phone.get());
            }
            if (found.isPresent() && !hasEmail(found.get())) {
                // The customer's existing contact: its other numbers are the same customer's (verified by the desk).
                List<Address> addresses = addressesOf(found.get());
                if (!addresses.isEmpty()) {
                    ctx.requesters().reportAddresses(contact.id(), addresses);
                }
                return found.get().path("id").asLong();
            }
            if (found.isPresent()) {
                // The number is on a contact Freshdesk mails (the customer's own, with an email address): a contact
                // of the hub's instead, without the number, which would make Freshdesk answer 409 with that one.
                create.put("unique_external_id", contact.id());
                create.put("description", DESCRIPTION_PHONE + phone.get());
            } else {
                create.put("phone", phone.get());
            }
        } else {
            // No address Freshdesk can look up: the hub's contact id is the contact's external id, unique in
            // Freshdesk, so a second creation answers 409 naming the first.
            create.put("unique_external_id", contact.id());
        }
        return api.createContact(create);
    }

    /** A Freshdesk contact's {@code phone} and {@code mobile}, in the hub's normal form (invalid ones left out). */
    List<Address> addressesOf(JsonNode contact) {
        List<Address> found = new ArrayList<>();
        for (String field : List.of("phone", "mobile")) {
            String value = contact.path(field).asText("");
            if (!value.isBlank()) {
                ctx.phoneNumber(value).filter(a -> !found.contains(a)).ifPresent(found::add);
            }
        }
        return found;
    }

    private static boolean hasEmail(JsonNode contact) {
        return !contact.path("email").asText("").isBlank() || !contact.path("other_emails").isEmpty();
    }
}
