package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.spi.DeliveryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.salesforce.Fixtures.CASE;
import static dev.omnibridge.connector.salesforce.Fixtures.CONV;
import static dev.omnibridge.connector.salesforce.Fixtures.DATA;
import static dev.omnibridge.connector.salesforce.Fixtures.QUERY;
import static dev.omnibridge.connector.salesforce.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An org's duplicate rules on Contact. The header is the REST "Duplicate Rule Header"
 * (developer.salesforce.com/docs/platform/api-rest/guide/headers-duplicaterules.html, API 52.0+:
 * {@code Sforce-Duplicate-Rule-Header: allowSave=true}); a refused save answers 400 with the REST error array whose
 * element carries the DuplicateError's {@code duplicateResult} (DuplicateResult: allowSave, duplicateRule,
 * duplicateRuleEntityType, errorMessage, matchResults[MatchResult: entityType, errors, matchEngine, matchRecords
 * [MatchRecord: additionalInformation, fieldDiffs, matchConfidence, record], rule, size, success]), as in the SOAP
 * API's DuplicateError/DuplicateResult objects. Answers captured from real orgs spell the key
 * {@code duplicateResut}, so both spellings are served here.
 */
class DuplicateRuleTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String HEADER = "Sforce-Duplicate-Rule-Header";
    static final String CASE_UPSERT = DATA + "/sobjects/Case/Omnibridge_Conversation_Id__c/" + CONV;
    static final String CONTACT_UPSERT = DATA + "/sobjects/Contact/Omnibridge_Contact_Id__c/contact-42";

    private SalesforceConnector connector;

    private void start(Map<String, Object> extra) throws Exception {
        connector = Fixtures.started(wm, extra);
        Fixtures.stubQuery(wm, "FROM Contact WHERE Email", "");
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(DATA + "/search/"))
                .willReturn(json(200, "{\"searchRecords\":[]}")));
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).willReturn(json(201, Fixtures.upserted(CASE, true))));
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    /** The 400 a duplicate rule answers, naming the Contacts it matched. */
    static String duplicatesDetected(String key, boolean allowSave, String... contactIds) {
        StringBuilder records = new StringBuilder();
        for (String id : contactIds) {
            if (records.length() > 0) {
                records.append(',');
            }
            records.append("{\"additionalInformation\":[],\"fieldDiffs\":[],\"matchConfidence\":100.0,\"record\":"
                    + "{\"attributes\":{\"type\":\"Contact\",\"url\":\"" + DATA + "/sobjects/Contact/" + id + "\"},"
                    + "\"Id\":\"" + id + "\"}}");
        }
        return "[{\"" + key + "\":{\"allowSave\":" + allowSave + ",\"duplicateRule\":\"Standard_Contact_Duplicate_Rule\","
                + "\"duplicateRuleEntityType\":\"Contact\",\"errorMessage\":\"Use one of these records?\","
                + "\"matchResults\":[{\"entityType\":\"Contact\",\"errors\":[],\"matchEngine\":\"FuzzyMatchEngine\","
                + "\"matchRecords\":[" + records + "],\"rule\":\"Standard_Contact_Match_Rule_v1_1\",\"size\":"
                + contactIds.length + ",\"success\":true}]},\"errorCode\":\"DUPLICATES_DETECTED\","
                + "\"message\":\"Use one of these records?\"}]";
    }

    private void contactUpsertRefused(String key, boolean allowSave, String... ids) {
        wm.stubFor(patch(urlEqualTo(CONTACT_UPSERT)).willReturn(json(400, duplicatesDetected(key, allowSave, ids))));
    }

    @Test
    void contactUpsertAsksSalesforceToSaveDespiteAlertingDuplicateRules() throws Exception {
        start(Map.of());
        wm.stubFor(patch(urlEqualTo(CONTACT_UPSERT)).willReturn(json(201, Fixtures.upserted("003NEW", true))));

        connector.deliver(Fixtures.opening("Hello"));

        wm.verify(patchRequestedFor(urlEqualTo(CONTACT_UPSERT)).withHeader(HEADER, equalTo("allowSave=true")));
        wm.verify(patchRequestedFor(urlEqualTo(CASE_UPSERT)).withHeader(HEADER, absent()));
    }

    @Test
    void withDuplicateContactsNotAllowedNoHeaderIsSent() throws Exception {
        start(Map.of("allowDuplicateContacts", false));
        wm.stubFor(patch(urlEqualTo(CONTACT_UPSERT)).willReturn(json(201, Fixtures.upserted("003NEW", true))));

        connector.deliver(Fixtures.opening("Hello"));

        wm.verify(patchRequestedFor(urlEqualTo(CONTACT_UPSERT)).withHeader(HEADER, absent()));
    }

    @Test
    void refusedContactIsReplacedByTheMatchedContactWithTheCustomersEmail() throws Exception {
        start(Map.of("allowDuplicateContacts", false));
        contactUpsertRefused("duplicateResut", false, "003Hs00001MATCHED1");
        Fixtures.stubQuery(wm, "FROM Contact WHERE Id IN", "{\"attributes\":{\"type\":\"Contact\"},"
                + "\"Id\":\"003Hs00001MATCHED1\",\"Email\":\"Ann@Example.com\",\"Phone\":null,\"MobilePhone\":null,"
                + "\"HomePhone\":null,\"OtherPhone\":null}");

        assertThat(connector.deliver(Fixtures.opening("Hello")).ticketRef()).isEqualTo(CASE);

        wm.verify(getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", equalTo(
                "SELECT Id, Email, Phone, MobilePhone, HomePhone, OtherPhone FROM Contact WHERE Id IN ('003Hs00001MATCHED1')")));
        wm.verify(patchRequestedFor(urlEqualTo(CASE_UPSERT))
                .withRequestBody(matchingJsonPath("$.ContactId", equalTo("003Hs00001MATCHED1"))));
    }

    @Test
    void blockingRuleMatchOnTheCustomersPhoneIsReusedEvenWithAllowSave() throws Exception {
        start(Map.of());
        contactUpsertRefused("duplicateResult", false, "003Hs00001OTHERPER", "003Hs00001SAMEPHON");
        Fixtures.stubQuery(wm, "FROM Contact WHERE Id IN", String.join(",",
                "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003Hs00001OTHERPER\",\"Email\":\"ann.lee@elsewhere.example\","
                        + "\"Phone\":\"(415) 555-1212\"}",
                "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003Hs00001SAMEPHON\",\"Email\":null,"
                        + "\"MobilePhone\":\"+44 7700 900123\"}"));

        connector.deliver(Fixtures.opening("Hello"));

        wm.verify(patchRequestedFor(urlEqualTo(CASE_UPSERT))
                .withRequestBody(matchingJsonPath("$.ContactId", equalTo("003Hs00001SAMEPHON"))));
    }

    @Test
    void matchOnAnotherPersonFailsWithAnErrorNamingTheRuleAndTheSetting() throws Exception {
        start(Map.of("allowDuplicateContacts", false));
        contactUpsertRefused("duplicateResut", false, "003Hs00001NAMESAKE");
        Fixtures.stubQuery(wm, "FROM Contact WHERE Id IN", "{\"attributes\":{\"type\":\"Contact\"},"
                + "\"Id\":\"003Hs00001NAMESAKE\",\"Email\":\"ann.lee@elsewhere.example\",\"Phone\":\"(415) 555-1212\"}");

        assertThatThrownBy(() -> connector.deliver(Fixtures.opening("Hello")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("Standard_Contact_Duplicate_Rule")
                .hasMessageContaining("allowDuplicateContacts")
                .hasMessageNotContaining("ann@example.com").hasMessageNotContaining("ann.lee@elsewhere.example");
        wm.verify(exactly(0), patchRequestedFor(urlEqualTo(CASE_UPSERT)));
    }

    @Test
    void blockingRuleThatAllowSaveCannotOverrideSaysSoInTheError() throws Exception {
        start(Map.of());
        contactUpsertRefused("duplicateResult", false, "003Hs00001NAMESAKE");
        Fixtures.stubQuery(wm, "FROM Contact WHERE Id IN", "{\"attributes\":{\"type\":\"Contact\"},"
                + "\"Id\":\"003Hs00001NAMESAKE\",\"Email\":\"someone@elsewhere.example\"}");

        assertThatThrownBy(() -> connector.deliver(Fixtures.opening("Hello")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("Standard_Contact_Duplicate_Rule")
                .hasMessageContaining("blocks");
    }

    @Test
    void otherBadRequestsOnTheContactStayPlainPermanentErrors() throws Exception {
        start(Map.of());
        wm.stubFor(patch(urlEqualTo(CONTACT_UPSERT)).willReturn(json(400, "[{\"message\":\"Required fields are "
                + "missing: [LastName]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":[\"LastName\"]}]")));

        assertThatThrownBy(() -> connector.deliver(Fixtures.opening("Hello")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("REQUIRED_FIELD_MISSING");
        wm.verify(exactly(0), getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", containing("WHERE Id IN")));
    }
}
