package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.salesforce.Fixtures.CASE;
import static dev.omnibridge.connector.salesforce.Fixtures.DATA;
import static dev.omnibridge.connector.salesforce.Fixtures.json;

/**
 * A customer who writes from a phone is matched to the Contact that already holds the number, however Salesforce
 * stored it. Search answers are shaped from the REST reference ("Search for a String",
 * developer.salesforce.com/docs/platform/api-rest/guide/dome-search.html: {@code {"searchRecords":[{attributes, Id,
 * ...}]}}); Salesforce keeps phone numbers as typed and formats 10-digit numbers of US/Canada users as
 * {@code (415) 555-1212} (help.salesforce.com article 000385963).
 */
class ContactMatchingTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String SEARCH = DATA + "/search/";
    static final String CASE_UPSERT = DATA + "/sobjects/Case/Omnibridge_Conversation_Id__c/conv-sms-1";
    static final String CONTACT_UPSERT = DATA + "/sobjects/Contact/Omnibridge_Contact_Id__c/contact-sms";

    private SalesforceConnector connector;

    private void start(Map<String, Object> extra) throws Exception {
        connector = Fixtures.started(wm, extra);
        // What the connector did before: an exact text comparison that misses formatted numbers.
        Fixtures.stubQuery(wm, "FROM Contact WHERE Phone", "");
        wm.stubFor(patch(urlEqualTo(CONTACT_UPSERT)).willReturn(json(201, Fixtures.upserted("003HUBMADE", true))));
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).willReturn(json(201, Fixtures.upserted(CASE, true))));
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    /** An SMS customer known only by an E.164 number. */
    static DeskDelivery smsOpening(String e164) {
        ChannelRef sms = new ChannelRef("twilio-sms", "sms");
        Conversation c = new Conversation("conv-sms-1", sms, "sms-thread", "contact-sms", Address.phone(e164),
                ConversationStatus.OPEN, Map.of(), Instant.now());
        Message m = Message.builder().id("msg-sms-1").direction(Direction.INBOUND).channel(sms)
                .channelMessageId("SM1").threadKey("sms-thread").conversationId("conv-sms-1")
                .author(Author.customer("Bo Chen", Address.phone(e164))).text("Is my order on its way?")
                .priority(Priority.NORMAL).attachments(List.of()).receivedAt(Instant.now()).build();
        return new DeskDelivery(m, c, new Contact("contact-sms", "Bo Chen", List.of(Address.phone(e164))), null,
                "omnibridge-msg-sms-1-sf");
    }

    static String searchResult(String... records) {
        return "{\"searchRecords\":[" + String.join(",", records) + "]}";
    }

    static String contact(String id, String phoneField, String value) {
        return "{\"attributes\":{\"type\":\"Contact\",\"url\":\"" + DATA + "/sobjects/Contact/" + id + "\"},"
                + "\"Id\":\"" + id + "\",\"" + phoneField + "\":\"" + value + "\"}";
    }

    private void stubSearch(String body) {
        wm.stubFor(get(urlPathEqualTo(SEARCH)).withQueryParam("q", containing("IN PHONE FIELDS"))
                .willReturn(json(200, body)));
    }

    private void verifyCaseContact(String contactId) {
        wm.verify(patchRequestedFor(urlEqualTo(CASE_UPSERT))
                .withRequestBody(matchingJsonPath("$.ContactId", equalTo(contactId))));
    }

    @Test
    void contactStoredAsUsFormattedNumberIsFoundByTheCustomersE164Number() throws Exception {
        start(Map.of());
        stubSearch(searchResult(contact("003FORMATTED", "Phone", "(415) 555-1212")));

        connector.deliver(smsOpening("+14155551212"));

        verifyCaseContact("003FORMATTED");
        wm.verify(exactly(0), patchRequestedFor(urlEqualTo(CONTACT_UPSERT)));
    }

    @Test
    void searchAsksSalesforceForTheNumbersDigitsInPhoneFieldsOfContacts() throws Exception {
        start(Map.of());
        stubSearch(searchResult());

        connector.deliver(smsOpening("+14155551212"));

        wm.verify(getRequestedFor(urlPathEqualTo(SEARCH)).withQueryParam("q", equalTo(
                "FIND {4155551212 OR 14155551212} IN PHONE FIELDS RETURNING "
                        + "Contact(Id, Phone, MobilePhone, HomePhone, OtherPhone ORDER BY CreatedDate ASC LIMIT 50)")));
    }

    @Test
    void mobileNumberWrittenWithSpacesAndCountryCodeMatches() throws Exception {
        start(Map.of());
        stubSearch(searchResult(contact("003OTHER", "Phone", "+44 20 7946 0000"),
                contact("003MOBILE", "MobilePhone", "+44 7700 900123")));

        connector.deliver(smsOpening("+447700900123"));

        verifyCaseContact("003MOBILE");
    }

    @Test
    void numberStoredWithoutCountryCodeIsReadInThePhoneRegion() throws Exception {
        start(Map.of("phoneRegion", "GB"));
        stubSearch(searchResult(contact("003NATIONAL", "MobilePhone", "07700 900123")));

        connector.deliver(smsOpening("+447700900123"));

        verifyCaseContact("003NATIONAL");
    }

    @Test
    void dottedUsNumberMatchesWithTheDefaultRegion() throws Exception {
        start(Map.of());
        stubSearch(searchResult(contact("003DOTTED", "Phone", "415.555.1212")));

        connector.deliver(smsOpening("+14155551212"));

        verifyCaseContact("003DOTTED");
    }

    @Test
    void searchHitWithAnotherNumberIsNotTakenForTheCustomer() throws Exception {
        start(Map.of());
        // SOSL matches tokens: a hit is only a candidate until its number equals the customer's in E.164.
        stubSearch(searchResult(contact("003NEIGHBOUR", "Phone", "(415) 555-1213"),
                contact("003GARBAGE", "Phone", "call reception")));

        connector.deliver(smsOpening("+14155551212"));

        verifyCaseContact("003HUBMADE");
        wm.verify(exactly(1), patchRequestedFor(urlEqualTo(CONTACT_UPSERT)));
    }
}
