package dev.omnibridge.connector.hubspot;

import dev.omnibridge.model.Priority;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.hubspot.Fixture.CONTACT_BY_EMAIL;
import static dev.omnibridge.connector.hubspot.Fixture.NOTES_OF_TICKET;
import static dev.omnibridge.connector.hubspot.Fixture.TICKET_BY_CONV;
import static dev.omnibridge.connector.hubspot.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubSpotOutboundTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();


    @Test
    void firstMessageFindsTheContactByEmailAndCreatesATicketAssociatedWithIt() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).willReturn(json(404, "{\"status\":\"error\"}")));
        api.stubFor(get(urlEqualTo(CONTACT_BY_EMAIL)).willReturn(json(200, "{\"id\":\"501\",\"properties\":{}}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/tickets")).willReturn(json(201, "{\"id\":\"9001\"}")));

        DeskResult result = f.connector.deliver(Fixture.delivery(Fixture.message("My order is late")
                .priority(Priority.HIGH).build(), Fixture.ann(), "conv-1", null, "key-1"));

        assertThat(result.ticketRef()).isEqualTo("9001");
        assertThat(result.itemId()).isNull();
        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/tickets"))
                .withHeader("Authorization", equalTo("Bearer " + Fixture.TOKEN))
                .withRequestBody(equalToJson("""
                        {"properties":{"subject":"My order is late","content":"My order is late",
                          "hs_pipeline":"0","hs_pipeline_stage":"1","hs_ticket_priority":"HIGH",
                          "omnibridge_conversation_id":"conv-1",
                          "omnibridge_tags":"omnibridge;channel-webhook-channel;lang-en"},
                         "associations":[{"to":{"id":"501"},
                          "types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":16}]}]}""")));
        api.verify(0, postRequestedFor(urlEqualTo("/crm/v3/objects/contacts")));
    }

    @Test
    void aMissingContactIsCreatedWithNameAndEmail() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).willReturn(json(404, "{}")));
        api.stubFor(get(urlEqualTo(CONTACT_BY_EMAIL)).willReturn(json(404, "{}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/contacts")).willReturn(json(201, "{\"id\":\"502\"}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/tickets")).willReturn(json(201, "{\"id\":\"9001\"}")));

        f.connector.deliver(Fixture.delivery(Fixture.message("Hello").build(), Fixture.ann(), "conv-1", null, "k"));

        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/contacts")).withRequestBody(equalToJson(
                "{\"properties\":{\"firstname\":\"Ann\",\"lastname\":\"Lee\",\"email\":\"ann@example.com\"}}")));
        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/tickets"))
                .withRequestBody(matchingJsonPath("$.associations[0].to.id", equalTo("502"))));
    }

    @Test
    void aCustomerWithoutEmailIsLookedUpByTheHubContactIdPropertyThenPhoneAndCreatedWithIt() {
        Fixture f = new Fixture(api);
        Contact phoneOnly = new Contact("contact-7", "Bo", List.of(new Address(AddressKind.PHONE, "+14155550123")));
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).willReturn(json(404, "{}")));
        api.stubFor(get(urlEqualTo("/crm/v3/objects/contacts/contact-7?idProperty=omnibridge_contact_id&properties=email%2Cphone%2Cmobilephone"))
                .willReturn(json(404, "{}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/contacts/search")).willReturn(json(200,
                "{\"total\":0,\"results\":[]}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/contacts")).willReturn(json(201, "{\"id\":\"503\"}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/tickets")).willReturn(json(201, "{\"id\":\"9001\"}")));

        f.connector.deliver(Fixture.delivery(Fixture.message("Hi").build(), phoneOnly, "conv-1", null, "k"));

        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/contacts/search")).withRequestBody(equalToJson(
                "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"phone\",\"operator\":\"EQ\","
                        + "\"value\":\"+14155550123\"}]}],\"limit\":1}")));
        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/contacts")).withRequestBody(equalToJson(
                "{\"properties\":{\"firstname\":\"Bo\",\"phone\":\"+14155550123\","
                        + "\"omnibridge_contact_id\":\"contact-7\"}}")));
    }

    @Test
    void aRetriedFirstMessageFindsTheTicketByTheConversationIdPropertyAndCreatesNothing() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).willReturn(json(200,
                "{\"id\":\"9001\",\"properties\":{\"omnibridge_conversation_id\":\"conv-1\"}}")));

        DeskResult result = f.connector.deliver(Fixture.delivery(Fixture.message("Hello").build(), Fixture.ann(),
                "conv-1", null, "k"));

        assertThat(result.ticketRef()).isEqualTo("9001");
        api.verify(0, postRequestedFor(urlPathEqualTo("/crm/v3/objects/tickets")));
        api.verify(0, postRequestedFor(urlPathEqualTo("/crm/v3/objects/contacts")));
    }

    @Test
    void aConflictOnTheUniqueConversationIdReadsTheTicketAnEarlierAttemptMade() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).inScenario("c").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(404, "{}")).willSetStateTo("created"));
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).inScenario("c").whenScenarioStateIs("created")
                .willReturn(json(200, "{\"id\":\"9001\"}")));
        api.stubFor(get(urlEqualTo(CONTACT_BY_EMAIL)).willReturn(json(200, "{\"id\":\"501\"}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/tickets")).willReturn(json(409,
                "{\"status\":\"error\",\"message\":\"A ticket with omnibridge_conversation_id conv-1 already exists\","
                        + "\"category\":\"CONFLICT\"}")));

        DeskResult result = f.connector.deliver(Fixture.delivery(Fixture.message("Hello").build(), Fixture.ann(),
                "conv-1", null, "k"));

        assertThat(result.ticketRef()).isEqualTo("9001");
        api.verify(1, postRequestedFor(urlEqualTo("/crm/v3/objects/tickets")));
    }

    @Test
    void aFollowUpBecomesANoteOnTheTicketWithItsFilesUploadedAndLinked() {
        Fixture f = new Fixture(api);
        Attachment file = f.stored("receipt.pdf", "application/pdf", "%PDF-1.4 receipt");
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo("/files/v3/files")).willReturn(json(201, "{\"id\":\"f-77\"}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).willReturn(json(201, "{\"id\":\"n-1\"}")));

        DeskResult result = f.connector.deliver(Fixture.delivery(
                Fixture.message("Here is the receipt").attachments(List.of(file)).build(), Fixture.ann(), "conv-1",
                "9001", "key-2"));

        assertThat(result).isEqualTo(new DeskResult("9001", "n-1"));
        api.verify(postRequestedFor(urlEqualTo("/files/v3/files"))
                .withHeader("Content-Type", containing("multipart/form-data"))
                .withRequestBody(containing("name=\"file\"; filename=\"receipt.pdf\""))
                .withRequestBody(containing("%PDF-1.4 receipt"))
                .withRequestBody(containing("name=\"folderPath\"\r\n\r\n/omnibridge"))
                .withRequestBody(containing("\"access\":\"PRIVATE\"")));
        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/notes"))
                .withRequestBody(matchingJsonPath("$.properties.hs_attachment_ids", equalTo("f-77")))
                .withRequestBody(matchingJsonPath("$.properties.hs_timestamp", equalTo("2026-01-05T10:00:00Z")))
                .withRequestBody(matchingJsonPath("$.properties.hs_note_body", containing("Here is the receipt")))
                .withRequestBody(matchingJsonPath("$.properties.hs_note_body", containing("omnibridge-ref: key-2")))
                .withRequestBody(matchingJsonPath("$.associations[0].to.id", equalTo("9001")))
                .withRequestBody(matchingJsonPath("$.associations[0].types[0].associationTypeId", equalTo("228"))));
    }

    @Test
    void theFirstMessagesFilesGoOnANoteOnTheNewTicket() {
        Fixture f = new Fixture(api);
        Attachment file = f.stored("photo.png", "image/png", "PNG");
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).willReturn(json(404, "{}")));
        api.stubFor(get(urlEqualTo(CONTACT_BY_EMAIL)).willReturn(json(200, "{\"id\":\"501\"}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/tickets")).willReturn(json(201, "{\"id\":\"9001\"}")));
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo("/files/v3/files")).willReturn(json(201, "{\"id\":\"f-1\"}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).willReturn(json(201, "{\"id\":\"n-7\"}")));

        DeskResult result = f.connector.deliver(Fixture.delivery(
                Fixture.message("Broken screen").attachments(List.of(file)).build(), Fixture.ann(), "conv-1", null, "k1"));

        assertThat(result).isEqualTo(new DeskResult("9001", "n-7"));
        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/notes"))
                .withRequestBody(matchingJsonPath("$.properties.hs_attachment_ids", equalTo("f-1")))
                .withRequestBody(matchingJsonPath("$.associations[0].to.id", equalTo("9001"))));
    }

    @Test
    void aRetriedFollowUpFindsItsNoteByTheReferenceLineAndAddsNoSecondOne() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200,
                "{\"results\":[{\"toObjectId\":54,\"associationTypes\":[]},{\"toObjectId\":55}]}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes/batch/read")).willReturn(json(200, """
                {"status":"COMPLETE","results":[
                  {"id":"54","properties":{"hs_note_body":"<p>other</p><p><small>omnibridge-ref: key-1</small></p>"}},
                  {"id":"55","properties":{"hs_note_body":"<p>x</p><p><small>omnibridge-ref: key-2</small></p>"}}]}""")));

        DeskResult result = f.connector.deliver(Fixture.delivery(Fixture.message("again").build(), Fixture.ann(),
                "conv-1", "9001", "key-2"));

        assertThat(result).isEqualTo(new DeskResult("9001", "55"));
        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/notes/batch/read")).withRequestBody(equalToJson(
                "{\"properties\":[\"hs_note_body\"],\"inputs\":[{\"id\":\"54\"},{\"id\":\"55\"}]}")));
        api.verify(0, postRequestedFor(urlEqualTo("/crm/v3/objects/notes")));
    }

    @Test
    void theHubsInternalNoticeBecomesANoteMarkedInternal() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).willReturn(json(201, "{\"id\":\"n-9\"}")));

        f.connector.deliver(Fixture.delivery(Fixture.message("This reply was not delivered to the customer: opted out")
                .direction(Direction.INTERNAL).author(new Author(Role.SYSTEM, "Omnibridge", null))
                .tags(Set.of("delivery-failed")).build(), Fixture.ann(), "conv-1", "9001", "key-3"));

        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/notes")).withRequestBody(matchingJsonPath(
                "$.properties.hs_note_body", containing("Internal note from Omnibridge (not sent to the customer)"))));
    }

    @Test
    void aRateLimitIsRetryableWithHubSpotsRetryAfterAndTheNextAttemptSucceeds() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(429, "{\"status\":\"error\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}")
                        .withHeader("Retry-After", "1")).willSetStateTo("ok"));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(json(201, "{\"id\":\"n-2\"}")));
        var d = Fixture.delivery(Fixture.message("hi").build(), Fixture.ann(), "conv-1", "9001", "key-4");

        assertThatThrownBy(() -> f.connector.deliver(d)).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
        });
        long before = System.nanoTime();
        assertThat(f.connector.deliver(d).itemId()).isEqualTo("n-2");
        // The pacer held the next call until HubSpot's Retry-After had passed.
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThan(Duration.ofMillis(500));
    }

    @Test
    void lockedWhileHubSpotSyncsIsRetryableAndTheNextCallWaitsAtLeastTwoSeconds() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).inScenario("423").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(423, "{\"status\":\"error\",\"message\":\"Locked\"}")).willSetStateTo("ok"));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).inScenario("423").whenScenarioStateIs("ok")
                .willReturn(json(201, "{\"id\":\"n-3\"}")));
        var d = Fixture.delivery(Fixture.message("hi").build(), Fixture.ann(), "conv-1", "9001", "key-5");

        assertThatThrownBy(() -> f.connector.deliver(d)).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isRetryable()).isTrue());
        long before = System.nanoTime();
        assertThat(f.connector.deliver(d).itemId()).isEqualTo("n-3");
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aRefusedTicketIsPermanentAndTheMessageNamesTheProblemWithoutCustomerDataOrToken() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).willReturn(json(404, "{}")));
        api.stubFor(get(urlEqualTo(CONTACT_BY_EMAIL)).willReturn(json(200, "{\"id\":\"501\"}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/tickets")).willReturn(json(400,
                "{\"status\":\"error\",\"message\":\"Property values were not valid: omnibridge_tags does not exist "
                        + "(requester ann@example.com, token " + Fixture.TOKEN + ")\",\"category\":\"VALIDATION_ERROR\"}")));

        assertThatThrownBy(() -> f.connector.deliver(Fixture.delivery(Fixture.message("x").build(), Fixture.ann(),
                "conv-1", null, "k"))).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains("POST /crm/v3/objects/tickets", "400", "omnibridge_tags does not exist")
                    .doesNotContain("ann@example.com").doesNotContain(Fixture.TOKEN);
        });
    }

    @Test
    void aServerErrorIsRetryable() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(502, "{}")));

        assertThatThrownBy(() -> f.connector.deliver(Fixture.delivery(Fixture.message("x").build(), Fixture.ann(),
                "conv-1", "9001", "k"))).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void startFailsWithAClearMessageWhenTheTokenIsRefused() {
        api.stubFor(get(urlEqualTo("/crm/v3/objects/tickets?limit=1")).willReturn(json(401,
                "{\"status\":\"error\",\"category\":\"INVALID_AUTHENTICATION\"}")));
        var context = new FakeConnectorContext("hubspot", new HubSpotType().config(), Map.of(
                "accessToken", Fixture.TOKEN, "clientSecret", "s", "baseUrl", api.baseUrl()));

        assertThatThrownBy(() -> new HubSpotConnector().start(context))
                .hasMessageContaining("HubSpot refused the access token (HTTP 401)")
                .hasMessageNotContaining(Fixture.TOKEN);
        api.verify(getRequestedFor(urlEqualTo("/crm/v3/objects/tickets?limit=1"))
                .withHeader("Authorization", equalTo("Bearer " + Fixture.TOKEN)));
    }
}
