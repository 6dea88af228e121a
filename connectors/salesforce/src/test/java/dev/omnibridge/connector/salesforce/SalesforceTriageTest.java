package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
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
 * Triage at Salesforce (Case object reference: OwnerId, Priority; REST API Developer Guide: "Assignment Rule Header",
 * sObject Rows PATCH, sObject Collections): a route's queue becomes the new Case's OwnerId with assignment rules
 * switched off for that request, follow-ups never move the Case, and a HIGH or URGENT follow-up raises the Case's
 * Priority just before its comment, never lowering it, without running assignment rules.
 */
class SalesforceTriageTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String CASE_UPSERT = DATA + "/sobjects/Case/Omnibridge_Conversation_Id__c/" + CONV;
    static final String CASE_ROW = DATA + "/sobjects/Case/" + CASE;
    static final String QUEUE = "00G5g000004XyZaEAK";

    private SalesforceConnector connector;

    @BeforeEach
    void start() throws Exception {
        Fixtures.stubToken(wm);
        connector = new SalesforceConnector();
        connector.start(Fixtures.context(Fixtures.settings(wm)));
        Fixtures.stubQuery(wm, "FROM Contact WHERE Email", "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003X\"}");
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).willReturn(json(201, Fixtures.upserted(CASE, true))));
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment"))
                .willReturn(json(201, "{\"id\":\"00aCOMMENT1\",\"success\":true,\"errors\":[]}")));
        wm.stubFor(patch(urlEqualTo(CASE_ROW)).willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void stop() {
        connector.stop();
    }

    private static void casePriorityIs(String priority) {
        wm.stubFor(get(urlEqualTo(CASE_ROW + "?fields=Priority")).willReturn(json(200,
                "{\"attributes\":{\"type\":\"Case\",\"url\":\"" + CASE_ROW + "\"},\"Priority\":"
                        + (priority == null ? "null" : "\"" + priority + "\"") + ",\"Id\":\"" + CASE + "\"}")));
    }

    private static DeskDelivery followUp(String id, Priority priority) {
        return new DeskDelivery(Fixtures.message("Text of " + id, Direction.INBOUND, priority, List.of()).toBuilder()
                .id(id).channelMessageId("cm-" + id).build(), Fixtures.conversation(), Fixtures.contact(), CASE,
                "omnibridge-" + id + "-sf", Map.of("queue", QUEUE));
    }

    private static List<String> calls() {
        return wm.findAll(anyRequestedFor(anyUrl())).stream().map(r -> r.getMethod() + " " + r.getUrl()).toList();
    }

    @Test
    void aRoutesQueueOwnsTheNewCaseAndTheOrgsAssignmentRuleDoesNotReplaceIt() {
        DeskDelivery opening = Fixtures.opening("My order never arrived");

        connector.deliver(new DeskDelivery(opening.message(), opening.conversation(), opening.contact(), null,
                opening.idempotencyKey(), Map.of("queue", QUEUE)));

        wm.verify(patchRequestedFor(urlEqualTo(CASE_UPSERT))
                .withHeader("Sforce-Auto-Assign", equalTo("FALSE"))
                .withRequestBody(matchingJsonPath("$.OwnerId", equalTo(QUEUE))));
    }

    @Test
    void withoutAQueueTheOrgsAssignmentRulesDecideAsBefore() {
        connector.deliver(Fixtures.opening("My order never arrived"));

        wm.verify(patchRequestedFor(urlEqualTo(CASE_UPSERT))
                .withHeader("Sforce-Auto-Assign", absent())
                .withRequestBody(matchingJsonPath("$.OwnerId", absent())));
    }

    @Test
    void aNormalFollowUpNeitherMovesNorReprioritisesTheCase() {
        connector.deliver(followUp("m2", Priority.NORMAL));

        wm.verify(exactly(0), patchRequestedFor(anyUrl()));
        wm.verify(exactly(0), getRequestedFor(urlPathEqualTo(CASE_ROW)));
        wm.verify(postRequestedFor(urlEqualTo(DATA + "/sobjects/CaseComment")));
    }

    @Test
    void aHighFollowUpRaisesAMediumCaseJustBeforeItsCommentWithoutRunningAssignmentRules() {
        casePriorityIs("Medium");

        connector.deliver(followUp("m2", Priority.HIGH));

        wm.verify(patchRequestedFor(urlEqualTo(CASE_ROW)).withHeader("Sforce-Auto-Assign", equalTo("FALSE"))
                .withRequestBody(equalToJson("{\"Priority\":\"High\"}")));
        List<String> calls = calls();
        assertThat(calls.indexOf("PATCH " + CASE_ROW)).isNotNegative()
                .isLessThan(calls.indexOf("POST " + DATA + "/sobjects/CaseComment"));
    }

    @Test
    void anUrgentFollowUpNeverLowersACaseAlreadyAtTheTop() {
        casePriorityIs("High");   // urgentPriority defaults to High

        connector.deliver(followUp("m2", Priority.URGENT));

        wm.verify(exactly(0), patchRequestedFor(urlEqualTo(CASE_ROW)));
        wm.verify(postRequestedFor(urlEqualTo(DATA + "/sobjects/CaseComment")));
    }

    @Test
    void anOrgsOwnPriorityValueIsNeverChanged() {
        casePriorityIs("Critical");

        connector.deliver(followUp("m2", Priority.URGENT));

        wm.verify(exactly(0), patchRequestedFor(urlEqualTo(CASE_ROW)));
    }

    @Test
    void aBatchRaisesTheCaseToItsHighestPriorityOnceBeforeItsComments() {
        casePriorityIs("Low");
        wm.stubFor(post(urlEqualTo(DATA + "/composite/sobjects")).willReturn(json(200,
                "[{\"id\":\"00aC1\",\"success\":true,\"errors\":[]},{\"id\":\"00aC2\",\"success\":true,\"errors\":[]},"
                        + "{\"id\":\"00aC3\",\"success\":true,\"errors\":[]}]")));

        connector.deliverAll(List.of(followUp("m2", Priority.NORMAL), followUp("m3", Priority.HIGH),
                followUp("m4", Priority.LOW)));

        wm.verify(exactly(1), patchRequestedFor(urlEqualTo(CASE_ROW)));
        wm.verify(patchRequestedFor(urlEqualTo(CASE_ROW)).withRequestBody(equalToJson("{\"Priority\":\"High\"}")));
        List<String> calls = calls();
        assertThat(calls.indexOf("PATCH " + CASE_ROW)).isLessThan(calls.indexOf("POST " + DATA + "/composite/sobjects"));
    }

    @Test
    void theQueueMustBeAQueueId() {
        List<ConfigProblem> problems = new ArrayList<>();
        new SalesforceType().assignment().parse("sf", Map.of("queue", "Support_DE"), problems);
        new SalesforceType().assignment().parse("sf", Map.of("queue", "005Hs00000AbCdE"), problems);
        new SalesforceType().assignment().parse("sf", Map.of("queue", "00G5g000004XyZ"), problems);
        new SalesforceType().assignment().parse("sf", Map.of("queue", "00G5g000004XyZa"), problems);
        new SalesforceType().assignment().parse("sf", Map.of("queue", QUEUE), problems);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "instance 'sf': 'queue': must be a Salesforce queue id: 15 or 18 letters and digits starting with "
                        + "00G (a Group of type Queue), was 'Support_DE'",
                "instance 'sf': 'queue': must be a Salesforce queue id: 15 or 18 letters and digits starting with "
                        + "00G (a Group of type Queue), was '005Hs00000AbCdE'",
                "instance 'sf': 'queue': must be a Salesforce queue id: 15 or 18 letters and digits starting with "
                        + "00G (a Group of type Queue), was '00G5g000004XyZ'");
    }
}
