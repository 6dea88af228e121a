package dev.omnibridge.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zendesk emails a requester who has an email identity whenever a public comment is added (the standard trigger
 * "Notify requester and CCs of comment update"; on creation "... of received request"), and its system rules
 * suppress that action for requester profiles without an email address
 * (https://support.zendesk.com/hc/en-us/articles/4408843347866). The hub sends every agent reply through the
 * customer's own channel, so the requester it creates must have no email identity, or the customer is answered
 * twice (email) or gets an extra email (other channels).
 */
class CustomerNotificationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private ZendeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        Fixture.stubApiUserAndRequester(zd);
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("{\"tickets\":[],\"count\":0}")));
        zd.stubFor(post("/api/v2/tickets").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ticket\":{\"id\":77,\"status\":\"new\",\"external_id\":\"conv-1\"},"
                        + "\"audit\":{\"events\":[{\"id\":9001,\"type\":\"Comment\"}]}}")));
        FakeConnectorContext ctx = Fixture.context(Fixture.settings(zd.baseUrl()));
        connector = new ZendeskConnector();
        connector.start(ctx);
    }

    private JsonNode requesterSent() throws Exception {
        return JSON.readTree(zd.findAll(postRequestedFor(urlEqualTo("/api/v2/users/create_or_update")))
                .get(0).getBodyAsString()).path("user");
    }

    private static DeskDelivery delivery(Contact contact) {
        Message m = Fixture.message("msg-1", "My parcel is late", Direction.INBOUND, List.of());
        DeskDelivery d = Fixture.delivery(m, null);
        return new DeskDelivery(m, d.conversation(), contact, null, d.idempotencyKey());
    }

    @Test
    void anEmailCustomersRequesterHasNoEmailIdentitySoZendeskDoesNotMailTheAgentsReplyAsWell() throws Exception {
        connector.deliver(delivery(new Contact("contact-1", "Ann Example", List.of(Address.email("ann@example.com")))));

        JsonNode user = requesterSent();
        assertThat(user.has("email")).as("an email identity makes Zendesk's triggers mail the customer").isFalse();
        assertThat(user.path("external_id").asText()).as("matched by the hub contact id instead")
                .isEqualTo("contact-1");
        assertThat(user.path("details").asText()).as("the address stays visible to agents")
                .contains("ann@example.com");
    }

    @Test
    void aPhoneCustomerKeepsThePhoneAndGetsNoEmailIdentity() throws Exception {
        connector.deliver(delivery(new Contact("contact-1", "Ann Example",
                List.of(Address.email("ann@example.com"), Address.phone("+14155550100")))));

        JsonNode user = requesterSent();
        assertThat(user.has("email")).isFalse();
        assertThat(user.path("phone").asText()).isEqualTo("+14155550100");
    }
}
