package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.salesforce.Fixtures.CASE;
import static dev.omnibridge.connector.salesforce.Fixtures.CONV;
import static dev.omnibridge.connector.salesforce.Fixtures.ME;
import static dev.omnibridge.connector.salesforce.Fixtures.QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepliesTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String SECRET = "hint-secret";

    private SalesforceConnector connector;
    private FakeConnectorContext ctx;

    private void start(Map<String, Object> extra) throws Exception {
        Fixtures.stubToken(wm);
        Map<String, Object> s = Fixtures.settings(wm);
        s.putAll(extra);
        ctx = Fixtures.context(s);
        connector = new SalesforceConnector();
        connector.start(ctx);
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    static String comment(String id, String body, boolean published, String createdBy, String userType,
                          String created) {
        return "{\"attributes\":{\"type\":\"CaseComment\"},\"Id\":\"" + id + "\",\"ParentId\":\"" + CASE + "\","
                + "\"CommentBody\":\"" + body + "\",\"IsPublished\":" + published + ",\"CreatedDate\":\"" + created
                + "\",\"SystemModstamp\":\"" + created + "\",\"CreatedById\":\"" + createdBy + "\",\"CreatedBy\":{\"attributes\":{\"type\":\"User\"},"
                + "\"Name\":\"Alice Agent\",\"UserType\":\"" + userType + "\"},\"Parent\":{\"attributes\":{\"type\":"
                + "\"Case\"},\"Omnibridge_Conversation_Id__c\":\"" + CONV + "\"}}";
    }

    static String caseRecord(String id, boolean closed, String modified) {
        return "{\"attributes\":{\"type\":\"Case\"},\"Id\":\"" + id + "\",\"CaseNumber\":\"00001026\",\"IsClosed\":"
                + closed + ",\"LastModifiedDate\":\"" + modified + "\",\"Omnibridge_Conversation_Id__c\":\"" + CONV
                + "\"}";
    }

    private void stubActivity() {
        Fixtures.stubQuery(wm, "FROM CaseComment WHERE Parent.", String.join(",",
                comment("00aAGENT", "We have shipped it again.", true, "005ALICE", "Standard",
                        "2099-11-23T19:20:05.000+0000"),
                comment("00aNOTE", "internal: customer is grumpy", false, "005ALICE", "Standard",
                        "2099-11-23T19:20:06.000+0000"),
                comment("00aOWN", "Ann Lee via webhook-channel: hi", true, ME, "Standard",
                        "2099-11-23T19:20:07.000+0000"),
                comment("00aPORTAL", "customer typed in the portal", true, "005PORTAL", "PowerCustomerSuccess",
                        "2099-11-23T19:20:08.000+0000")));
        Fixtures.stubQuery(wm, "FROM Case WHERE", String.join(",",
                caseRecord(CASE, true, "2099-11-23T19:21:00.000+0000"),
                caseRecord("500REOPENED", false, "2099-11-23T19:21:30.000+0000")));
    }

    @Test
    void signedHintPollsAndReturnsOnlyAgentsPublishedComments() throws Exception {
        start(Map.of());
        stubActivity();

        WebhookOutcome outcome = connector.onWebhook(TestWebhooks.signedPost("sf", SECRET, hint(CASE)));

        Inbound in = outcome.inbound();
        assertThat(in.replies()).hasSize(1);
        DeskReply reply = in.replies().get(0);
        assertThat(reply.ticketRef()).isEqualTo(CASE);
        assertThat(reply.replyId()).isEqualTo("00aAGENT");
        assertThat(reply.author().role()).isEqualTo(Role.AGENT);
        assertThat(reply.author().displayName()).isEqualTo("Alice Agent");
        assertThat(reply.text()).isEqualTo("We have shipped it again.");
        assertThat(reply.createdAt()).isEqualTo(Instant.parse("2099-11-23T19:20:05Z"));
        assertThat(reply.metadata()).containsEntry(DeskReply.CONVERSATION_ID, CONV);
        assertThat(in.ticketUpdates()).containsExactly(new TicketUpdate(CASE, ConversationStatus.RESOLVED),
                new TicketUpdate("500REOPENED", ConversationStatus.OPEN));
        // The comment cursor moves to the newest record seen (skipped ones too, so they are not read forever) less
        // the replyOverlap (5m), so a comment committed late with an earlier stamp is still read; cases as before.
        assertThat(in.offsets()).containsEntry(ReplyPoller.COMMENTS_CURSOR, "2099-11-23T19:15:08Z")
                .containsEntry(ReplyPoller.CASES_CURSOR, "2099-11-23T19:21:30Z");
        assertThat(new String(outcome.response().body(), StandardCharsets.UTF_8)).contains("\"replies\":1");
    }

    @Test
    void pollQueryAsksForPublishedCommentsByOthersSinceTheSavedCursor() throws Exception {
        start(Map.of());
        stubActivity();
        ctx.submit(new Inbound(null, null, null, Map.of(ReplyPoller.COMMENTS_CURSOR, "2026-11-23T19:00:00Z",
                ReplyPoller.CASES_CURSOR, "2026-11-23T18:00:00Z")));

        connector.onWebhook(TestWebhooks.signedPost("sf", SECRET, hint(CASE)));

        wm.verify(getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", com.github.tomakehurst.wiremock.client
                .WireMock.equalTo("SELECT Id, ParentId, CommentBody, IsPublished, CreatedDate, SystemModstamp, "
                        + "CreatedById, CreatedBy.Name, CreatedBy.UserType, Parent.Omnibridge_Conversation_Id__c FROM "
                        + "CaseComment WHERE Parent.Omnibridge_Conversation_Id__c != null AND IsPublished = true AND "
                        + "CreatedById != '" + ME + "' AND SystemModstamp >= 2026-11-23T19:00:00Z ORDER BY "
                        + "SystemModstamp ASC LIMIT 1000")));
        wm.verify(getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", containing(
                "FROM Case WHERE Omnibridge_Conversation_Id__c != null AND LastModifiedDate >= 2026-11-23T18:00:00Z")));
    }

    @Test
    void scheduledPollSubmitsRepliesWithCursors() throws Exception {
        stubActivity();
        start(Map.of("pollInterval", "200ms"));

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ctx.submissions().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ctx.submissions()).isNotEmpty();
        Inbound first = ctx.submissions().get(0);
        assertThat(first.replies()).extracting(DeskReply::replyId).containsExactly("00aAGENT");
        assertThat(ctx.offsets()).containsEntry(ReplyPoller.COMMENTS_CURSOR, "2099-11-23T19:15:08Z");
    }

    @Test
    void knownVectorSignaturePassesInHexPrefixedAndBase64FormsThenTheBodyIsChecked() throws Exception {
        start(Map.of("webhookSecret", "key"));
        stubActivity();
        byte[] body = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);
        // RFC 4231-style published HMAC-SHA256 vector for this key and message.
        String hex = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

        // A matching signature gets past the 401 check; the vector's body is not a hint, so it is refused with 400.
        for (String signature : List.of(hex, "sha256=" + hex, "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=")) {
            assertRefused(request(body, signature), 400);
        }
        assertNoCommentsPolled();
    }

    @Test
    void oneChangedByteIsRejectedAndNothingIsPolled() throws Exception {
        start(Map.of("webhookSecret", "key"));
        byte[] body = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);
        body[4] = 'Q';
        assertRefused(request(body, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"), 401);
        assertNoCommentsPolled();
    }

    @Test
    void missingSignatureIsRejected() throws Exception {
        start(Map.of());
        assertRefused(TestWebhooks.request("sf", "POST", "{}".getBytes(), Map.of()), 401, "missing");
        assertNoCommentsPolled();
    }

    @Test
    void expiredHintIsRejected() throws Exception {
        start(Map.of());
        String old = "{\"caseId\":\"" + CASE + "\",\"sentAt\":\"" + Instant.now().minus(Duration.ofMinutes(10)) + "\"}";
        assertRefused(TestWebhooks.signedPost("sf", SECRET, old), 401, "expired");
        assertNoCommentsPolled();

        stubActivity();
        String fresh = "{\"caseId\":\"" + CASE + "\",\"sentAt\":\"" + Instant.now() + "\"}";
        assertThat(connector.onWebhook(TestWebhooks.signedPost("sf", SECRET, fresh)).inbound().replies()).hasSize(1);
    }

    @Test
    void signedHintThatIsNotJsonOrLacksSentAtIsRefusedAndNothingIsPolled() throws Exception {
        start(Map.of());
        stubActivity();
        for (String body : List.of("poll please", "{}", "{\"caseId\":\"" + CASE + "\"}", "[1,2]",
                "{\"caseId\":\"" + CASE + "\",\"sentAt\":42}")) {
            assertRefused(TestWebhooks.signedPost("sf", SECRET, body), 400, "sentAt");
        }
        assertNoCommentsPolled();
    }

    @Test
    void hintFromTheFutureBeyondTheWindowIsRefused() throws Exception {
        start(Map.of());
        String ahead = "{\"caseId\":\"" + CASE + "\",\"sentAt\":\"" + Instant.now().plus(Duration.ofMinutes(10)) + "\"}";
        assertRefused(TestWebhooks.signedPost("sf", SECRET, ahead), 401);
    }

    /** A hint as the guide's Apex class sends it: the case ids and the time it was sent. */
    private static String hint(String caseId) {
        return "{\"caseIds\":[\"" + caseId + "\"],\"sentAt\":\"" + Instant.now() + "\"}";
    }

    @Test
    void withoutWebhookSecretTheHookIsOff() throws Exception {
        Fixtures.stubToken(wm);
        Map<String, Object> s = Fixtures.settings(wm);
        s.remove("webhookSecret");
        ctx = Fixtures.context(s);
        connector = new SalesforceConnector();
        connector.start(ctx);
        assertRefused(TestWebhooks.signedPost("sf", SECRET, hint(CASE)), 404);
    }

    /** The connector refuses the webhook with {@code status}, its message naming each of {@code reasons}. */
    private void assertRefused(WebhookRequest request, int status, String... reasons) {
        assertThatThrownBy(() -> connector.onWebhook(request))
                .as("webhook %s", new String(request.body(), StandardCharsets.UTF_8))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    for (String reason : reasons) {
                        assertThat(e.getMessage()).contains(reason);
                    }
                });
    }

    /** No CaseComment query reached Salesforce. */
    private void assertNoCommentsPolled() {
        wm.verify(exactly(0), getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", containing("FROM CaseComment")));
    }

    private static WebhookRequest request(byte[] body, String signature) {
        return TestWebhooks.request("sf", "POST", body, Map.of("X-Omnibridge-Signature", List.of(signature)));
    }
}
