package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
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
import static dev.omnibridge.connector.salesforce.Fixtures.CLIENT_SECRET;
import static dev.omnibridge.connector.salesforce.Fixtures.CONV;
import static dev.omnibridge.connector.salesforce.Fixtures.DATA;
import static dev.omnibridge.connector.salesforce.Fixtures.ME;
import static dev.omnibridge.connector.salesforce.Fixtures.QUERY;
import static dev.omnibridge.connector.salesforce.Fixtures.TOKEN;
import static dev.omnibridge.connector.salesforce.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String CASE_UPSERT = DATA + "/sobjects/Case/Omnibridge_Conversation_Id__c/" + CONV;
    static final String CONTACT_UPSERT = DATA + "/sobjects/Contact/Omnibridge_Contact_Id__c/contact-42";

    private SalesforceConnector connector;
    private FakeConnectorContext ctx;

    private void start() throws Exception {
        Fixtures.stubToken(wm);
        ctx = Fixtures.context(Fixtures.settings(wm));
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
    void startLogsInWithClientCredentialsForm() throws Exception {
        start();
        wm.verify(postRequestedFor(urlEqualTo("/services/oauth2/token"))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("grant_type=client_credentials&client_id=3MVG9-client-id"
                        + "&client_secret=8A4BE698-client-secret")));
    }

    @Test
    void refusedCredentialsFailStartWithoutTheSecret() {
        wm.stubFor(post(urlEqualTo("/services/oauth2/token")).willReturn(json(400,
                "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}")));
        SalesforceConnector c = new SalesforceConnector();
        assertThatThrownBy(() -> c.start(Fixtures.context(Fixtures.settings(wm))))
                .hasMessageContaining("client credentials").hasMessageContaining("invalid_client")
                .hasMessageNotContaining(CLIENT_SECRET);
    }

    @Test
    void newConversationUpsertsContactAndCaseByExternalIds() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM Contact WHERE Email", "");
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(DATA + "/search/"))
                .willReturn(json(200, "{\"searchRecords\":[]}")));
        wm.stubFor(patch(urlEqualTo(CONTACT_UPSERT)).willReturn(json(201, Fixtures.upserted("003CONTACT", true))));
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).willReturn(json(201, Fixtures.upserted(CASE, true))));

        DeskResult result = connector.deliver(Fixtures.opening("My order never arrived\nIt was due Monday."));

        assertThat(result).isEqualTo(new DeskResult(CASE, null));
        wm.verify(getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", equalTo(
                "SELECT Id FROM Contact WHERE Email = 'ann@example.com' ORDER BY CreatedDate ASC LIMIT 1")));
        wm.verify(patchRequestedFor(urlEqualTo(CONTACT_UPSERT))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("{\"FirstName\":\"Ann\",\"LastName\":\"Lee\","
                        + "\"Phone\":\"+447700900123\"}")));
        wm.verify(patchRequestedFor(urlEqualTo(CASE_UPSERT))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("{\"Subject\":\"My order never arrived\","
                        + "\"Description\":\"My order never arrived\\nIt was due Monday.\",\"Priority\":\"High\","
                        + "\"Origin\":\"webhook-channel\",\"Status\":\"New\",\"ContactId\":\"003CONTACT\"}")));
    }

    @Test
    void existingContactWithTheEmailIsReusedNotUpserted() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM Contact WHERE Email",
                "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003EXISTING\"}");
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).willReturn(json(201, Fixtures.upserted(CASE, true))));

        connector.deliver(Fixtures.opening("Hello"));

        wm.verify(exactly(0), patchRequestedFor(urlEqualTo(CONTACT_UPSERT)));
        wm.verify(patchRequestedFor(urlEqualTo(CASE_UPSERT))
                .withRequestBody(matchingJsonPath("$.ContactId", equalTo("003EXISTING"))));
    }

    @Test
    void retryAfterLostAnswerLandsOnTheSameCase() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM Contact WHERE Email", "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003X\"}");
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).inScenario("lost").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("created"));
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).inScenario("lost").whenScenarioStateIs("created")
                .willReturn(json(200, Fixtures.upserted(CASE, false))));

        assertThatThrownBy(() -> connector.deliver(Fixtures.opening("Hello")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
        assertThat(connector.deliver(Fixtures.opening("Hello")).ticketRef()).isEqualTo(CASE);
        wm.verify(exactly(2), patchRequestedFor(urlEqualTo(CASE_UPSERT)));
        wm.verify(exactly(0), postRequestedFor(urlPathEqualTo(DATA + "/sobjects/Case")));
    }

    @Test
    void upsertAnsweringWithoutBodyReadsTheCaseBack() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM Contact WHERE Email", "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003X\"}");
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).willReturn(aResponse().withStatus(204)));
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo(CASE_UPSERT + "?fields=Id"))
                .willReturn(json(200, "{\"attributes\":{\"type\":\"Case\"},\"Id\":\"" + CASE + "\"}")));

        assertThat(connector.deliver(Fixtures.opening("Hello")).ticketRef()).isEqualTo(CASE);
    }

    @Test
    void followUpBecomesPublishedCaseCommentWithRetryMarker() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment"))
                .willReturn(json(201, "{\"id\":\"00aCOMMENT1\",\"success\":true,\"errors\":[]}")));

        DeskResult result = connector.deliver(Fixtures.followUp(
                Fixtures.message("Any news?", Direction.INBOUND, Priority.NORMAL, List.of()), "omnibridge-msg-2-sf"));

        assertThat(result).isEqualTo(new DeskResult(CASE, "00aCOMMENT1"));
        // As many of the latest comments as one batch (maxBatch, 200 by default) can have made: a single retry of
        // a message of a lost batch answer must find its comment too.
        wm.verify(getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", equalTo(
                "SELECT Id, CommentBody FROM CaseComment WHERE ParentId = '" + CASE + "' AND CreatedById = '" + ME
                        + "' ORDER BY CreatedDate DESC LIMIT 200")));
        wm.verify(postRequestedFor(urlEqualTo(DATA + "/sobjects/CaseComment")).withRequestBody(equalToJson(
                "{\"ParentId\":\"" + CASE + "\",\"CommentBody\":\"Ann Lee via webhook-channel:\\nAny news?\\n\\n"
                        + "[omnibridge:omnibridge-msg-2-sf]\",\"IsPublished\":true,\"IsNotificationSelected\":false}")));
    }

    @Test
    void commentAlreadyMadeByALostAttemptIsFoundNotDuplicated() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "{\"attributes\":{\"type\":\"CaseComment\"},"
                + "\"Id\":\"00aEARLIER\",\"CommentBody\":\"Ann Lee via webhook-channel:\\nAny news?\\n\\n"
                + "[omnibridge:omnibridge-msg-2-sf]\"}");

        DeskResult result = connector.deliver(Fixtures.followUp(
                Fixtures.message("Any news?", Direction.INBOUND, Priority.NORMAL, List.of()), "omnibridge-msg-2-sf"));

        assertThat(result.itemId()).isEqualTo("00aEARLIER");
        wm.verify(exactly(0), postRequestedFor(urlEqualTo(DATA + "/sobjects/CaseComment")));
    }

    @Test
    void internalMessageBecomesUnpublishedComment() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment"))
                .willReturn(json(201, "{\"id\":\"00aNOTE\",\"success\":true,\"errors\":[]}")));

        connector.deliver(Fixtures.followUp(Fixtures.message("Reply was not delivered: opted out",
                Direction.INTERNAL, Priority.NORMAL, List.of()), "omnibridge-msg-3-sf"));

        wm.verify(postRequestedFor(urlEqualTo(DATA + "/sobjects/CaseComment")).withRequestBody(equalToJson(
                "{\"ParentId\":\"" + CASE + "\",\"CommentBody\":\"Reply was not delivered: opted out\\n\\n"
                        + "[omnibridge:omnibridge-msg-3-sf]\",\"IsPublished\":false,\"IsNotificationSelected\":false}")));
    }

    @Test
    void attachmentIsUploadedAsContentVersionLinkedToTheCaseOnce() throws Exception {
        start();
        Attachment file = ctx.attachments().store("receipt.pdf", "application/pdf",
                new ByteArrayInputStream("%PDF-1.4 receipt".getBytes(StandardCharsets.UTF_8)), 1000);
        Attachment other = ctx.attachments().store("photo.jpg", "image/jpeg",
                new ByteArrayInputStream(new byte[]{1, 2, 3}), 1000);
        Fixtures.stubQuery(wm, "FROM ContentVersion WHERE FirstPublishLocationId", "{\"attributes\":{\"type\":"
                + "\"ContentVersion\"},\"Id\":\"068DONE\",\"Description\":\"[omnibridge:omnibridge-msg-4-sf:file-1]\"}");
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/ContentVersion"))
                .willReturn(json(201, "{\"id\":\"068NEW\",\"success\":true,\"errors\":[]}")));
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment"))
                .willReturn(json(201, "{\"id\":\"00aFILES\",\"success\":true,\"errors\":[]}")));

        connector.deliver(Fixtures.followUp(Fixtures.message("Here is the receipt", Direction.INBOUND,
                Priority.NORMAL, List.of(file, other)), "omnibridge-msg-4-sf"));

        wm.verify(exactly(1), postRequestedFor(urlEqualTo(DATA + "/sobjects/ContentVersion")));
        wm.verify(postRequestedFor(urlEqualTo(DATA + "/sobjects/ContentVersion")).withRequestBody(equalToJson(
                "{\"Title\":\"receipt.pdf\",\"PathOnClient\":\"receipt.pdf\",\"VersionData\":\""
                        + Base64.getEncoder().encodeToString("%PDF-1.4 receipt".getBytes(StandardCharsets.UTF_8))
                        + "\",\"FirstPublishLocationId\":\"" + CASE + "\","
                        + "\"Description\":\"[omnibridge:omnibridge-msg-4-sf:file-0]\"}")));
    }

    @Test
    void rateLimitIsRetryableWithRetryAfterThenSucceeds() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).inScenario("busy")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("free")
                .willReturn(json(429, "[{\"message\":\"slow down\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")
                        .withHeader("Retry-After", "1")));
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).inScenario("busy").whenScenarioStateIs("free")
                .willReturn(json(201, "{\"id\":\"00aLATER\",\"success\":true,\"errors\":[]}")));
        DeskDelivery d = Fixtures.followUp(Fixtures.message("Hi", Direction.INBOUND, Priority.NORMAL, List.of()),
                "omnibridge-msg-5-sf");

        assertThatThrownBy(() -> connector.deliver(d)).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
        });
        long before = System.nanoTime();
        assertThat(connector.deliver(d).itemId()).isEqualTo("00aLATER");
        // The pacer held the next call for the Retry-After.
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThan(Duration.ofMillis(500));
    }

    @Test
    void requestLimitExceeded403IsRetryable() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).willReturn(json(403,
                "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")));

        assertThatThrownBy(() -> connector.deliver(Fixtures.followUp(Fixtures.message("Hi", Direction.INBOUND,
                Priority.NORMAL, List.of()), "k6"))).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isRetryable()).isTrue());
    }

    static final String LOCKED = "[{\"message\":\"unable to obtain exclusive access to this record or 1 records: "
            + CASE + "\",\"errorCode\":\"UNABLE_TO_LOCK_ROW\",\"fields\":[]}]";

    @Test
    void commentOnACaseLockedByAnAgentIsRetryableThenDelivered() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).inScenario("locked")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("free").willReturn(json(400, LOCKED)));
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).inScenario("locked").whenScenarioStateIs("free")
                .willReturn(json(201, "{\"id\":\"00aAFTERLOCK\",\"success\":true,\"errors\":[]}")));
        DeskDelivery d = Fixtures.followUp(Fixtures.message("Hi", Direction.INBOUND, Priority.NORMAL, List.of()),
                "omnibridge-msg-12-sf");

        assertThatThrownBy(() -> connector.deliver(d)).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.getMessage()).contains("UNABLE_TO_LOCK_ROW").doesNotContain(TOKEN);
            // Nor for the hub to pause its deliveries to the whole org.
            assertThat(e.concernsOneRecord()).isTrue();
        });
        long before = System.nanoTime();
        assertThat(connector.deliver(d).itemId()).isEqualTo("00aAFTERLOCK");
        // A lock on one case is no reason to hold the instance's other calls.
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(3));
        wm.verify(exactly(2), postRequestedFor(urlEqualTo(DATA + "/sobjects/CaseComment")));
    }

    @Test
    void caseUpsertOnALockedRowIsRetryableThenLandsOnTheCase() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM Contact WHERE Email", "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003X\"}");
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).inScenario("locked").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("free").willReturn(json(400, LOCKED)));
        wm.stubFor(patch(urlEqualTo(CASE_UPSERT)).inScenario("locked").whenScenarioStateIs("free")
                .willReturn(json(200, Fixtures.upserted(CASE, false))));

        assertThatThrownBy(() -> connector.deliver(Fixtures.opening("Hello")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
        assertThat(connector.deliver(Fixtures.opening("Hello")).ticketRef()).isEqualTo(CASE);
        wm.verify(exactly(2), patchRequestedFor(urlEqualTo(CASE_UPSERT)));
    }

    @Test
    void requiredFieldMissingStaysPermanent() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).willReturn(json(400,
                "[{\"message\":\"Required fields are missing: [ParentId]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\","
                        + "\"fields\":[\"ParentId\"]}]")));

        assertThatThrownBy(() -> connector.deliver(Fixtures.followUp(Fixtures.message("Hi", Direction.INBOUND,
                Priority.NORMAL, List.of()), "k13"))).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isRetryable()).isFalse());
    }

    @Test
    void otherErrorsArePermanentAndNameSalesforcesErrorCode() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).willReturn(json(400,
                "[{\"message\":\"Comment for ann@example.com is invalid\",\"errorCode\":\"FIELD_INTEGRITY_EXCEPTION\","
                        + "\"fields\":[\"ParentId\"]}]")));

        assertThatThrownBy(() -> connector.deliver(Fixtures.followUp(Fixtures.message("Hi", Direction.INBOUND,
                Priority.NORMAL, List.of()), "k7"))).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains("HTTP 400").contains("FIELD_INTEGRITY_EXCEPTION")
                    .doesNotContain("ann@example.com").doesNotContain(TOKEN);
        });
    }

    @Test
    void tokenEchoedInAnErrorNeverReachesTheMessage() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).willReturn(json(400,
                "[{\"message\":\"bad session " + TOKEN + "\",\"errorCode\":\"INVALID_AUTH_HEADER\"}]")));

        assertThatThrownBy(() -> connector.deliver(Fixtures.followUp(Fixtures.message("Hi", Direction.INBOUND,
                Priority.NORMAL, List.of()), "k11"))).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.getMessage()).contains("INVALID_AUTH_HEADER").doesNotContain(TOKEN));
    }

    @Test
    void forbiddenWithoutLimitCodeIsPermanent() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).willReturn(json(403,
                "[{\"message\":\"insufficient access\",\"errorCode\":\"INSUFFICIENT_ACCESS\"}]")));

        assertThatThrownBy(() -> connector.deliver(Fixtures.followUp(Fixtures.message("Hi", Direction.INBOUND,
                Priority.NORMAL, List.of()), "k8"))).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isRetryable()).isFalse());
    }

    @Test
    void serverErrorIsRetryable() throws Exception {
        start();
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE ParentId", "");
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).willReturn(json(503, "[]")));

        assertThatThrownBy(() -> connector.deliver(Fixtures.followUp(Fixtures.message("Hi", Direction.INBOUND,
                Priority.NORMAL, List.of()), "k9"))).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void expiredSessionLogsInAgainOnceAndRepeatsTheCall() throws Exception {
        start();
        wm.stubFor(post(urlEqualTo("/services/oauth2/token"))
                .willReturn(json(200, Fixtures.tokenBody("fresh-token"))));
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(QUERY))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)).willReturn(json(401,
                        "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]")));
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(QUERY))
                .withHeader("Authorization", equalTo("Bearer fresh-token"))
                .willReturn(json(200, Fixtures.queryResult(""))));
        wm.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).withHeader("Authorization",
                equalTo("Bearer fresh-token")).willReturn(json(201, "{\"id\":\"00aAFTER\",\"success\":true}")));

        assertThat(connector.deliver(Fixtures.followUp(Fixtures.message("Hi", Direction.INBOUND, Priority.NORMAL,
                List.of()), "k10")).itemId()).isEqualTo("00aAFTER");
        wm.verify(exactly(2), postRequestedFor(urlEqualTo("/services/oauth2/token")));
    }

    @Test
    void priorityMapsToCasePicklistValues() throws Exception {
        start();
        CasePayloads p = new CasePayloads(SalesforceSettings.from(ctx.settings()));
        assertThat(List.of(Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT).stream().map(p::priority))
                .containsExactly("Low", "Medium", "High", "High");
    }

    @Test
    void longCommentIsCutToSalesforcesByteLimitKeepingTheMarker() throws Exception {
        start();
        CasePayloads p = new CasePayloads(SalesforceSettings.from(ctx.settings()));
        String body = p.comment(Fixtures.followUp(Fixtures.message("é".repeat(5000), Direction.INBOUND,
                Priority.NORMAL, List.of()), "long-key"), CASE).path("CommentBody").asText();
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4000);
        assertThat(body).endsWith("[omnibridge:long-key]");
    }

    @Test
    void soqlStringsAreEscaped() {
        assertThat(Soql.quote("o'hara\\x")).isEqualTo("'o\\'hara\\\\x'");
        assertThat(Map.of("q", Soql.dateTime(java.time.Instant.parse("2026-11-23T19:10:41.250Z"))))
                .containsEntry("q", "2026-11-23T19:10:41Z");
        assertThat(Soql.parse("2026-11-23T19:10:41.000+0000")).isEqualTo("2026-11-23T19:10:41Z");
    }
}
