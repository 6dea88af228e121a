package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.RequesterErasure;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
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
import static dev.omnibridge.connector.salesforce.Fixtures.DATA;
import static dev.omnibridge.connector.salesforce.Fixtures.QUERY;
import static dev.omnibridge.connector.salesforce.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One customer, one Salesforce Contact (the hub's requester memory), and the erasure that only an instance with
 * {@code eraseContacts} performs. Deletions follow the REST API Developer Guide, "Delete a Record"
 * ({@code DELETE /services/data/vXX.X/sobjects/{object}/{id}}, 204 without a body) and its status codes (404 with
 * {@code ENTITY_IS_DELETED} for a record already deleted).
 */
class SalesforceRequestersTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String CASE_UPSERT = DATA + "/sobjects/Case/Omnibridge_Conversation_Id__c/" + Fixtures.CONV;
    private static final String CONTACT_UPSERT = DATA + "/sobjects/Contact/Omnibridge_Contact_Id__c/contact-42";

    private SalesforceConnector connector;
    private FakeConnectorContext ctx;

    private void start(Map<String, Object> extra) throws Exception {
        Fixtures.stubToken(wm);
        Map<String, Object> s = Fixtures.settings(wm);
        s.putAll(extra);
        ctx = Fixtures.context(s);
        connector = new SalesforceConnector();
        connector.start(ctx);
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    @Test
    void theContactTheHubRemembersIsTheCasesContactWithoutLookingUpOrUpserting() throws Exception {
        start(Map.of());
        ctx.requesters().remember("contact-42", "003REMEMBERED");
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).willReturn(json(201, Fixtures.upserted(CASE, true))));

        connector.deliver(Fixtures.opening("Hello"));

        wm.verify(exactly(0), patchRequestedFor(urlEqualTo(CONTACT_UPSERT)));
        wm.verify(exactly(0), getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q",
                com.github.tomakehurst.wiremock.client.WireMock.containing("FROM Contact")));
        wm.verify(patchRequestedFor(urlEqualTo(CASE_UPSERT))
                .withRequestBody(matchingJsonPath("$.ContactId", equalTo("003REMEMBERED"))));
    }

    @Test
    void theFoundContactIsRemembered() throws Exception {
        start(Map.of());
        Fixtures.stubQuery(wm, "FROM Contact WHERE Email", "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003EXISTING\"}");
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).willReturn(json(201, Fixtures.upserted(CASE, true))));

        connector.deliver(Fixtures.opening("Hello"));

        assertThat(ctx.requesters().remembered()).containsEntry("contact-42", "003EXISTING");
    }

    @Test
    void withoutEraseContactsTheErasureIsUnsupportedAndDeletesNothing() throws Exception {
        start(Map.of());

        RequesterErasure.Outcome outcome = connector.eraseRequester(new RequesterErasure("contact-42", "003C",
                List.of(Address.email("ann@example.com")), List.of(CASE)));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.UNSUPPORTED);
        assertThat(outcome.detail()).contains("eraseContacts");
        assertThat(wm.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> r.getMethod().getName().equals("DELETE"))).isEmpty();
    }

    @Test
    void withEraseContactsTheCasesThenTheRememberedContactAreDeleted() throws Exception {
        start(Map.of("eraseContacts", true));
        wm.stubFor(delete(DATA + "/sobjects/Case/" + CASE).willReturn(aResponse().withStatus(204)));
        wm.stubFor(delete(DATA + "/sobjects/Contact/003C").willReturn(aResponse().withStatus(204)));

        RequesterErasure.Outcome outcome = connector.eraseRequester(new RequesterErasure("contact-42", "003C",
                List.of(), List.of(CASE)));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.ERASED);
        List<String> deletes = wm.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> r.getMethod().getName().equals("DELETE")).map(r -> r.getUrl()).toList();
        assertThat(deletes).containsExactly(DATA + "/sobjects/Case/" + CASE, DATA + "/sobjects/Contact/003C");
    }

    @Test
    void withoutARememberedContactTheOneWithTheHubContactIdIsDeleted() throws Exception {
        start(Map.of("eraseContacts", true));
        Fixtures.stubQuery(wm, "FROM Contact WHERE Omnibridge_Contact_Id__c = 'contact-42'",
                "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003HUB\"}");
        wm.stubFor(delete(DATA + "/sobjects/Contact/003HUB").willReturn(aResponse().withStatus(204)));

        RequesterErasure.Outcome outcome = connector.eraseRequester(new RequesterErasure("contact-42", null,
                List.of(), List.of()));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.ERASED);
        wm.verify(deleteRequestedFor(urlEqualTo(DATA + "/sobjects/Contact/003HUB")));
    }

    @Test
    void recordsAlreadyDeletedAreNotFound() throws Exception {
        start(Map.of("eraseContacts", true));
        String deleted = "[{\"errorCode\":\"ENTITY_IS_DELETED\",\"message\":\"entity is deleted\",\"fields\":[]}]";
        wm.stubFor(delete(DATA + "/sobjects/Case/" + CASE).willReturn(json(404, deleted)));
        wm.stubFor(delete(DATA + "/sobjects/Contact/003C").willReturn(json(404, deleted)));

        RequesterErasure.Outcome outcome = connector.eraseRequester(new RequesterErasure("contact-42", "003C",
                List.of(), List.of(CASE)));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.NOT_FOUND);
    }

    @Test
    void aRefusedDeletionIsPermanentAndSaysWhatSalesforceAnswered() throws Exception {
        start(Map.of("eraseContacts", true));
        wm.stubFor(delete(DATA + "/sobjects/Contact/003C").willReturn(json(400,
                "[{\"errorCode\":\"DELETE_FAILED\",\"message\":\"Your attempt to delete the contact could not be "
                        + "completed\",\"fields\":[]}]")));

        DeliveryException e = catchThrowableOfType(() -> connector.eraseRequester(new RequesterErasure(
                "contact-42", "003C", List.of(), List.of())), DeliveryException.class);

        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("DELETE_FAILED").doesNotContain(Fixtures.TOKEN);
    }
}
