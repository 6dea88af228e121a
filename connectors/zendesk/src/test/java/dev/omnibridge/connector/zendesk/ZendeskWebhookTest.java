package dev.omnibridge.connector.zendesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.TicketUpdate;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Zendesk webhooks: signature per https://developer.zendesk.com/documentation/webhooks/verifying/ (base64
 * HMAC-SHA256 of timestamp + raw body), comments per the Ticket Comments reference with sideloaded users.
 */
class ZendeskWebhookTest {
    /** Zendesk's documented example inputs (secret, body, timestamp). */
    private static final String DOC_BODY = "{\"say\": \"hello\"}";
    private static final String DOC_TIMESTAMP = "2021-07-25T10:00:00Z";
    /** Computed independently (python hmac) over timestamp + body with the documented secret. */
    private static final String DOC_TIMESTAMP_THEN_BODY = "Rry/4TtIdFyawtXXp8QdI6tlAUUQ/5kL1OTp5qo/ZIk=";
    private static final Instant NOW = Instant.parse("2021-07-25T10:02:00Z");

    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FakeConnectorContext ctx;
    private ZendeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        zd.stubFor(get("/api/v2/users/me").willReturn(okJson("{\"user\":{\"id\":900,\"role\":\"admin\"}}")));
        ctx = Fixture.context(Fixture.settings(zd.baseUrl()));
        connector = new ZendeskConnector(Clock.fixed(NOW, ZoneOffset.UTC));
        connector.start(ctx);
    }

    private static WebhookRequest request(String body, String timestamp, String signature) {
        Map<String, List<String>> headers = new java.util.HashMap<>();
        headers.put("Content-Type", List.of("application/json"));
        if (timestamp != null) {
            headers.put("X-Zendesk-Webhook-Signature-Timestamp", List.of(timestamp));
        }
        if (signature != null) {
            headers.put("X-Zendesk-Webhook-Signature", List.of(signature));
        }
        return TestWebhooks.request("zd", "POST", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static WebhookRequest signed(String body, String timestamp) {
        return request(body, timestamp, ZendeskSignature.sign(Fixture.SIGNING_SECRET, timestamp,
                body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSignatureIsBase64HmacSha256OfTimestampThenRawBody() {
        assertThat(ZendeskSignature.sign(Fixture.SIGNING_SECRET, DOC_TIMESTAMP,
                DOC_BODY.getBytes(StandardCharsets.UTF_8))).isEqualTo(DOC_TIMESTAMP_THEN_BODY);
    }

    @Test
    void aKnownVectorPassesTheCheck() {
        ZendeskSignature check = new ZendeskSignature(Fixture.SIGNING_SECRET, Duration.ofMinutes(5),
                Clock.fixed(NOW, ZoneOffset.UTC));
        check.verify(request(DOC_BODY, DOC_TIMESTAMP, DOC_TIMESTAMP_THEN_BODY));
    }

    @Test
    void oneChangedBodyByteIsRejectedWith401AndNothingIsRead() {
        String body = "{\"ticket_id\":\"77\",\"external_id\":\"conv-1\",\"status\":\"Open\"}";
        WebhookRequest good = signed(body, DOC_TIMESTAMP);
        WebhookRequest tampered = request(body.replace("77", "78"), DOC_TIMESTAMP,
                good.header("X-Zendesk-Webhook-Signature").orElseThrow());

        WebhookRejectedException e = catchThrowableOfType(() -> connector.onWebhook(tampered),
                WebhookRejectedException.class);

        assertThat(e.status()).isEqualTo(401);
        assertThat(zd.getAllServeEvents()).allMatch(ev -> ev.getRequest().getUrl().equals("/api/v2/users/me"));
    }

    @Test
    void aMissingSignatureOrTimestampIsRejected() {
        String body = "{\"ticket_id\":\"77\"}";
        assertThat(catchThrowableOfType(() -> connector.onWebhook(request(body, DOC_TIMESTAMP, null)),
                WebhookRejectedException.class).status()).isEqualTo(401);
        assertThat(catchThrowableOfType(() -> connector.onWebhook(request(body, null, "abc=")),
                WebhookRejectedException.class).status()).isEqualTo(401);
    }

    @Test
    void aCorrectlySignedButStaleTimestampIsRejectedAsAReplay() {
        String body = "{\"ticket_id\":\"77\"}";
        WebhookRejectedException e = catchThrowableOfType(() -> connector.onWebhook(signed(body,
                "2021-07-25T09:50:00Z")), WebhookRejectedException.class);

        assertThat(e.status()).isEqualTo(401);
        assertThat(e).hasMessageContaining("window");
    }

    @Test
    void anAgentsPublicCommentBecomesAReplyWhileNotesEndUserCommentsAndOwnPostsDoNot() {
        String file = zd.baseUrl() + "/attachments/token/abc/?name=label.pdf";
        zd.stubFor(get(urlEqualTo("/attachments/token/abc/?name=label.pdf"))
                .willReturn(aResponse().withStatus(200).withBody(new byte[]{9, 8, 7})));
        zd.stubFor(get("/api/v2/tickets/77/comments?include=users&page[size]=100").willReturn(okJson("""
                {"comments":[
                  {"id":1,"type":"Comment","author_id":501,"public":true,"body":"My parcel is late","created_at":"2021-07-25T09:00:00Z","attachments":[]},
                  {"id":2,"type":"Comment","author_id":900,"public":true,"body":"posted by the hub","created_at":"2021-07-25T09:01:00Z","attachments":[]},
                  {"id":3,"type":"Comment","author_id":42,"public":false,"body":"internal: check the warehouse","created_at":"2021-07-25T09:30:00Z","attachments":[]},
                  {"id":4,"type":"Comment","author_id":42,"public":true,"body":"It ships today.","html_body":"<p>It ships today.</p>",
                   "plain_body":"It ships today.","created_at":"2021-07-25T10:01:00Z",
                   "attachments":[{"id":11,"file_name":"label.pdf","content_type":"application/pdf","size":3,"inline":false,"content_url":"%s"}]}],
                 "users":[{"id":501,"name":"Ann Example","role":"end-user"},{"id":900,"name":"Bridge","role":"admin"},
                          {"id":42,"name":"Alice Agent","role":"agent"}]}""".formatted(file))));

        WebhookOutcome outcome = connector.onWebhook(signed(
                "{\"ticket_id\":\"77\",\"external_id\":\"conv-1\",\"status\":\"Solved\"}", "2021-07-25T10:01:30Z"));

        List<DeskReply> replies = outcome.inbound().replies();
        assertThat(replies).hasSize(1);
        DeskReply reply = replies.get(0);
        assertThat(reply.ticketRef()).isEqualTo("77");
        assertThat(reply.replyId()).isEqualTo("4");
        assertThat(reply.author().role()).isEqualTo(Role.AGENT);
        assertThat(reply.author().displayName()).isEqualTo("Alice Agent");
        assertThat(reply.text()).isEqualTo("It ships today.");
        assertThat(reply.html()).isEqualTo("<p>It ships today.</p>");
        assertThat(reply.createdAt()).isEqualTo(Instant.parse("2021-07-25T10:01:00Z"));
        assertThat(reply.metadata()).containsEntry(DeskReply.CONVERSATION_ID, "conv-1");
        Attachment a = reply.attachments().get(0);
        assertThat(a.fileName()).isEqualTo("label.pdf");
        assertThat(a.location().getScheme()).isEqualTo("attachment");
        zd.verify(getRequestedFor(urlEqualTo("/attachments/token/abc/?name=label.pdf"))
                .withHeader("Authorization", equalTo("Basic " + Base64.getEncoder().encodeToString(
                        (Fixture.EMAIL + "/token:" + Fixture.TOKEN).getBytes(StandardCharsets.UTF_8)))));
        assertThat(outcome.inbound().ticketUpdates()).containsExactly(new TicketUpdate("77", ConversationStatus.RESOLVED));
    }

    @Test
    void anAttachmentOnAnotherHostIsPassedByUrlWithoutTheCredentials() {
        zd.stubFor(get("/api/v2/tickets/77/comments?include=users&page[size]=100").willReturn(okJson("""
                {"comments":[{"id":4,"author_id":42,"public":true,"body":"see file","created_at":"2021-07-25T10:01:00Z",
                   "attachments":[{"id":11,"file_name":"x.png","content_type":"image/png","size":5,"content_url":"https://cdn.example.net/x.png"}]}],
                 "users":[{"id":42,"name":"Alice Agent","role":"agent"}]}""")));

        DeskReply reply = connector.onWebhook(signed("{\"ticket_id\":\"77\",\"status\":\"Open\"}", "2021-07-25T10:01:30Z"))
                .inbound().replies().get(0);

        assertThat(reply.attachments().get(0).location().toString()).isEqualTo("https://cdn.example.net/x.png");
        assertThat(ctx.attachments().size()).isZero();
    }

    @Test
    void onlyAnInternalNoteMeansNothingGoesToTheCustomer() {
        zd.stubFor(get("/api/v2/tickets/77/comments?include=users&page[size]=100").willReturn(okJson("""
                {"comments":[{"id":3,"author_id":42,"public":false,"body":"internal only","created_at":"2021-07-25T09:30:00Z","attachments":[]}],
                 "users":[{"id":42,"name":"Alice Agent","role":"agent"}]}""")));

        WebhookOutcome outcome = connector.onWebhook(signed("{\"ticket_id\":\"77\",\"status\":\"Open\"}",
                "2021-07-25T10:01:30Z"));

        assertThat(outcome.inbound().replies()).isEmpty();
        assertThat(outcome.inbound().ticketUpdates()).containsExactly(new TicketUpdate("77", ConversationStatus.OPEN));
    }

    @Test
    void aSignedBodyWithoutTicketIdIsABadRequest() {
        WebhookRejectedException e = catchThrowableOfType(() -> connector.onWebhook(signed("{\"x\":1}",
                "2021-07-25T10:01:30Z")), WebhookRejectedException.class);
        assertThat(e.status()).isEqualTo(400);
        assertThat(zd.getAllServeEvents()).allMatch(ev -> ev.getRequest().getUrl().equals("/api/v2/users/me"));
    }

    @Test
    void commentsAreReadAcrossCursorPagesSoTheNewestReplyOnALongTicketIsNotMissed() {
        String next = zd.baseUrl() + "/api/v2/tickets/77/comments.json?include=users&page%5Bafter%5D=xyz&page%5Bsize%5D=100";
        zd.stubFor(get("/api/v2/tickets/77/comments?include=users&page[size]=100").willReturn(okJson("""
                {"comments":[{"id":1,"author_id":501,"public":true,"body":"old","created_at":"2021-07-25T09:00:00Z","attachments":[]}],
                 "users":[{"id":501,"name":"Ann Example","role":"end-user"}],
                 "meta":{"has_more":true,"after_cursor":"xyz"},"links":{"next":"%s"}}""".formatted(next))));
        zd.stubFor(get(urlEqualTo("/api/v2/tickets/77/comments.json?include=users&page%5Bafter%5D=xyz&page%5Bsize%5D=100"))
                .willReturn(okJson("""
                {"comments":[{"id":500,"author_id":42,"public":true,"body":"newest","created_at":"2021-07-25T10:00:00Z","attachments":[]}],
                 "users":[{"id":42,"name":"Alice Agent","role":"agent"}],"meta":{"has_more":false},"links":{"next":null}}""")));

        List<DeskReply> replies = connector.onWebhook(signed("{\"ticket_id\":\"77\",\"status\":\"Open\"}", "2021-07-25T10:01:30Z"))
                .inbound().replies();

        assertThat(replies).extracting(DeskReply::replyId).containsExactly("500");
    }

    @Test
    void withoutAKnownStatusInTheBodyTheTicketsOwnStatusIsRead() {
        zd.stubFor(get("/api/v2/tickets/77/comments?include=users&page[size]=100").willReturn(okJson(
                "{\"comments\":[],\"users\":[]}")));
        zd.stubFor(get("/api/v2/tickets/77").willReturn(okJson("{\"ticket\":{\"id\":77,\"status\":\"closed\"}}")));

        WebhookOutcome outcome = connector.onWebhook(signed("{\"ticket_id\":\"77\",\"status\":\"Gelöst\"}",
                "2021-07-25T10:01:30Z"));

        assertThat(outcome.inbound().ticketUpdates()).containsExactly(new TicketUpdate("77", ConversationStatus.RESOLVED));
    }
}
