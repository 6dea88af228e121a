package dev.omnibridge.connector.zendesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Direction;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.FakeDeskRequesters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One customer is one Zendesk requester: the hub's memory of the requester per contact
 * ({@link dev.omnibridge.spi.DeskRequesters}) is asked before create_or_update, and filled after it. Stubs follow
 * https://developer.zendesk.com/api-reference/ticketing/users/users/#create-or-update-user (200/201 with the user,
 * its {@code email} and {@code phone}).
 */
class ZendeskRequesterMemoryTest {
    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FakeConnectorContext ctx;
    private ZendeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        zd.stubFor(get("/api/v2/users/me").willReturn(okJson("{\"user\":{\"id\":900,\"role\":\"admin\"}}")));
        zd.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("{\"tickets\":[],\"count\":0}")));
        zd.stubFor(post("/api/v2/tickets").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ticket\":{\"id\":77,\"status\":\"new\"},"
                        + "\"audit\":{\"events\":[{\"id\":9001,\"type\":\"Comment\"}]}}")));
        ctx = Fixture.context(Fixture.settings(zd.baseUrl()));
        connector = new ZendeskConnector();
        connector.start(ctx);
    }

    @Test
    void aRequesterTheHubRemembersForTheContactIsUsedWithoutCreatingAnother() throws Exception {
        ctx.requesters().remember("contact-1", "4711");

        DeskResult result = connector.deliver(Fixture.delivery(
                Fixture.message("msg-1", "Where is my parcel?", Direction.INBOUND, List.of()), null));

        assertThat(result.ticketRef()).isEqualTo("77");
        zd.verify(0, postRequestedFor(urlEqualTo("/api/v2/users/create_or_update")));
        zd.verify(postRequestedFor(urlEqualTo("/api/v2/tickets"))
                .withRequestBody(equalToJson("{\"ticket\":{\"requester_id\":4711}}", true, true)));
    }

    @Test
    void aNewRequesterIsRememberedSoARestartedConnectorCreatesNoSecondOne() throws Exception {
        zd.stubFor(post("/api/v2/users/create_or_update").willReturn(
                okJson("{\"user\":{\"id\":501,\"name\":\"Ann Example\",\"role\":\"end-user\"}}")));
        connector.deliver(Fixture.delivery(Fixture.message("msg-1", "Hello", Direction.INBOUND, List.of()), null));
        assertThat(ctx.requesters().remembered()).containsEntry("contact-1", "501");

        connector.stop();
        FakeConnectorContext restarted = ctx.restartedAs(new ZendeskType().config(), Fixture.settings(zd.baseUrl()));
        ZendeskConnector again = new ZendeskConnector();
        again.start(restarted);
        again.deliver(Fixture.delivery(Fixture.message("msg-2", "Hello again", Direction.INBOUND, List.of())
                .toBuilder().conversationId("conv-2").build(), null));

        zd.verify(1, postRequestedFor(urlEqualTo("/api/v2/users/create_or_update")));
    }

    @Test
    void theRequestersEmailAndPhoneInZendeskAreReportedToTheHubInItsNormalForm() throws Exception {
        // An agent added an email identity and a phone number to the user Zendesk matched by external_id.
        zd.stubFor(post("/api/v2/users/create_or_update").willReturn(okJson("""
                {"user":{"id":502,"name":"Ann Example","role":"end-user","external_id":"contact-1",
                 "email":"Ann.Other@Example.com","phone":"+44 20 7946 0958"}}""")));

        connector.deliver(Fixture.delivery(Fixture.message("msg-1", "Hello", Direction.INBOUND, List.of()), null));

        assertThat(ctx.requesters().reports()).containsExactly(new FakeDeskRequesters.Report("contact-1",
                List.of(Address.email("ann.other@example.com"), Address.phone("+442079460958"))));
    }

    @Test
    void aRequesterWithoutOtherAddressesIsNotReported() throws Exception {
        zd.stubFor(post("/api/v2/users/create_or_update").willReturn(
                okJson("{\"user\":{\"id\":503,\"name\":\"Ann Example\",\"role\":\"end-user\",\"email\":null}}")));

        connector.deliver(Fixture.delivery(Fixture.message("msg-1", "Hello", Direction.INBOUND, List.of()), null));

        assertThat(ctx.requesters().reports()).isEmpty();
        assertThat(ctx.requesters().remembered()).isEqualTo(Map.of("contact-1", "503"));
    }

    @Test
    void anEmailAnAgentAddedToTheRequesterLaterIsReportedWhenTheTicketsWebhookRereadsItsComments() {
        zd.stubFor(get("/api/v2/tickets/77/comments?include=users&page[size]=100").willReturn(okJson("""
                {"comments":[
                  {"id":1,"type":"Comment","author_id":501,"public":true,"body":"My parcel is late","attachments":[]},
                  {"id":2,"type":"Comment","author_id":42,"public":true,"body":"On its way.","attachments":[]}],
                 "users":[{"id":501,"name":"Ann Example","role":"end-user","external_id":"contact-1",
                           "email":"ann@example.com","phone":null},
                          {"id":42,"name":"Alice Agent","role":"agent","email":"alice@acme.test"}]}""")));
        String body = "{\"ticket_id\":\"77\",\"external_id\":\"conv-1\",\"status\":\"open\"}";
        String timestamp = java.time.Instant.now().toString();

        connector.onWebhook(dev.omnibridge.testkit.TestWebhooks.request("zd", "POST",
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of(
                        "X-Zendesk-Webhook-Signature-Timestamp", List.of(timestamp),
                        "X-Zendesk-Webhook-Signature", List.of(ZendeskSignature.sign(Fixture.SIGNING_SECRET,
                                timestamp, body.getBytes(java.nio.charset.StandardCharsets.UTF_8))))));

        assertThat(ctx.requesters().reports()).as("the agent's own address is never reported").containsExactly(
                new FakeDeskRequesters.Report("contact-1", List.of(Address.email("ann@example.com"))));
    }
}
