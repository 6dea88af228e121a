package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.testkit.TestWebhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.salesforce.Fixtures.CASE;
import static dev.omnibridge.connector.salesforce.Fixtures.CONV;
import static dev.omnibridge.connector.salesforce.Fixtures.DATA;
import static dev.omnibridge.connector.salesforce.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub delivers agents' replies through the customer's own channel, so Salesforce must not mail the customer as
 * well. Salesforce emails a Case's contact on a comment when the org enables "Case Comment Notification to Contacts"
 * and the comment asks for it ({@code CaseComment.IsNotificationSelected}, Create/Defaulted on create/Update, object
 * reference), and auto-response rules and flows mail the contact's {@code Email}. REST has no counterpart of the SOAP
 * EmailHeader (its documented request headers are Assignment Rule, Call Options, Compression, Conditional, Duplicate
 * Rule, MRU, Package Version, Query Options): what the hub controls is that its comments never ask for a
 * notification and that the Contacts it creates carry no address to mail.
 */
class CustomerNotificationTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String CASE_UPSERT = DATA + "/sobjects/Case/Omnibridge_Conversation_Id__c/" + CONV;
    static final String CONTACT_UPSERT = DATA + "/sobjects/Contact/Omnibridge_Contact_Id__c/contact-42";
    static final String SECRET = "hint-secret";

    private SalesforceConnector connector;

    private void start(Map<String, Object> extra) throws Exception {
        connector = Fixtures.started(wm, extra);
        Fixtures.stubQuery(wm, "FROM Contact WHERE", "");
        wm.stubFor(get(urlPathEqualTo(DATA + "/search/")).willReturn(json(200, "{\"searchRecords\":[]}")));
        wm.stubFor(patch(urlEqualTo(CONTACT_UPSERT)).willReturn(json(201, Fixtures.upserted("003HUB", true))));
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).willReturn(json(201, Fixtures.upserted(CASE, true))));
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment"))
                .willReturn(json(201, "{\"id\":\"00aHUB\",\"success\":true,\"errors\":[]}")));
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    @Test
    void contactTheHubCreatesHasNoEmailForSalesforceToMail() throws Exception {
        start(Map.of());

        connector.deliver(Fixtures.opening("Hello"));

        wm.verify(patchRequestedFor(urlEqualTo(CONTACT_UPSERT))
                .withRequestBody(matchingJsonPath("$.LastName", equalTo("Lee")))
                .withRequestBody(matchingJsonPath("$.Phone", equalTo("+447700900123")))
                .withRequestBody(matchingJsonPath("$.Email", absent())));
    }

    @Test
    void contactEmailsSettingPutsTheAddressOnTheContactForOrgsThatWantIt() throws Exception {
        start(Map.of("contactEmails", true));

        connector.deliver(Fixtures.opening("Hello"));

        wm.verify(patchRequestedFor(urlEqualTo(CONTACT_UPSERT))
                .withRequestBody(matchingJsonPath("$.Email", equalTo("ann@example.com"))));
    }

    @Test
    void caseCarriesNoWebEmailForAutoResponseRules() throws Exception {
        start(Map.of());

        connector.deliver(Fixtures.opening("Hello"));

        wm.verify(patchRequestedFor(urlEqualTo(CASE_UPSERT))
                .withRequestBody(matchingJsonPath("$.SuppliedEmail", absent())));
    }

    @Test
    void customersCommentsNeverAskSalesforceToNotifyTheContact() throws Exception {
        start(Map.of());

        connector.deliver(Fixtures.followUp(
                Fixtures.message("Any news?", Direction.INBOUND, Priority.NORMAL, List.of()), "omnibridge-msg-2-sf"));
        connector.deliver(Fixtures.followUp(
                Fixtures.message("Reply was not delivered", Direction.INTERNAL, Priority.NORMAL, List.of()),
                "omnibridge-msg-3-sf"));

        wm.verify(2, postRequestedFor(urlEqualTo(DATA + "/sobjects/CaseComment"))
                .withRequestBody(matchingJsonPath("$.IsNotificationSelected", equalTo("false"))));
    }

    @Test
    void oneAgentCommentOnTheHubsCaseIsOneReplyForTheCustomer() throws Exception {
        start(Map.of());
        connector.deliver(Fixtures.opening("Where is my parcel?"));
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE Parent.", RepliesTest.comment("00aAGENT1",
                "It ships tomorrow.", true, "005ALICE", "Standard", "2099-11-23T19:20:05.000+0000"));
        Fixtures.stubQuery(wm, "FROM Case WHERE", "");

        Inbound in = connector.onWebhook(TestWebhooks.signedPost("sf", SECRET, hint())).inbound();

        assertThat(in.replies()).extracting(DeskReply::replyId, DeskReply::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("00aAGENT1", "It ships tomorrow."));
        // The only customer address Salesforce was given is none: the reply reaches the customer through the hub.
        wm.verify(patchRequestedFor(urlEqualTo(CONTACT_UPSERT)).withRequestBody(matchingJsonPath("$.Email", absent())));
    }

    private static String hint() {
        return "{\"caseIds\":[\"" + CASE + "\"],\"sentAt\":\"" + Instant.now() + "\"}";
    }
}
