package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * Salesforce answers shaped from the published references:
 * OAuth client credentials flow (developer.salesforce.com/docs/atlas.en-us.chatterapi.meta/chatterapi/quickstart_connecting.htm),
 * upsert by external id (developer.salesforce.com/docs/platform/api-rest/guide/dome-upsert.html),
 * status codes and error bodies (developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm),
 * CaseComment (developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_casecomment.htm),
 * blob inserts (developer.salesforce.com/docs/platform/api-rest/guide/dome-sobject-insert-update-blob.md).
 */
final class Fixtures {
    static final String CLIENT_ID = "3MVG9-client-id";
    static final String CLIENT_SECRET = "8A4BE698-client-secret";
    static final String TOKEN = "00DS7000000oxzo!AR8AQ-access-token";
    static final String ORG = "00DS7000000oxzo";
    static final String ME = "005INTEGRATION01";
    static final String DATA = "/services/data/v61.0";
    static final String QUERY = DATA + "/query";
    static final String CONV = "conv-7f3a";
    static final String CASE = "500Hs00001ABCDEFG";

    private Fixtures() {
    }

    static Map<String, Object> settings(WireMockExtension wm) {
        Map<String, Object> s = new HashMap<>();
        s.put("baseUrl", wm.baseUrl());
        s.put("clientId", CLIENT_ID);
        s.put("clientSecret", CLIENT_SECRET);
        s.put("pollInterval", "1h");
        s.put("webhookSecret", "hint-secret");
        return s;
    }

    static FakeConnectorContext context(Map<String, Object> settings) {
        return new FakeConnectorContext("sf", new SalesforceType().config(), settings);
    }

    /** A connector started on the WireMock org (token and start-up queries stubbed), {@code extra} on the settings. */
    static SalesforceConnector started(WireMockExtension wm, Map<String, Object> extra) throws Exception {
        stubToken(wm);
        Map<String, Object> s = settings(wm);
        s.putAll(extra);
        SalesforceConnector connector = new SalesforceConnector();
        connector.start(context(s));
        return connector;
    }

    /** The same on an org whose records the test commits, emptied first; its stubs go over the token's. */
    static SalesforceConnector started(WireMockExtension wm, OrgRecords org) throws Exception {
        stubToken(wm);
        org.reset();
        org.stub(wm);
        SalesforceConnector connector = new SalesforceConnector();
        connector.start(context(settings(wm)));
        return connector;
    }

    /** The org's signed hint that the hub's case changed; the connector answers what it fetched for it. */
    static Inbound caseHint(SalesforceConnector connector) {
        String body = "{\"caseIds\":[\"" + CASE + "\"],\"sentAt\":\"" + Instant.now() + "\"}";
        return connector.onWebhook(TestWebhooks.signedPost("sf", "hint-secret", body)).inbound();
    }

    /** Polls {@code condition} every 20 ms for up to 10 s. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    static void stubToken(WireMockExtension wm) {
        wm.stubFor(post(urlEqualTo("/services/oauth2/token")).willReturn(json(200, tokenBody(TOKEN))));
        stubQuery(wm, "FROM Case LIMIT 1", "");
        // Agents' emails are polled with the comments; none unless a test says so.
        stubQuery(wm, "FROM EmailMessage", "");
    }

    static String tokenBody(String token) {
        return "{\"access_token\":\"" + token + "\",\"signature\":\"nUFHwtfIGLKD=\",\"token_format\":\"opaque\","
                + "\"instance_url\":\"https://acme.my.salesforce.com\",\"id\":\"https://login.salesforce.com/id/"
                + ORG + "/" + ME + "\",\"token_type\":\"Bearer\",\"issued_at\":\"1732390000000\"}";
    }

    /** A query whose SOQL contains {@code soqlPart} answers these records. */
    static void stubQuery(WireMockExtension wm, String soqlPart, String recordsJson) {
        wm.stubFor(get(urlPathEqualTo(QUERY)).withQueryParam("q", containing(soqlPart))
                .willReturn(json(200, queryResult(recordsJson))));
    }

    static String queryResult(String recordsJson) {
        int n = recordsJson.isBlank() ? 0 : recordsJson.split("\"attributes\"", -1).length - 1;
        return "{\"totalSize\":" + n + ",\"done\":true,\"records\":[" + recordsJson + "]}";
    }

    static String upserted(String id, boolean created) {
        return "{\"id\":\"" + id + "\",\"errors\":[],\"success\":true,\"created\":" + created + "}";
    }

    static Conversation conversation() {
        return new Conversation(CONV, new ChannelRef("webhook-channel", "web"), "thread-1", "contact-42",
                Address.email("ann@example.com"), ConversationStatus.OPEN, Map.of(), Instant.now());
    }

    static Contact contact() {
        return new Contact("contact-42", "Ann Lee", List.of(Address.email("ann@example.com"),
                Address.phone("+447700900123")));
    }

    static Message message(String text, Direction direction, Priority priority, List<Attachment> files) {
        return Message.builder().id("msg-1").direction(direction).channel(new ChannelRef("webhook-channel", "web"))
                .channelMessageId("cm-1").threadKey("thread-1").conversationId(CONV)
                .author(Author.customer("Ann Lee", Address.email("ann@example.com"))).text(text)
                .priority(priority).attachments(files).receivedAt(Instant.now()).build();
    }

    static DeskDelivery opening(String text) {
        return new DeskDelivery(message(text, Direction.INBOUND, Priority.URGENT, List.of()), conversation(),
                contact(), null, "omnibridge-msg-1-sf");
    }

    static DeskDelivery followUp(Message m, String key) {
        return new DeskDelivery(m, conversation(), contact(), CASE, key);
    }
}
