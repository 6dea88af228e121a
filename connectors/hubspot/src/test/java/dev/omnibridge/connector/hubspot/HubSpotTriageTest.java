package dev.omnibridge.connector.hubspot;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.hubspot.Fixture.CONTACT_BY_EMAIL;
import static dev.omnibridge.connector.hubspot.Fixture.NOTES_OF_TICKET;
import static dev.omnibridge.connector.hubspot.Fixture.TICKET_BY_CONV;
import static dev.omnibridge.connector.hubspot.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Triage at HubSpot (CRM tickets API: ticket properties {@code hs_pipeline}, {@code hs_pipeline_stage},
 * {@code hubspot_owner_id}, {@code hs_ticket_priority}; "Update a ticket" is {@code PATCH /crm/v3/objects/tickets/{id}}
 * with the changed properties): a route's pipeline, stage and owner go on the new ticket, follow-ups never move it,
 * and a HIGH or URGENT follow-up raises the ticket's priority just before its note, never lowering it.
 */
class HubSpotTriageTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String TICKET_PRIORITY = "/crm/v3/objects/tickets/9001?properties=hs_ticket_priority";

    private static DeskDelivery followUp(String text, Priority priority, int second) {
        return new DeskDelivery(Fixture.message(text).priority(priority)
                .receivedAt(Instant.parse("2026-01-05T10:00:00Z").plusSeconds(second)).build(),
                Fixture.conversation("conv-1"), Fixture.ann(), "9001", "key-" + text,
                Map.of("pipeline", "5550001", "stage", "5550002"));
    }

    private static void ticketPriorityIs(String priority) {
        api.stubFor(get(urlEqualTo(TICKET_PRIORITY)).willReturn(json(200, "{\"id\":\"9001\",\"properties\":"
                + "{\"hs_object_id\":\"9001\",\"hs_ticket_priority\":" + (priority == null ? "null" : "\"" + priority
                + "\"") + "},\"createdAt\":\"2026-01-05T09:00:00Z\",\"updatedAt\":\"2026-01-05T09:00:00Z\","
                + "\"archived\":false}")));
    }

    private static void followUpsCanBeAdded() {
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).willReturn(json(201, "{\"id\":\"n-1\"}")));
        api.stubFor(patch(urlEqualTo("/crm/v3/objects/tickets/9001")).willReturn(json(200,
                "{\"id\":\"9001\",\"properties\":{\"hs_ticket_priority\":\"URGENT\"}}")));
    }

    /** A note as batch create answers it: its body ends with the delivery's reference line. */
    private static String created(String id, String key) {
        return "{\"id\":\"" + id + "\",\"properties\":{\"hs_note_body\":\"<p>x</p><p><small>omnibridge-ref: " + key
                + "</small></p>\",\"hs_timestamp\":\"2026-01-05T10:00:00Z\"},\"createdAt\":\"2026-01-05T10:00:05Z\","
                + "\"updatedAt\":\"2026-01-05T10:00:05Z\",\"archived\":false}";
    }

    private static List<String> calls() {
        return api.findAll(anyRequestedFor(anyUrl())).stream().map(r -> r.getMethod() + " " + r.getUrl()).toList();
    }

    @Test
    void aRoutesPipelineStageAndOwnerGoOnTheNewTicketWithTheLanguageTag() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).willReturn(json(404, "{\"status\":\"error\"}")));
        api.stubFor(get(urlEqualTo(CONTACT_BY_EMAIL)).willReturn(json(200, "{\"id\":\"501\",\"properties\":{}}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/tickets")).willReturn(json(201, "{\"id\":\"9001\"}")));

        f.connector.deliver(new DeskDelivery(Fixture.message("Mein Paket fehlt").language("de")
                .tags(java.util.Set.of("lang:de")).build(),
                Fixture.conversation("conv-1"), Fixture.ann(), null, "key-1",
                Map.of("pipeline", "5550001", "stage", "5550002", "owner", "41629779")));

        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/tickets")).withRequestBody(equalToJson("""
                {"properties":{"hs_pipeline":"5550001","hs_pipeline_stage":"5550002","hubspot_owner_id":"41629779",
                 "omnibridge_tags":"omnibridge;channel-webhook-channel;lang-de"}}""",
                true, true)));
    }

    @Test
    void aStageAloneIsAStageOfTheInstancesPipelineAndNoOwnerLeavesHubSpotToAssign() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).willReturn(json(404, "{\"status\":\"error\"}")));
        api.stubFor(get(urlEqualTo(CONTACT_BY_EMAIL)).willReturn(json(200, "{\"id\":\"501\",\"properties\":{}}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/tickets")).willReturn(json(201, "{\"id\":\"9001\"}")));

        f.connector.deliver(new DeskDelivery(Fixture.message("Where is my parcel").build(),
                Fixture.conversation("conv-1"), Fixture.ann(), null, "key-1", Map.of("stage", "2")));

        String body = api.findAll(postRequestedFor(urlEqualTo("/crm/v3/objects/tickets"))).get(0).getBodyAsString();
        assertThat(body).contains("\"hs_pipeline\":\"0\"", "\"hs_pipeline_stage\":\"2\"")
                .doesNotContain("hubspot_owner_id");
    }

    @Test
    void aNormalFollowUpNeitherMovesNorReprioritisesTheTicket() {
        Fixture f = new Fixture(api);
        followUpsCanBeAdded();

        f.connector.deliver(followUp("Any news?", Priority.NORMAL, 0));

        api.verify(0, patchRequestedFor(anyUrl()));
        assertThat(calls()).noneMatch(c -> c.contains("properties=hs_ticket_priority"));
        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/notes")));
    }

    @Test
    void anUrgentFollowUpRaisesTheTicketJustBeforeItsNote() {
        Fixture f = new Fixture(api);
        followUpsCanBeAdded();
        ticketPriorityIs("MEDIUM");

        f.connector.deliver(followUp("It is down for everyone", Priority.URGENT, 0));

        api.verify(patchRequestedFor(urlEqualTo("/crm/v3/objects/tickets/9001")).withRequestBody(equalToJson(
                "{\"properties\":{\"hs_ticket_priority\":\"URGENT\"}}")));
        List<String> calls = calls();
        assertThat(calls.indexOf("PATCH /crm/v3/objects/tickets/9001"))
                .isNotNegative().isLessThan(calls.indexOf("POST /crm/v3/objects/notes"));
    }

    @Test
    void aHighFollowUpNeverLowersAnUrgentTicket() {
        Fixture f = new Fixture(api);
        followUpsCanBeAdded();
        ticketPriorityIs("URGENT");

        f.connector.deliver(followUp("Still waiting", Priority.HIGH, 0));

        api.verify(0, patchRequestedFor(anyUrl()));
        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/notes")));
    }

    @Test
    void aBatchRaisesTheTicketToItsHighestPriorityOnceBeforeItsNotes() {
        Fixture f = new Fixture(api);
        followUpsCanBeAdded();
        ticketPriorityIs("LOW");
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes/batch/create")).willReturn(json(201,
                "{\"status\":\"COMPLETE\",\"results\":[" + created("n-1", "key-one") + ","
                        + created("n-2", "key-two") + "," + created("n-3", "key-three") + "]}")));

        f.connector.deliverAll(List.of(followUp("one", Priority.NORMAL, 0), followUp("two", Priority.HIGH, 1),
                followUp("three", Priority.LOW, 2)));

        api.verify(1, patchRequestedFor(urlEqualTo("/crm/v3/objects/tickets/9001")));
        api.verify(patchRequestedFor(urlEqualTo("/crm/v3/objects/tickets/9001")).withRequestBody(equalToJson(
                "{\"properties\":{\"hs_ticket_priority\":\"HIGH\"}}")));
        List<String> calls = calls();
        assertThat(calls.indexOf("PATCH /crm/v3/objects/tickets/9001"))
                .isLessThan(calls.indexOf("POST /crm/v3/objects/notes/batch/create"));
    }

    @Test
    void aPipelineNeedsItsStageAndIdsAreCheckedBeforeAnythingStarts() {
        List<ConfigProblem> problems = new ArrayList<>();
        new HubSpotType().assignment().parse("hubspot", Map.of("pipeline", "5550001"), problems);
        new HubSpotType().assignment().parse("hubspot", Map.of("pipeline", "Support DE", "stage", "1"), problems);
        new HubSpotType().assignment().parse("hubspot", Map.of("owner", "ann@example.com"), problems);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "instance 'hubspot': 'stage': a route that sets pipeline must set its stage too: stage ids belong to "
                        + "their pipeline (GET /crm/v3/pipelines/tickets/5550001/stages)",
                "instance 'hubspot': 'pipeline': must be a HubSpot internal id (e.g. 0 or 1234567), not a label; "
                        + "was 'Support DE'",
                "instance 'hubspot': 'owner': must be a HubSpot owner id (digits, the id from GET /crm/v3/owners), "
                        + "was 'ann@example.com'");
    }
}
