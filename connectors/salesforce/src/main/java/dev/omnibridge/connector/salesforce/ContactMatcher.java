package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds the Contact that already stands for a customer: by email (SOQL equality on Contact.Email), else by phone
 * number in any format. Salesforce keeps phone numbers as typed, so the phone lookup asks the search index for the
 * number's digits in phone fields (SOSL {@code IN PHONE FIELDS}) and keeps only hits whose number equals the
 * customer's in E.164: a search hit is a candidate, never a match by itself.
 */
final class ContactMatcher {
    /** Contact's standard phone fields. */
    static final List<String> PHONE_FIELDS = List.of("Phone", "MobilePhone", "HomePhone", "OtherPhone");
    private static final int SEARCH_LIMIT = 50;

    private final SalesforceApi api;
    private final PhoneNumbers phones;

    ContactMatcher(SalesforceApi api, PhoneNumbers phones) {
        this.api = api;
        this.phones = phones;
    }

    /** The oldest Contact with the customer's email, else the oldest with the customer's phone number. */
    Optional<String> existing(Optional<String> email, Optional<String> phone)
            throws DeskApiException, InterruptedException {
        if (email.isPresent()) {
            JsonNode records = api.query("SELECT Id FROM Contact WHERE Email = " + Soql.quote(email.get())
                    + " ORDER BY CreatedDate ASC LIMIT 1");
            if (records.size() > 0) {
                return Optional.of(records.get(0).path("Id").asText());
            }
        }
        if (phone.isPresent()) {
            String terms = String.join(" OR ", PhoneNumbers.searchDigits(phone.get()));
            JsonNode hits = api.search("FIND {" + terms + "} IN PHONE FIELDS RETURNING Contact("
                    + String.join(", ", fields(false)) + " ORDER BY CreatedDate ASC LIMIT " + SEARCH_LIMIT + ")");
            for (JsonNode c : hits) {
                if (hasPhone(c, phone.get())) {
                    return Optional.of(c.path("Id").asText());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Of the Contacts a duplicate rule matched, the first that carries the customer's email or phone number: only
     * then is it the same person. A rule that matched on name alone may name someone else, whose record must not
     * receive this customer's conversation.
     */
    Optional<String> sameCustomer(List<String> ids, Optional<String> email, Optional<String> phone)
            throws DeskApiException, InterruptedException {
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        String in = ids.stream().map(Soql::quote).collect(Collectors.joining(", ", "(", ")"));
        JsonNode records = api.query("SELECT " + String.join(", ", fields(true)) + " FROM Contact WHERE Id IN " + in);
        for (String id : ids) {   // in the rule's order, which ranks its matches
            for (JsonNode c : records) {
                if (id.equals(c.path("Id").asText())
                        && (email.isPresent() && email.get().equalsIgnoreCase(c.path("Email").asText(""))
                        || phone.isPresent() && hasPhone(c, phone.get()))) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }

    private boolean hasPhone(JsonNode contact, String customerE164) {
        for (String field : PHONE_FIELDS) {
            if (phones.same(customerE164, contact.path(field).asText(null))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> fields(boolean withEmail) {
        return withEmail ? List.of("Id", "Email", "Phone", "MobilePhone", "HomePhone", "OtherPhone")
                : List.of("Id", "Phone", "MobilePhone", "HomePhone", "OtherPhone");
    }
}
