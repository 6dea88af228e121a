package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.spi.RequesterErasure;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Erases a customer from Freshdesk with its GDPR deletion, "Permanently Delete a Contact"
 * ({@code DELETE /api/v2/contacts/{id}/hard_delete?force=true}, 204): Freshdesk then removes the contact with its
 * tickets, notes and satisfaction ratings; {@code force=true} because the contact was not soft-deleted first. A
 * contact already gone answers 404, so a resumed erasure repeats the call harmlessly. The contact is the one the hub
 * remembers as the requester, else (for requesters made before the hub remembered them) the contact found by the
 * customer's number as {@link Requesters} finds it: by phone, else mobile, and only one without an email address.
 * Freshdesk lists contacts by email, phone and mobile only, so a requester keyed by the hub contact id alone
 * ({@code unique_external_id}) can be erased only when the hub remembers it.
 */
final class FreshdeskErasure {
    private final FreshdeskApi api;

    FreshdeskErasure(FreshdeskApi api) {
        this.api = api;
    }

    RequesterErasure.Outcome erase(RequesterErasure request) throws DeskApiException, InterruptedException {
        Set<Long> ids = new LinkedHashSet<>();
        if (request.requesterRef() != null && request.requesterRef().matches("\\d+")) {
            ids.add(Long.parseLong(request.requesterRef()));
        } else {
            for (Address a : request.addresses()) {
                if (a.kind() == AddressKind.PHONE) {
                    byNumber(a.value()).ifPresent(ids::add);
                }
            }
        }
        if (ids.isEmpty()) {
            return RequesterErasure.Outcome.notFound("no Freshdesk contact is known for the customer");
        }
        int erased = 0;
        for (long id : ids) {
            erased += api.hardDeleteContact(id) ? 1 : 0;
        }
        return erased == 0
                ? RequesterErasure.Outcome.notFound("the Freshdesk contact was already erased")
                : RequesterErasure.Outcome.erased(erased + " contact(s) permanently deleted with their tickets");
    }

    private Optional<Long> byNumber(String e164) throws DeskApiException, InterruptedException {
        Optional<JsonNode> found = api.findContact("phone", e164);
        if (found.isEmpty()) {
            found = api.findContact("mobile", e164);
        }
        return found.filter(c -> c.path("email").asText("").isBlank() && c.path("other_emails").isEmpty())
                .map(c -> c.path("id").asLong()).filter(id -> id > 0);
    }
}
