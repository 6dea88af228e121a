package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * WireMock standing in for a Salesforce org's REST API, in the test JVM. Shapes follow Salesforce's references:
 * client credentials token (developer.salesforce.com/docs/atlas.en-us.chatterapi.meta/chatterapi/quickstart_connecting.htm),
 * upsert by external id, 201 created / 200 updated (developer.salesforce.com/docs/platform/api-rest/guide/dome-upsert.html),
 * SOQL query answers {@code {totalSize, done, records}} (developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm),
 * error arrays {@code [{message, errorCode}]} (developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm),
 * CaseComment and ContentVersion fields from the object reference.
 *
 * <p>Upserted Cases get the id {@code 500-<conversation id>} and Contacts {@code 003-<contact id>}: the same key always
 * names the same record, as an external id does. Lookup queries answer no records; the poll queries answer what the
 * test put in with {@link #agentComment} and {@link #closeCase}.
 */
public final class SalesforceApiFake implements AutoCloseable {
    public static final String DATA = "/services/data/v61.0";
    public static final String QUERY = DATA + "/query";
    public static final String CASE_UPSERT = DATA + "/sobjects/Case/Omnibridge_Conversation_Id__c/";
    public static final String INTEGRATION_USER = "005INTEGRATION01";
    private static final int OVERRIDE = 1;

    private final WireMockServer server;
    private final List<String> comments = new ArrayList<>();
    private final List<String> cases = new ArrayList<>();
    private final List<String> emails = new ArrayList<>();

    private SalesforceApiFake(WireMockServer server) {
        this.server = server;
    }

    public static SalesforceApiFake start(String token) {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(32).templatingEnabled(true));
        server.start();
        SalesforceApiFake fake = new SalesforceApiFake(server);
        fake.stubDefaults(token);
        return fake;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    /**
     * Settings of a salesforce desk instance on this org: polls only when told (hint or test), a short timeout;
     * {@code webhookSecret} null for an instance without hints.
     */
    public Map<String, Object> instanceSettings(String webhookSecret) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("baseUrl", baseUrl());
        settings.put("clientId", "3MVG9-system-test-client");
        settings.put("clientSecret", "system-test-client-secret");
        if (webhookSecret != null) {
            settings.put("webhookSecret", webhookSecret);
        }
        settings.put("pollInterval", "1h");
        settings.put("timeout", "5s");
        return settings;
    }

    public WireMockServer server() {
        return server;
    }

    private void stubDefaults(String token) {
        server.stubFor(post(urlEqualTo("/services/oauth2/token")).willReturn(json(200,
                "{\"access_token\":\"" + token + "\",\"signature\":\"c2lnbmF0dXJl\",\"token_format\":\"opaque\","
                        + "\"instance_url\":\"" + server.baseUrl() + "\",\"id\":\"https://login.salesforce.com/id/"
                        + "00DS7000000oxzo/" + INTEGRATION_USER + "\",\"token_type\":\"Bearer\","
                        + "\"issued_at\":\"1732390000000\"}")));
        server.stubFor(get(urlPathEqualTo(QUERY)).atPriority(10).willReturn(json(200, records(List.of()))));
        // SOSL phone lookups (REST "Search for a String": {"searchRecords":[...]}): nobody has the number yet.
        server.stubFor(get(urlPathEqualTo(DATA + "/search/")).atPriority(10)
                .willReturn(json(200, "{\"searchRecords\":[]}")));
        server.stubFor(patch(urlPathMatching(DATA + "/sobjects/Contact/Omnibridge_Contact_Id__c/.+")).atPriority(10)
                .willReturn(json(201, "{\"id\":\"003-{{request.pathSegments.[6]}}\",\"errors\":[],\"success\":true,"
                        + "\"created\":true}").withTransformers("response-template")));
        server.stubFor(patch(urlPathMatching(CASE_UPSERT + ".+")).atPriority(10).willReturn(caseUpserted(201, true)));
        server.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).atPriority(10).willReturn(json(201,
                "{\"id\":\"00a{{randomValue length=15 type='ALPHANUMERIC'}}\",\"success\":true,\"errors\":[]}")
                .withTransformers("response-template")));
        server.stubFor(post(urlEqualTo(DATA + "/sobjects/ContentVersion")).atPriority(10).willReturn(json(201,
                "{\"id\":\"068{{randomValue length=15 type='ALPHANUMERIC'}}\",\"success\":true,\"errors\":[]}")
                .withTransformers("response-template")));
    }

    private static ResponseDefinitionBuilder caseUpserted(int status, boolean created) {
        return json(status, "{\"id\":\"500-{{request.pathSegments.[6]}}\",\"errors\":[],\"success\":true,"
                + "\"created\":" + created + "}").withTransformers("response-template");
    }

    /** The case upsert whose body contains {@code marker} is committed but its answer is lost (connection reset). */
    public void loseFirstCaseAnswer(String marker) {
        String scenario = "lost-" + marker;
        server.stubFor(patch(urlPathMatching(CASE_UPSERT + ".+")).atPriority(OVERRIDE).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).withRequestBody(containing(marker))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("committed"));
        server.stubFor(patch(urlPathMatching(CASE_UPSERT + ".+")).atPriority(OVERRIDE).inScenario(scenario)
                .whenScenarioStateIs("committed").withRequestBody(containing(marker))
                .willReturn(caseUpserted(200, false)));
    }

    /** The first comment whose body contains {@code marker} is refused with 429 and Retry-After. */
    public void rateLimitFirstComment(String marker, int retryAfterSeconds) {
        String scenario = "busy-" + marker;
        server.stubFor(post(urlEqualTo(DATA + "/sobjects/CaseComment")).atPriority(OVERRIDE).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).withRequestBody(containing(marker))
                .willReturn(json(429, "[{\"message\":\"Too many requests\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")
                        .withHeader("Retry-After", String.valueOf(retryAfterSeconds)))
                .willSetStateTo("free"));
    }

    /** A comment on a case, returned by every later poll (the connector's cursor query is not evaluated here). */
    public synchronized void agentComment(String caseId, String conversationId, String commentId, String text,
                                          boolean published, String createdById) {
        ObjectNode c = Json.object();
        c.putObject("attributes").put("type", "CaseComment");
        c.put("Id", commentId).put("ParentId", caseId).put("CommentBody", text).put("IsPublished", published)
                .put("CreatedDate", "2026-11-23T19:20:05.000+0000")
                .put("SystemModstamp", "2026-11-23T19:20:05.000+0000").put("CreatedById", createdById);
        ObjectNode by = c.putObject("CreatedBy");
        by.putObject("attributes").put("type", "User");
        by.put("Name", "Alice Agent").put("UserType", "Standard");
        ObjectNode parent = c.putObject("Parent");
        parent.putObject("attributes").put("type", "Case");
        parent.put("Omnibridge_Conversation_Id__c", conversationId);
        comments.add(Json.write(c));
        server.stubFor(get(urlPathEqualTo(QUERY)).atPriority(OVERRIDE)
                .withQueryParam("q", containing("FROM CaseComment WHERE Parent."))
                .willReturn(json(200, records(comments))));
    }

    /**
     * An email sent from the case's Send Email action (an outgoing, sent EmailMessage; field names from the
     * EmailMessage object reference), returned by every later poll like {@link #agentComment}.
     */
    public synchronized void agentEmail(String caseId, String conversationId, String emailId, String htmlBody,
                                        String createdById) {
        agentEmail(caseId, conversationId, emailId, htmlBody, createdById, null, null);
    }

    /**
     * An agent's sent email, as {@link #agentEmail(String, String, String, String, String)}, that Salesforce sent to
     * {@code toAddress} and {@code ccAddress} (the EmailMessage fields: addresses separated by semicolons; null when
     * empty).
     */
    public synchronized void agentEmail(String caseId, String conversationId, String emailId, String htmlBody,
                                        String createdById, String toAddress, String ccAddress) {
        ObjectNode e = Json.object();
        e.put("ToAddress", toAddress).put("CcAddress", ccAddress).putNull("BccAddress");
        e.putObject("attributes").put("type", "EmailMessage")
                .put("url", DATA + "/sobjects/EmailMessage/" + emailId);
        e.put("Id", emailId).put("ParentId", caseId).put("Subject", "Re: your parcel").putNull("TextBody")
                .put("HtmlBody", htmlBody).put("FromName", "Acme Support").put("Incoming", false).put("Status", "3")
                .put("HasAttachment", false).put("MessageDate", "2026-11-23T19:22:00.000+0000")
                .put("CreatedDate", "2026-11-23T19:22:00.000+0000")
                .put("SystemModstamp", "2026-11-23T19:22:00.000+0000").put("CreatedById", createdById);
        ObjectNode by = e.putObject("CreatedBy");
        by.putObject("attributes").put("type", "User");
        by.put("Name", "Alice Agent").put("UserType", "Standard");
        ObjectNode parent = e.putObject("Parent");
        parent.putObject("attributes").put("type", "Case");
        parent.put("Omnibridge_Conversation_Id__c", conversationId);
        emails.add(Json.write(e));
        server.stubFor(get(urlPathEqualTo(QUERY)).atPriority(OVERRIDE)
                .withQueryParam("q", containing("FROM EmailMessage WHERE Parent."))
                .willReturn(json(200, records(emails))));
    }

    /** The case is closed from now on. */
    public synchronized void closeCase(String caseId, String conversationId) {
        ObjectNode k = Json.object();
        k.putObject("attributes").put("type", "Case");
        k.put("Id", caseId).put("CaseNumber", "00001026").put("IsClosed", true)
                .put("LastModifiedDate", "2026-11-23T19:21:00.000+0000")
                .put("Omnibridge_Conversation_Id__c", conversationId);
        cases.add(Json.write(k));
        server.stubFor(get(urlPathEqualTo(QUERY)).atPriority(OVERRIDE).withQueryParam("q", containing("FROM Case WHERE"))
                .willReturn(json(200, records(cases))));
    }

    /** One request the connector made. */
    public record Call(String method, String path, String query, JsonNode body, int status, boolean fault,
                       java.time.Instant at) {
    }

    public List<Call> calls() {
        List<Call> out = new ArrayList<>();
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        java.util.Collections.reverse(events);
        for (ServeEvent e : events) {
            String url = e.getRequest().getUrl();
            int q = url.indexOf('?');
            String body = e.getRequest().getBodyAsString();
            JsonNode json = body.startsWith("{") || body.startsWith("[") ? Json.parse(body) : Json.object();
            out.add(new Call(e.getRequest().getMethod().getName(), q < 0 ? url : url.substring(0, q),
                    q < 0 ? "" : URLDecoder.decode(url.substring(q + 1), StandardCharsets.UTF_8), json,
                    e.getResponse().getStatus(), e.getResponse().getFault() != null,
                    e.getRequest().getLoggedDate().toInstant()));
        }
        return out;
    }

    private static String records(List<String> items) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        items.forEach(i -> array.add(Json.parse(i)));
        ObjectNode result = Json.object().put("totalSize", items.size()).put("done", true);
        result.set("records", array);
        return Json.write(result);
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    @Override
    public void close() {
        server.stop();
    }
}
