package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.spi.RequesterErasure;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Erases a customer from Salesforce, only where the instance says so ({@code eraseContacts}; otherwise the erasure
 * reports Salesforce as unsupported and the org erases by its own process). The Cases of the customer's
 * conversations are deleted first (with their CaseComments and EmailMessages), then the Contact the hub used for the
 * customer: the one it remembers, else the one carrying the hub contact id in the contact external id field. REST
 * "Delete a Record" ({@code DELETE /sobjects/{object}/{id}}, 204 without a body); a record already deleted answers
 * 404 ({@code ENTITY_IS_DELETED} or {@code NOT_FOUND}), so a resumed erasure repeats the calls harmlessly. Deleted
 * records stay in the org's Recycle Bin for 15 days before Salesforce removes them.
 */
final class SalesforceErasure {
    private final SalesforceApi api;
    private final SalesforceSettings settings;

    SalesforceErasure(SalesforceApi api, SalesforceSettings settings) {
        this.api = api;
        this.settings = settings;
    }

    RequesterErasure.Outcome erase(RequesterErasure request) throws DeskApiException, InterruptedException {
        if (!settings.eraseContacts()) {
            return RequesterErasure.Outcome.unsupported("eraseContacts is off for this Salesforce instance: "
                    + "erase the customer's Contact and Cases in Salesforce");
        }
        int cases = 0;
        for (String caseId : request.ticketRefs()) {
            cases += delete("Case", caseId) ? 1 : 0;
        }
        Set<String> contacts = contacts(request);
        int erased = 0;
        for (String id : contacts) {
            erased += delete("Contact", id) ? 1 : 0;
        }
        if (erased == 0 && cases == 0) {
            return RequesterErasure.Outcome.notFound(contacts.isEmpty()
                    ? "no Salesforce Contact is known for the customer" : "the Contact was already deleted");
        }
        return RequesterErasure.Outcome.erased(erased + " Contact(s) and " + cases + " of "
                + request.ticketRefs().size() + " Case(s) deleted (in the Recycle Bin for 15 days)");
    }

    private Set<String> contacts(RequesterErasure request) throws DeskApiException, InterruptedException {
        Set<String> ids = new LinkedHashSet<>();
        if (request.requesterRef() != null && !request.requesterRef().isBlank()) {
            ids.add(request.requesterRef());
            return ids;
        }
        for (JsonNode c : api.query("SELECT Id FROM Contact WHERE " + settings.contactIdField() + " = "
                + Soql.quote(request.contactId()) + " LIMIT 10")) {
            String id = c.path("Id").asText("");
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return ids;
    }

    private boolean delete(String object, String id) throws DeskApiException, InterruptedException {
        try {
            api.data("DELETE", "/sobjects/" + object + "/" + SalesforceApi.enc(id), null);
            return true;
        } catch (DeskApiException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }
}
