package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.salesforce.Fixtures.CASE;
import static dev.omnibridge.connector.salesforce.Fixtures.DATA;
import static dev.omnibridge.connector.salesforce.Fixtures.ME;
import static dev.omnibridge.connector.salesforce.Fixtures.QUERY;
import static dev.omnibridge.connector.salesforce.Fixtures.TOKEN;
import static dev.omnibridge.connector.salesforce.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Follow-ups of one Case delivered together ({@code deliverAll}) become CaseComments made by one sObject
 * Collections create. Answers are shaped from Salesforce's REST API Developer Guide, "Create Records Using sObject
 * Collections" (POST /services/data/vXX.X/composite/sobjects with {allOrNone, records[]}, each record with
 * attributes.type; up to 200 records, created in the order listed; 200 OK with one SaveResult {id, success,
 * errors[{statusCode, message, fields}]} per record, in request order; 400 only for a malformed request):
 * https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-create.html,
 * and from AllOrNoneHeader (with allOrNone, records without errors of their own say they were rolled back):
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_header_allornoneheader.htm.
 */
class CommentBatchTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String COLLECTIONS = DATA + "/composite/sobjects";
    static final String ROLLED_BACK = "{\"success\":false,\"errors\":[{\"statusCode\":\"ALL_OR_NONE_OPERATION_ROLLED_BACK\","
            + "\"message\":\"Record rolled back because not all records were valid and the request was using AllOrNone "
            + "header\",\"fields\":[]}]}";

    private SalesforceConnector connector;

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    private static DeskDelivery followUp(String text, String key) {
        return Fixtures.followUp(Fixtures.message(text, Direction.INBOUND, Priority.NORMAL, List.of()), key);
    }

    private static List<DeskDelivery> three() {
        return List.of(followUp("first", "k-1"), followUp("second", "k-2"), followUp("third", "k-3"));
    }

    private static String saved(String id) {
        return "{\"id\":\"" + id + "\",\"success\":true,\"errors\":[]}";
    }

    private static String refused(String code, String message) {
        return "{\"success\":false,\"errors\":[{\"statusCode\":\"" + code + "\",\"message\":\"" + message
                + "\",\"fields\":[]}]}";
    }

    @Test
    void threeFollowUpsAreOneAllOrNoneCollectionsCreateInConversationOrder() throws Exception {
        connector = Fixtures.started(wm, Map.of());
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(COLLECTIONS)).willReturn(json(200,
                "[" + saved("00a1") + "," + saved("00a2") + "," + saved("00a3") + "]")));

        List<DeskResult> results = connector.deliverAll(three());

        assertThat(results).containsExactly(new DeskResult(CASE, "00a1"), new DeskResult(CASE, "00a2"),
                new DeskResult(CASE, "00a3"));
        wm.verify(exactly(1), postRequestedFor(urlEqualTo(COLLECTIONS)));
        wm.verify(exactly(0), postRequestedFor(urlEqualTo(DATA + "/sobjects/CaseComment")));
        // One marker lookup for the whole batch.
        wm.verify(exactly(1), getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q",
                containing("FROM CaseComment WHERE ParentId")));
        wm.verify(postRequestedFor(urlEqualTo(COLLECTIONS))
                .withRequestBody(matchingJsonPath("$.allOrNone", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.records[0].attributes.type", equalTo("CaseComment")))
                .withRequestBody(matchingJsonPath("$.records[0].ParentId", equalTo(CASE)))
                .withRequestBody(matchingJsonPath("$.records[0].CommentBody", containing("first\n\n[omnibridge:k-1]")))
                .withRequestBody(matchingJsonPath("$.records[0].IsPublished", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.records[0].IsNotificationSelected", equalTo("false")))
                .withRequestBody(matchingJsonPath("$.records[1].CommentBody", containing("second\n\n[omnibridge:k-2]")))
                .withRequestBody(matchingJsonPath("$.records[2].CommentBody", containing("third\n\n[omnibridge:k-3]")))
                .withRequestBody(matchingJsonPath("$.records[3]", absent())));
    }

    @Test
    void aRepeatedBatchFindsItsCommentsByMarkerAndCreatesOnlyTheMissingOnes() throws Exception {
        connector = Fixtures.started(wm, Map.of());
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "{\"attributes\":{\"type\":\"CaseComment\"},"
                + "\"Id\":\"00aEARLIER\",\"CommentBody\":\"Ann Lee via webhook-channel:\\nfirst\\n\\n[omnibridge:k-1]\"}");
        wm.stubFor(post(urlEqualTo(COLLECTIONS)).willReturn(json(200, "[" + saved("00a2") + "," + saved("00a3") + "]")));

        assertThat(connector.deliverAll(three())).extracting(DeskResult::itemId)
                .containsExactly("00aEARLIER", "00a2", "00a3");
        wm.verify(postRequestedFor(urlEqualTo(COLLECTIONS))
                .withRequestBody(matchingJsonPath("$.records[0].CommentBody", containing("[omnibridge:k-2]")))
                .withRequestBody(matchingJsonPath("$.records[2]", absent())));
    }

    @Test
    void aBatchWhoseCommentsAllExistPostsNothing() throws Exception {
        connector = Fixtures.started(wm, Map.of());
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId",
                "{\"attributes\":{\"type\":\"CaseComment\"},\"Id\":\"00c3\",\"CommentBody\":\"x\\n\\n[omnibridge:k-3]\"},"
                        + "{\"attributes\":{\"type\":\"CaseComment\"},\"Id\":\"00c2\",\"CommentBody\":\"x\\n\\n[omnibridge:k-2]\"},"
                        + "{\"attributes\":{\"type\":\"CaseComment\"},\"Id\":\"00c1\",\"CommentBody\":\"x\\n\\n[omnibridge:k-1]\"}");

        assertThat(connector.deliverAll(three())).extracting(DeskResult::itemId).containsExactly("00c1", "00c2", "00c3");
        wm.verify(exactly(0), postRequestedFor(urlEqualTo(COLLECTIONS)));
        wm.verify(exactly(0), postRequestedFor(urlEqualTo(DATA + "/sobjects/CaseComment")));
    }

    @Test
    void aRefusedRecordRollsTheBatchBackSoTheCommentsBeforeItAreMadeAgainAndItsFailureIsPermanent() throws Exception {
        connector = Fixtures.started(wm, Map.of());
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        // All or none: the second record's own error, the others rolled back.
        wm.stubFor(post(urlEqualTo(COLLECTIONS)).inScenario("batch").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("prefix").willReturn(json(200, "[" + ROLLED_BACK + ","
                        + refused("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Comments may not mention ann@example.com")
                        + "," + ROLLED_BACK + "]")));
        wm.stubFor(post(urlEqualTo(COLLECTIONS)).inScenario("batch").whenScenarioStateIs("prefix")
                .willReturn(json(200, "[" + saved("00a1") + "]")));

        assertThatThrownBy(() -> connector.deliverAll(three())).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.delivered()).containsExactly(new DeskResult(CASE, "00a1"));
            assertThat(e.getMessage()).contains("FIELD_CUSTOM_VALIDATION_EXCEPTION").doesNotContain("ann@example.com")
                    .doesNotContain(TOKEN);
        });
        // The second call carries only the record before the refused one: nothing after it is ever created first.
        wm.verify(exactly(2), postRequestedFor(urlEqualTo(COLLECTIONS)));
        wm.verify(postRequestedFor(urlEqualTo(COLLECTIONS))
                .withRequestBody(matchingJsonPath("$.records[0].CommentBody", containing("[omnibridge:k-1]")))
                .withRequestBody(matchingJsonPath("$.records[1]", absent())));
    }

    @Test
    void aLockedCaseIsRetryableForThisRecordWithNothingApplied() throws Exception {
        connector = Fixtures.started(wm, Map.of());
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(COLLECTIONS)).willReturn(json(200, "["
                + refused("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records: " + CASE)
                + "," + ROLLED_BACK + "," + ROLLED_BACK + "]")));

        assertThatThrownBy(() -> connector.deliverAll(three())).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.concernsOneRecord()).isTrue();
            assertThat(e.delivered()).isEmpty();
            assertThat(e.getMessage()).contains("UNABLE_TO_LOCK_ROW");
        });
        wm.verify(exactly(1), postRequestedFor(urlEqualTo(COLLECTIONS)));
    }

    @Test
    void theDailyRequestLimitHoldsTheWholeBatchWithNothingApplied() throws Exception {
        connector = Fixtures.started(wm, Map.of());
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(COLLECTIONS)).willReturn(json(403,
                "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")));

        assertThatThrownBy(() -> connector.deliverAll(three())).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.isDeferred()).isTrue();
            assertThat(e.delivered()).isEmpty();
        });
    }

    @Test
    void anAnswerThatCommittedSomeRecordsReportsOnlyThoseBeforeTheFirstFailure() throws Exception {
        connector = Fixtures.started(wm, Map.of());
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        // Not all-or-none after all (as with allOrNone=false): the successes stand, in order.
        wm.stubFor(post(urlEqualTo(COLLECTIONS)).willReturn(json(200, "[" + saved("00a1") + ","
                + refused("STRING_TOO_LONG", "Comment Body: data value too large") + "," + saved("00a3") + "]")));

        assertThatThrownBy(() -> connector.deliverAll(three())).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.delivered()).extracting(DeskResult::itemId).containsExactly("00a1");
        });
        wm.verify(exactly(1), postRequestedFor(urlEqualTo(COLLECTIONS)));
    }

    @Test
    void batchesTakeUpTo200CommentsByDefaultOneWhenConfiguredAndOneBeforeApi42() throws Exception {
        connector = Fixtures.started(wm, Map.of());
        assertThat(connector.maxBatch()).isEqualTo(200);
        connector.stop();
        connector = Fixtures.started(wm, Map.of("maxBatch", 1));
        assertThat(connector.maxBatch()).isEqualTo(1);
        connector.stop();
        // sObject Collections exist from API 42.0.
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/services/data/v41.0/query"))
                .willReturn(json(200, Fixtures.queryResult(""))));
        connector = Fixtures.started(wm, Map.of("apiVersion", "v41.0"));
        assertThat(connector.maxBatch()).isEqualTo(1);
    }

    @Test
    void withMaxBatchOneAFollowUpIsStillTheSingleCommentItAlwaysWas() throws Exception {
        connector = Fixtures.started(wm, Map.of("maxBatch", 1));
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment"))
                .willReturn(json(201, "{\"id\":\"00aONE\",\"success\":true,\"errors\":[]}")));

        assertThat(connector.deliver(followUp("alone", "k-9"))).isEqualTo(new DeskResult(CASE, "00aONE"));
        wm.verify(exactly(0), postRequestedFor(urlEqualTo(COLLECTIONS)));
        wm.verify(getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", equalTo(
                "SELECT Id, CommentBody FROM CaseComment WHERE ParentId = '" + CASE + "' AND CreatedById = '" + ME
                        + "' ORDER BY CreatedDate DESC LIMIT 100")));
    }

    @Test
    void theMarkerLookupSeesAsManyCommentsAsABatchCanHaveMade() throws Exception {
        connector = Fixtures.started(wm, Map.of());
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(COLLECTIONS)).willReturn(json(200,
                "[" + saved("00a1") + "," + saved("00a2") + "," + saved("00a3") + "]")));

        connector.deliverAll(three());

        wm.verify(getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", equalTo(
                "SELECT Id, CommentBody FROM CaseComment WHERE ParentId = '" + CASE + "' AND CreatedById = '" + ME
                        + "' ORDER BY CreatedDate DESC LIMIT 200")));
    }

    @Test
    void aMessageWithFilesHasThemUploadedAfterTheCommentsBeforeItAndBeforeItsOwnComment() throws Exception {
        Fixtures.stubToken(wm);
        var ctx = Fixtures.context(Fixtures.settings(wm));
        connector = new SalesforceConnector();
        connector.start(ctx);
        var file = ctx.attachments().store("receipt.pdf", "application/pdf",
                new java.io.ByteArrayInputStream("%PDF-1.4".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 1000);
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        Fixtures.stubQuery(wm, "FROM ContentVersion WHERE FirstPublishLocationId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/ContentVersion"))
                .willReturn(json(201, "{\"id\":\"068NEW\",\"success\":true,\"errors\":[]}")));
        wm.stubFor(post(urlEqualTo(COLLECTIONS)).withRequestBody(containing("[omnibridge:k-1]"))
                .willReturn(json(200, "[" + saved("00a1") + "]")));
        wm.stubFor(post(urlEqualTo(COLLECTIONS)).withRequestBody(containing("[omnibridge:k-2]"))
                .willReturn(json(200, "[" + saved("00a2") + "," + saved("00a3") + "]")));
        List<DeskDelivery> batch = List.of(followUp("first", "k-1"), Fixtures.followUp(Fixtures.message("receipt",
                Direction.INBOUND, Priority.NORMAL, List.of(file)), "k-2"), followUp("third", "k-3"));

        assertThat(connector.deliverAll(batch)).extracting(DeskResult::itemId).containsExactly("00a1", "00a2", "00a3");

        List<String> posts = new java.util.ArrayList<>();
        for (var event : wm.getAllServeEvents()) {
            if (event.getRequest().getMethod().getName().equals("POST") && event.getRequest().getUrl().startsWith(DATA)) {
                posts.add(0, event.getRequest().getUrl());
            }
        }
        assertThat(posts).containsExactly(COLLECTIONS, DATA + "/sobjects/ContentVersion", COLLECTIONS);
    }

    @Test
    void withMaxBatchOneABatchIsStillOneCommentRequestPerMessage() throws Exception {
        connector = Fixtures.started(wm, Map.of("maxBatch", 1));
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        for (String n : new String[]{"1", "2", "3"}) {
            wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).withRequestBody(containing("[omnibridge:k-" + n))
                    .willReturn(json(201, saved("00a" + n))));
        }

        assertThat(connector.deliverAll(three())).extracting(DeskResult::itemId).containsExactly("00a1", "00a2", "00a3");
        wm.verify(exactly(0), postRequestedFor(urlEqualTo(COLLECTIONS)));
        wm.verify(exactly(3), postRequestedFor(urlEqualTo(DATA + "/sobjects/CaseComment")));
    }
}
