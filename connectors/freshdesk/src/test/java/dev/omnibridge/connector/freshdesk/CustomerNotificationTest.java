package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Freshdesk emails the requester by itself: an agent's Reply is sent to the requester's email address, and the
 * requester notifications (Admin > Email Notifications) mail new tickets and public notes. The hub sends every agent
 * reply through the customer's own channel, so the contact it creates must have no email address, or an email
 * customer is answered twice. Freshdesk's API has no flag that suppresses these mails per ticket or note.
 */
class CustomerNotificationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FreshdeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1,\"contact\":{\"name\":\"Bot\"}}")));
        // A contact of the customer's own, with the email address, that Freshdesk would mail.
        api.stubFor(get(urlEqualTo("/api/v2/contacts?email=ann%40example.com")).willReturn(okJson("[{\"id\":12}]")));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets").willReturn(okJson("{\"id\":501,\"status\":2}").withStatus(201)));
        connector = new FreshdeskConnector();
        connector.start(Fixture.context(api.baseUrl()));
    }

    @Test
    void anEmailCustomersContactHasNoEmailAddressSoFreshdeskDoesNotMailTheAgentsReplyAsWell() throws Exception {
        api.stubFor(post("/api/v2/contacts").willReturn(okJson("{\"id\":88}").withStatus(201)));

        connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL))));

        JsonNode contact = JSON.readTree(api.findAll(postRequestedFor(urlEqualTo("/api/v2/contacts"))).get(0)
                .getBodyAsString());
        assertThat(contact.has("email")).as("Freshdesk mails a contact's email address").isFalse();
        assertThat(contact.path("unique_external_id").asText()).as("found again by the hub contact id")
                .isEqualTo("contact-42");
        assertThat(contact.path("description").asText()).as("the address stays visible to agents")
                .contains(Fixture.EMAIL);
        assertThat(api.findAll(getRequestedFor(urlEqualTo("/api/v2/contacts?email=ann%40example.com"))))
                .as("the customer's own contact (with the email address) is not used").isEmpty();
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.requester_id", com.github.tomakehurst.wiremock.client.WireMock.equalTo("88"))));
    }

    @Test
    void anSmsCustomerWhoseNumberIsOnAContactWithAnEmailAddressIsNotPutOnThatContact() throws Exception {
        // The customer's own Freshdesk contact has the number and an email address: Freshdesk would mail it.
        api.stubFor(get(urlEqualTo("/api/v2/contacts?phone=%2B4915112345678")).willReturn(okJson(
                "[{\"id\":12,\"name\":\"Ann\",\"email\":\"ann@example.com\",\"phone\":\"+4915112345678\"}]")));
        api.stubFor(post("/api/v2/contacts").willReturn(okJson("{\"id\":89}").withStatus(201)));

        connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.PHONE, "+4915112345678"))));

        JsonNode contact = JSON.readTree(api.findAll(postRequestedFor(urlEqualTo("/api/v2/contacts"))).get(0)
                .getBodyAsString());
        assertThat(contact.has("email")).isFalse();
        assertThat(contact.has("phone")).as("the number would make Freshdesk answer 409 with the mailed contact")
                .isFalse();
        assertThat(contact.path("unique_external_id").asText()).isEqualTo("contact-42");
        assertThat(contact.path("description").asText()).contains("+4915112345678");
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.requester_id", com.github.tomakehurst.wiremock.client.WireMock.equalTo("89"))));
    }

    @Test
    void anSmsCustomerWhoseNumberIsOnAContactWithoutEmailKeepsThatContact() {
        api.stubFor(get(urlEqualTo("/api/v2/contacts?phone=%2B4915112345678")).willReturn(okJson(
                "[{\"id\":13,\"name\":\"Ann\",\"email\":null,\"phone\":\"+4915112345678\"}]")));

        connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.PHONE, "+4915112345678"))));

        assertThat(api.findAll(postRequestedFor(urlEqualTo("/api/v2/contacts")))).isEmpty();
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.requester_id", com.github.tomakehurst.wiremock.client.WireMock.equalTo("13"))));
    }

    @Test
    void theNextConversationOfTheSameEmailCustomerReusesTheContactFreshdeskNamesInItsConflict() {
        api.stubFor(post("/api/v2/contacts").willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"description\":\"Validation failed\",\"errors\":[{\"field\":\"unique_external_id\","
                        + "\"additional_info\":{\"user_id\":88},\"message\":\"It should be a unique value\","
                        + "\"code\":\"duplicate_value\"}]}")));

        connector.deliver(Fixture.opening(Fixture.message("Hi again").build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL))));

        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.requester_id", com.github.tomakehurst.wiremock.client.WireMock.equalTo("88"))));
    }
}
