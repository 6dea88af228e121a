package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Triage at Freshdesk (API v2, https://developers.freshdesk.com/api/): a route's {@code group} becomes the new
 * ticket's {@code group_id} ("Create a Ticket"), follow-ups never move the ticket, and a HIGH or URGENT follow-up
 * raises the ticket's {@code priority} (1 Low .. 4 Urgent) by "Update a Ticket" just before its note, never lowering.
 */
class FreshdeskTriageTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private dev.omnibridge.testkit.FakeConnectorContext ctx;
    private FreshdeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1,\"contact\":{\"name\":\"Bot\"}}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(okJson("{\"id\":9001}").withStatus(201)));
        api.stubFor(put("/api/v2/tickets/501").willReturn(okJson("{\"id\":501,\"priority\":4}")));
        ctx = Fixture.context(api.baseUrl());
        connector = new FreshdeskConnector();
        connector.start(ctx);
    }

    private static void ticket501Has(int priority) {
        api.stubFor(get("/api/v2/tickets/501").willReturn(okJson(
                "{\"id\":501,\"requester_id\":77,\"status\":2,\"priority\":" + priority + "}")));
    }

    private static void newTicketFor(long requesterId) {
        api.stubFor(post("/api/v2/contacts").willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"description\":\"Validation failed\",\"errors\":[{\"field\":\"unique_external_id\","
                        + "\"additional_info\":{\"user_id\":" + requesterId + "},\"code\":\"duplicate_value\"}]}")));
        api.stubFor(get(urlEqualTo("/api/v2/tickets?requester_id=" + requesterId
                + "&order_by=created_at&order_type=desc&per_page=30")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets").willReturn(okJson("{\"id\":501,\"status\":2}").withStatus(201)));
    }

    private static DeskDelivery followUp(String id, Priority priority, int second) {
        Message m = Fixture.message("Text of " + id).id(id).channelMessageId("cm-" + id).priority(priority)
                .receivedAt(Instant.parse("2026-11-20T10:00:00Z").plusSeconds(second)).build();
        return new DeskDelivery(m, Fixture.conversation(), Fixture.contact(new Address(AddressKind.EMAIL,
                Fixture.EMAIL)), "501", "idem-" + id, Map.of("group", "42"));
    }

    /** The requests Freshdesk received, in order, as "METHOD path". */
    private static List<String> calls() {
        return api.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> !r.getUrl().startsWith("/api/v2/agents/me"))
                .map(r -> r.getMethod() + " " + r.getUrl()).toList();
    }

    @Test
    void aRoutesGroupBecomesTheNewTicketsGroupId() {
        newTicketFor(77);
        Message m = Fixture.message("My parcel is late").build();

        connector.deliver(new DeskDelivery(m, Fixture.conversation(), Fixture.contact(new Address(AddressKind.EMAIL,
                Fixture.EMAIL)), null, "idem-msg-1", Map.of("group", "42")));

        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets"))
                .withRequestBody(equalToJson("{\"group_id\":42}", true, true)));
    }

    @Test
    void theDetectedLanguageReachesTheTicketAsOneTag() {
        newTicketFor(77);
        Message german = Fixture.message("Mein Paket ist nicht angekommen").language("de")
                .tags(java.util.Set.of("lang:de")).build();

        connector.deliver(Fixture.opening(german, Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL))));

        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets")).withRequestBody(equalToJson(
                "{\"tags\":[\"omnibridge\",\"channel-webhook-channel\",\"lang-de\"]}", true, true)));
    }

    @Test
    void aNewTicketWithFilesCarriesTheGroupAsAFormField() throws Exception {
        newTicketFor(77);
        Attachment file = Fixture.stored(ctx, "invoice.pdf", "application/pdf",
                "%PDF-1.4".getBytes(StandardCharsets.UTF_8));
        Message m = Fixture.message("See attached").attachments(List.of(file)).build();

        connector.deliver(new DeskDelivery(m, Fixture.conversation(), Fixture.contact(new Address(AddressKind.EMAIL,
                Fixture.EMAIL)), null, "idem-msg-1", Map.of("group", "42")));

        LoggedRequest create = api.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets"))).get(0);
        assertThat(create.getBodyAsString()).contains("name=\"group_id\"\r\n\r\n42\r\n");
    }

    @Test
    void aNormalFollowUpNeitherMovesNorReprioritisesTheTicket() {
        ticket501Has(1);

        connector.deliver(followUp("m2", Priority.NORMAL, 0));

        api.verify(0, putRequestedFor(anyUrl()));
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes")));
    }

    @Test
    void anUrgentFollowUpRaisesTheTicketJustBeforeItsNote() {
        ticket501Has(2);

        connector.deliver(followUp("m2", Priority.URGENT, 0));

        api.verify(putRequestedFor(urlEqualTo("/api/v2/tickets/501")).withRequestBody(equalToJson("{\"priority\":4}")));
        List<String> calls = calls();
        assertThat(calls.indexOf("PUT /api/v2/tickets/501"))
                .isLessThan(calls.indexOf("POST /api/v2/tickets/501/notes")).isNotNegative();
    }

    @Test
    void aHighFollowUpNeverLowersAnUrgentTicket() {
        ticket501Has(4);

        connector.deliver(followUp("m2", Priority.HIGH, 0));

        api.verify(0, putRequestedFor(anyUrl()));
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes")));
    }

    @Test
    void aRetryAfterTheRaiseFindsTheTicketRaisedAndOnlyAddsTheNote() {
        ticket501Has(2);
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(aResponse().withStatus(503)));
        DeskDelivery urgent = followUp("m2", Priority.URGENT, 0);
        try {
            connector.deliver(urgent);
        } catch (dev.omnibridge.spi.DeliveryException expected) {
            assertThat(expected.isRetryable()).isTrue();
        }
        ticket501Has(4);   // what the first attempt's PUT left
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(okJson("{\"id\":9001}").withStatus(201)));

        connector.deliver(urgent);

        api.verify(1, putRequestedFor(urlEqualTo("/api/v2/tickets/501")));
    }

    @Test
    void aBatchRaisesTheTicketToItsHighestPriorityBeforeTheNoteCarryingIt() {
        ticket501Has(1);

        connector.deliverAll(List.of(followUp("m2", Priority.NORMAL, 0), followUp("m3", Priority.HIGH, 5),
                followUp("m4", Priority.LOW, 9)));

        api.verify(1, putRequestedFor(urlEqualTo("/api/v2/tickets/501")));
        api.verify(putRequestedFor(urlEqualTo("/api/v2/tickets/501")).withRequestBody(equalToJson("{\"priority\":3}")));
        api.verify(1, postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes")));
    }

    @Test
    void theGroupMustBeAFreshdeskGroupId() {
        List<ConfigProblem> problems = new ArrayList<>();
        new FreshdeskType().assignment().parse("fd", Map.of("group", "Billing"), problems);
        new FreshdeskType().assignment().parse("fd", Map.of("group", "0"), problems);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "instance 'fd': 'group': must be an integer, was 'Billing'",
                "instance 'fd': 'group': must be a Freshdesk group id (a positive integer), was 0");
    }
}
