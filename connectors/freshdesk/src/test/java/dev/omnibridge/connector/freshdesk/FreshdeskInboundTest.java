package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
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

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Agents' replies back from Freshdesk: the automation webhook (secret header, body {"ticket_id":...}) is a hint; the
 * ticket (View a Ticket) and its conversations (List All Conversations of a Ticket) are read from WireMock playing
 * the API v2 (https://developers.freshdesk.com/api/).
 */
class FreshdeskInboundTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String HEADER = "X-Omnibridge-Webhook-Secret";

    private FakeConnectorContext ctx;
    private FreshdeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1}")));
        api.stubFor(get("/api/v2/agents/5").willReturn(okJson("{\"id\":5,\"contact\":{\"name\":\"Alice Agent\"}}")));
        api.stubFor(get("/api/v2/agents/77").willReturn(aResponse().withStatus(404)));
        api.stubFor(get("/api/v2/agents/78").willReturn(aResponse().withStatus(404)));
        ctx = Fixture.context(api.baseUrl());
        connector = new FreshdeskConnector();
        connector.start(ctx);
    }

    private static WebhookRequest hook(String body, Map<String, List<String>> headers) {
        return TestWebhooks.request("fd", "POST", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static WebhookRequest signedHook(String body) {
        return hook(body, Map.of(HEADER, List.of(Fixture.WEBHOOK_SECRET), "Content-Type", List.of("application/json")));
    }

    private void ticket(String id, int status) {
        api.stubFor(get("/api/v2/tickets/" + id).willReturn(okJson("{\"id\":" + id + ",\"requester_id\":77,\"status\":"
                + status + ",\"custom_fields\":{\"cf_omnibridge_conversation_id\":\"conv-1234\"}}")));
    }

    @Test
    void missingSecretHeaderIs401WrongOrAlteredIs403AndNothingIsRead() {
        String body = "{\"ticket_id\": 501}";
        assertThatThrownBy(() -> connector.onWebhook(hook(body, Map.of())))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThatThrownBy(() -> connector.onWebhook(hook(body, Map.of(HEADER, List.of("nope")))))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        String oneByteChanged = Fixture.WEBHOOK_SECRET.substring(0, Fixture.WEBHOOK_SECRET.length() - 1) + "g";
        assertThatThrownBy(() -> connector.onWebhook(hook(body, Map.of(HEADER, List.of(oneByteChanged)))))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).doesNotContain(Fixture.WEBHOOK_SECRET);
                });
        assertThat(api.getAllServeEvents()).as("no API call for a rejected hint")
                .noneMatch(e -> e.getRequest().getUrl().startsWith("/api/v2/tickets"));
    }

    @Test
    void bodyWithoutATicketNumberIs400() {
        assertThatThrownBy(() -> connector.onWebhook(signedHook("{\"ticket\": 1}")))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> connector.onWebhook(signedHook("{\"ticket_id\": \"../agents/me\"}")))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> connector.onWebhook(signedHook("not json")))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void onlyPublicAgentRepliesComeBackWithAgentNameConversationIdAndFilesFetchedWithoutCredentials() throws Exception {
        ticket("501", 3);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        api.stubFor(get("/s3/signed/label.png?X-Amz-Signature=abc").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(png)));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(okJson("""
                [{"id":1,"body":"<div>customer note by hub</div><!-- omnibridge:idem-msg-2 -->","body_text":"x",
                  "incoming":true,"private":false,"user_id":77,"source":2,"created_at":"2026-11-20T10:00:00Z"},
                 {"id":2,"body":"<div>internal</div>","body_text":"internal","incoming":false,"private":true,
                  "user_id":5,"source":2,"created_at":"2026-11-20T10:01:00Z"},
                 {"id":3,"body":"<div>Hello Ann, here is your label</div>","body_text":"Hello Ann, here is your label",
                  "incoming":false,"private":false,"user_id":5,"source":0,"created_at":"2026-11-20T10:02:00Z",
                  "attachments":[{"id":70,"name":"label.png","content_type":"image/png","size":7,
                    "attachment_url":"%s/s3/signed/label.png?X-Amz-Signature=abc"}]},
                 {"id":4,"body":"<div>fwd</div>","body_text":"fwd","incoming":false,"private":false,"user_id":5,
                  "source":8,"created_at":"2026-11-20T10:03:00Z"},
                 {"id":5,"body":"<div>cc</div>","body_text":"cc","incoming":false,"private":false,"user_id":78,
                  "source":0,"created_at":"2026-11-20T10:04:00Z"},
                 {"id":6,"body":"<div>own</div><!-- omnibridge:idem-x -->","body_text":"own","incoming":false,
                  "private":false,"user_id":5,"source":2,"created_at":"2026-11-20T10:05:00Z"}]"""
                .formatted(api.baseUrl()))));

        WebhookOutcome outcome = connector.onWebhook(signedHook("{\"ticket_id\": 501}"));

        List<DeskReply> replies = outcome.inbound().replies();
        assertThat(replies).hasSize(1);
        DeskReply reply = replies.get(0);
        assertThat(reply.ticketRef()).isEqualTo("501");
        assertThat(reply.replyId()).isEqualTo("3");
        assertThat(reply.author().role()).isEqualTo(Role.AGENT);
        assertThat(reply.author().displayName()).isEqualTo("Alice Agent");
        assertThat(reply.text()).isEqualTo("Hello Ann, here is your label");
        assertThat(reply.html()).isEqualTo("<div>Hello Ann, here is your label</div>");
        assertThat(reply.createdAt()).isEqualTo(Instant.parse("2026-11-20T10:02:00Z"));
        assertThat(reply.metadata()).containsEntry(DeskReply.CONVERSATION_ID, "conv-1234");
        assertThat(reply.attachments()).hasSize(1);
        assertThat(reply.attachments().get(0).mediaType()).isEqualTo("image/png");
        assertThat(ctx.attachments().bytes(reply.attachments().get(0).location())).isEqualTo(png);
        api.verify(getRequestedFor(urlEqualTo("/s3/signed/label.png?X-Amz-Signature=abc"))
                .withHeader("Authorization", absent()));
        assertThat(outcome.inbound().ticketUpdates()).containsExactly(new TicketUpdate("501", ConversationStatus.OPEN));
    }

    @Test
    void resolvedOrClosedTicketResolvesTheConversation() {
        ticket("502", 4);
        ticket("503", 5);
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/502/conversations")).willReturn(okJson("[]")));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/503/conversations")).willReturn(okJson("[]")));

        assertThat(connector.onWebhook(signedHook("{\"ticket_id\": 502}")).inbound().ticketUpdates())
                .containsExactly(new TicketUpdate("502", ConversationStatus.RESOLVED));
        assertThat(connector.onWebhook(signedHook("{\"freshdesk_webhook\":{\"ticket_id\":\"503\"}}")).inbound()
                .ticketUpdates()).containsExactly(new TicketUpdate("503", ConversationStatus.RESOLVED));
    }

    @Test
    void internalNoteOnlyTicketGivesNoReply() {
        ticket("504", 2);
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/504/conversations")).willReturn(okJson("""
                [{"id":11,"body":"<div>secret</div>","body_text":"secret","incoming":false,"private":true,
                  "user_id":5,"source":2,"created_at":"2026-11-20T10:01:00Z"}]""")));

        assertThat(connector.onWebhook(signedHook("{\"ticket_id\": 504}")).inbound().replies()).isEmpty();
    }

    @Test
    void attachmentOnAForeignPlainHttpOrPrivateHostIsNotFetchedAndTheTextSaysSo() throws Exception {
        ticket("505", 2);
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/505/conversations")).willReturn(okJson("""
                [{"id":21,"body":"<div>see file</div>","body_text":"see file","incoming":false,"private":false,
                  "user_id":5,"source":0,"created_at":"2026-11-20T10:01:00Z",
                  "attachments":[{"name":"a.pdf","content_type":"application/pdf","size":5,
                                  "attachment_url":"http://files.example.net/a.pdf"},
                                 {"name":"b.pdf","content_type":"application/pdf","size":5,
                                  "attachment_url":"https://127.0.0.1:1/b.pdf"}]}]""")));

        DeskReply reply = connector.onWebhook(signedHook("{\"ticket_id\": 505}")).inbound().replies().get(0);

        assertThat(reply.attachments()).isEmpty();
        assertThat(reply.text()).contains("[file not attached: a.pdf]").contains("[file not attached: b.pdf]");
        assertThat(reply.html()).as("the HTML names the missing files too").startsWith("<div>see file</div>")
                .contains("[file not attached: a.pdf]").contains("[file not attached: b.pdf]");
        assertThat(reply.metadata().get(dev.omnibridge.deskkit.FileNotes.METADATA_KEY))
                .contains("a.pdf (").contains("only https").contains("b.pdf (").contains("loopback");
        assertThat(ctx.attachments().size()).isZero();
    }

    @Test
    void unknownTicketIsAcceptedWithNothingToStoreAndApiTroubleAsksForARetry() {
        api.stubFor(get("/api/v2/tickets/506").willReturn(aResponse().withStatus(404)));
        assertThat(connector.onWebhook(signedHook("{\"ticket_id\": 506}")).inbound().isEmpty()).isTrue();

        api.stubFor(get("/api/v2/tickets/507").willReturn(aResponse().withStatus(502)));
        assertThatThrownBy(() -> connector.onWebhook(signedHook("{\"ticket_id\": 507}")))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void privateAddressesAreRecognised() throws Exception {
        for (String a : List.of("127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.4", "169.254.169.254", "100.64.0.1",
                "0.0.0.0", "::1", "fd00::1", "fe80::1")) {
            assertThat(dev.omnibridge.deskkit.PublicFiles.isPrivate(InetAddress.getByName(a))).as(a).isTrue();
        }
        assertThat(dev.omnibridge.deskkit.PublicFiles.isPrivate(InetAddress.getByName("52.95.110.1"))).isFalse();
        assertThat(dev.omnibridge.deskkit.PublicFiles.isPrivate(InetAddress.getByName("2600:1f18::1"))).isFalse();
    }
}
