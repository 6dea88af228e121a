package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskApiException;

import java.util.ArrayList;
import java.util.List;

/**
 * Every record of a SOQL query, page by page. Salesforce answers at most 2,000 records per request and may answer
 * fewer "based on the size and complexity of records queried" (long text bodies make small pages); the rest comes
 * from {@code nextRecordsUrl} until {@code done} (REST API "Query" and "Query More Results" resources). The locator
 * is only followed when it is this API version's {@code /query/} path, so an answer can't send the token elsewhere.
 */
final class RecordPages {
    private final SalesforceApi api;
    private final String dataPrefix;

    RecordPages(SalesforceApi api, String apiVersion) {
        this.api = api;
        this.dataPrefix = "/services/data/" + apiVersion;
    }

    /** The records of {@code soql} (which must carry its own LIMIT: that bounds the pages read). */
    List<JsonNode> read(String soql) throws DeskApiException, InterruptedException {
        List<JsonNode> records = new ArrayList<>();
        JsonNode page = api.data("GET", "/query?q=" + SalesforceApi.enc(soql), null).body();
        while (true) {
            page.path("records").forEach(records::add);
            if (page.path("done").asBoolean(true)) {
                return records;
            }
            String next = page.path("nextRecordsUrl").asText("");
            if (!next.startsWith(dataPrefix + "/query/") || next.contains("..")) {
                throw new DeskApiException("Salesforce answered a query page without a usable nextRecordsUrl",
                        200, false, null, null);
            }
            page = api.data("GET", next.substring(dataPrefix.length()), null).body();
        }
    }
}
