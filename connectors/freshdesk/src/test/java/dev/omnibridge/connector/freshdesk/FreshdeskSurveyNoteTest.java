package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.model.Satisfaction;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A customer's survey answer reaches Freshdesk as a private note, its tags on the ticket (Update a Ticket replaces
 * {@code tags}, so the ticket's own are sent with them) and, for a 1-5 rating, the ticket's satisfaction rating
 * (Surveys API: Create a Satisfaction Rating, {@code ratings.default_question} and {@code feedback}; List
 * Satisfaction Ratings by {@code user_id} and {@code created_since} to find one made before).
 */
class FreshdeskSurveyNoteTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static FreshdeskConnector started(Map<String, Object> extra) throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1,\"contact\":{\"name\":\"Bridge\"}}")));
        Map<String, Object> settings = Fixture.settings(api.baseUrl());
        settings.putAll(extra);
        FreshdeskConnector connector = new FreshdeskConnector();
        connector.start(new FakeConnectorContext("fd", new FreshdeskType().config(), settings));
        return connector;
    }

    private static DeskDelivery note(String id, String kind, int rating, String comment) {
        Map<String, String> metadata = comment == null
                ? Map.of(Satisfaction.RATING, Integer.toString(rating), Satisfaction.KIND, kind)
                : Map.of(Satisfaction.RATING, Integer.toString(rating), Satisfaction.KIND, kind,
                        Satisfaction.COMMENT, comment);
        Message m = Fixture.message("Customer satisfaction: " + rating).id(id).direction(Direction.INTERNAL)
                .author(new Author(Role.SYSTEM, "Omnibridge", null))
                .tags(Set.of(kind, kind + "-" + rating, Satisfaction.SURVEY_TAG)).metadata(metadata).build();
        return Fixture.followUp(m, "501");
    }

    private static void ticketWithTags(String tagsJson) {
        api.stubFor(get("/api/v2/tickets/501").willReturn(okJson("{\"id\":501,\"requester_id\":77,\"status\":4,"
                + "\"tags\":" + tagsJson + "}")));
    }

    private static void noNotesYetThenNote(long noteId) {
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(okJson("{\"id\":" + noteId + "}").withStatus(201)));
    }

    @Test
    void aRatingIsAPrivateNoteTicketTagsNextToTheOwnAndTheSatisfactionRatingOnTheClassicScale() throws Exception {
        FreshdeskConnector connector = started(Map.of());
        noNotesYetThenNote(9300);
        ticketWithTags("[\"omnibridge\",\"channel-webhook-channel\"]");
        api.stubFor(put("/api/v2/tickets/501").willReturn(okJson("{\"id\":501}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/surveys/satisfaction_ratings")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets/501/satisfaction_ratings").willReturn(okJson("{\"id\":61}").withStatus(201)));

        DeskResult result = connector.deliver(note("rate-1", "csat", 4, null));

        assertThat(result).isEqualTo(new DeskResult("501", "9300"));
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes"))
                .withRequestBody(equalToJson("{\"private\":true}", true, true)));
        api.verify(putRequestedFor(urlEqualTo("/api/v2/tickets/501")).withRequestBody(equalToJson(
                "{\"tags\":[\"omnibridge\",\"channel-webhook-channel\",\"csat\",\"csat-4\",\"survey\"]}")));
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets/501/satisfaction_ratings"))
                .withRequestBody(equalToJson("{\"ratings\":{\"default_question\":103}}")));
    }

    @Test
    void onAFivePointSurveyTheCommentGoesAsFeedbackAndAnNpsScoreGetsNoRating() throws Exception {
        FreshdeskConnector connector = started(Map.of("satisfactionScale", 5));
        noNotesYetThenNote(9301);
        ticketWithTags("[]");
        api.stubFor(put("/api/v2/tickets/501").willReturn(okJson("{\"id\":501}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/surveys/satisfaction_ratings")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets/501/satisfaction_ratings").willReturn(okJson("{\"id\":62}").withStatus(201)));

        connector.deliver(note("rate-2", "csat", 2, "Took too long"));
        connector.deliver(note("nps-1", "nps", 9, null));

        api.verify(1, postRequestedFor(urlEqualTo("/api/v2/tickets/501/satisfaction_ratings")));
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets/501/satisfaction_ratings")).withRequestBody(
                equalToJson("{\"ratings\":{\"default_question\":-102},\"feedback\":\"Took too long\"}")));
        api.verify(putRequestedFor(urlEqualTo("/api/v2/tickets/501"))
                .withRequestBody(equalToJson("{\"tags\":[\"nps\",\"nps-9\",\"survey\"]}")));
    }

    @Test
    void aRateLimitedRatingIsRetriedWithoutASecondNoteOrTag() throws Exception {
        FreshdeskConnector connector = started(Map.of());
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).inScenario("note")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets/501/notes").inScenario("note").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"id\":9302}").withStatus(201)).willSetStateTo("posted"));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).inScenario("note")
                .whenScenarioStateIs("posted").willReturn(okJson("[{\"id\":9302,\"private\":true,"
                        + "\"body\":\"<div>Customer satisfaction: 5</div><!-- omnibridge:idem-rate-3 -->\"}]")));
        api.stubFor(get("/api/v2/tickets/501").inScenario("tags").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"id\":501,\"requester_id\":77,\"tags\":[]}")));
        api.stubFor(put("/api/v2/tickets/501").inScenario("tags").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"id\":501}")).willSetStateTo("tagged"));
        api.stubFor(get("/api/v2/tickets/501").inScenario("tags").whenScenarioStateIs("tagged")
                .willReturn(okJson("{\"id\":501,\"requester_id\":77,\"tags\":[\"csat\",\"csat-5\",\"survey\"]}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/surveys/satisfaction_ratings")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets/501/satisfaction_ratings").inScenario("rating")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0"))
                .willSetStateTo("free"));
        api.stubFor(post("/api/v2/tickets/501/satisfaction_ratings").inScenario("rating").whenScenarioStateIs("free")
                .willReturn(okJson("{\"id\":63}").withStatus(201)));
        DeskDelivery d = note("rate-3", "csat", 5, null);

        DeliveryException e = catchThrowableOfType(() -> connector.deliver(d), DeliveryException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(connector.deliver(d)).isEqualTo(new DeskResult("501", "9302"));

        api.verify(1, postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes")));
        api.verify(1, putRequestedFor(urlEqualTo("/api/v2/tickets/501")));
        api.verify(2, postRequestedFor(urlEqualTo("/api/v2/tickets/501/satisfaction_ratings")));
    }

    @Test
    void aRatingAndTagsAlreadyOnTheTicketAreNotSentAgainAndARefusedRatingLeavesTheNoteDelivered() throws Exception {
        FreshdeskConnector connector = started(Map.of());
        noNotesYetThenNote(9303);
        ticketWithTags("[\"csat\",\"csat-5\",\"survey\"]");
        api.stubFor(get(urlPathEqualTo("/api/v2/surveys/satisfaction_ratings")).willReturn(okJson(
                "[{\"id\":60,\"user_id\":77,\"ticket_id\":501,\"ratings\":{\"default_question\":103}}]")));
        api.stubFor(put("/api/v2/tickets/501").willReturn(okJson("{\"id\":501}")));
        api.stubFor(post("/api/v2/tickets/501/satisfaction_ratings").willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("{\"code\":\"access_denied\"}")));

        assertThat(connector.deliver(note("rate-4", "csat", 5, null))).isEqualTo(new DeskResult("501", "9303"));
        api.verify(0, postRequestedFor(urlEqualTo("/api/v2/tickets/501/satisfaction_ratings")));
        api.verify(0, putRequestedFor(urlEqualTo("/api/v2/tickets/501")));

        assertThat(connector.deliver(note("rate-5", "csat", 1, null))).as("surveys disabled: logged, note stays")
                .isEqualTo(new DeskResult("501", "9303"));
        api.verify(1, postRequestedFor(urlEqualTo("/api/v2/tickets/501/satisfaction_ratings")));
        api.verify(putRequestedFor(urlEqualTo("/api/v2/tickets/501")).withRequestBody(
                equalToJson("{\"tags\":[\"csat\",\"csat-5\",\"survey\",\"csat-1\"]}")));
    }
}
