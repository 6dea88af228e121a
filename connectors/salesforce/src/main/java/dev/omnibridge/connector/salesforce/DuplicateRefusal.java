package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A save refused by an org's duplicate rule: HTTP 400 with the REST error array, one element with
 * {@code errorCode DUPLICATES_DETECTED} and the DuplicateError's {@code duplicateResult} (duplicateRule,
 * matchResults[].matchRecords[].record.Id). Answers from real orgs spell that key {@code duplicateResut}; both
 * spellings are read.
 *
 * @param rule       the duplicate rule's API name, e.g. Standard_Contact_Duplicate_Rule
 * @param matchedIds the records the rule matched, Salesforce ids only
 */
record DuplicateRefusal(String rule, List<String> matchedIds) {
    static final String CODE = "DUPLICATES_DETECTED";
    /** Salesforce record ids are 15 or 18 letters and digits; anything else never reaches a query. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?");

    static Optional<DuplicateRefusal> of(DeskApiException e) {
        JsonNode body = e.body();
        if (e.status() != 400 || body == null || !body.isArray()) {
            return Optional.empty();
        }
        for (JsonNode error : body) {
            if (!CODE.equals(error.path("errorCode").asText())) {
                continue;
            }
            JsonNode result = error.has("duplicateResult") ? error.path("duplicateResult")
                    : error.path("duplicateResut");
            List<String> ids = new ArrayList<>();
            for (JsonNode match : result.path("matchResults")) {
                for (JsonNode record : match.path("matchRecords")) {
                    String id = record.path("record").path("Id").asText("");
                    if (ID.matcher(id).matches() && !ids.contains(id)) {
                        ids.add(id);
                    }
                }
            }
            return Optional.of(new DuplicateRefusal(result.path("duplicateRule").asText("a duplicate rule"),
                    List.copyOf(ids)));
        }
        return Optional.empty();
    }
}
