package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent's Reply (conversation source 0) is an email Freshdesk sends itself to the conversation's
 * {@code to_emails}, {@code cc_emails} and {@code bcc_emails} (List All Conversations of a Ticket); the reply names
 * them ({@link DeskReply#DELIVERED_TO}) so the hub does not mail an email customer among them again. A public note
 * (source 2) is not mailed to those addresses ({@code to_emails} of a note are the agents it notifies), so it names
 * nobody and the hub sends it as before.
 */
class ReplyRecipientsTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FreshdeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1}")));
        api.stubFor(get("/api/v2/agents/5").willReturn(okJson("{\"id\":5,\"contact\":{\"name\":\"Alice Agent\"}}")));
        api.stubFor(get("/api/v2/tickets/601").willReturn(okJson("{\"id\":601,\"requester_id\":77,\"status\":2,"
                + "\"custom_fields\":{\"cf_omnibridge_conversation_id\":\"conv-1234\"}}")));
        connector = new FreshdeskConnector();
        connector.start(Fixture.context(api.baseUrl()));
    }

    @AfterEach
    void stop() {
        connector.stop();
    }

    private List<DeskReply> hook() {
        WebhookRequest request = TestWebhooks.request("fd", "POST",
                "{\"ticket_id\": 601}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Omnibridge-Webhook-Secret", List.of(Fixture.WEBHOOK_SECRET),
                        "Content-Type", List.of("application/json")));
        return connector.onWebhook(request).inbound().replies();
    }

    @Test
    void anAgentsReplyNamesTheAddressesFreshdeskMailedItToAndANoteNamesNobody() {
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/601/conversations")).willReturn(okJson("""
                [{"id":9,"body":"<div>Your refund is on its way</div>","body_text":"Your refund is on its way",
                  "incoming":false,"private":false,"user_id":5,"source":0,"support_email":"support@acme.example",
                  "from_email":"\\"Acme Support\\" <support@acme.example>","to_emails":["Ann@Example.com"],
                  "cc_emails":["bob@example.org"],"bcc_emails":["audit@acme.example"],
                  "created_at":"2026-11-20T10:02:00Z"},
                 {"id":10,"body":"<div>Also, a voucher</div>","body_text":"Also, a voucher",
                  "incoming":false,"private":false,"user_id":5,"source":2,"to_emails":["carol@acme.example"],
                  "created_at":"2026-11-20T10:05:00Z"}]""")));

        List<DeskReply> replies = hook();

        assertThat(replies).extracting(DeskReply::replyId).containsExactly("9", "10");
        assertThat(replies.get(0).metadata()).containsEntry(DeskReply.DELIVERED_TO,
                "ann@example.com,bob@example.org,audit@acme.example");
        assertThat(replies.get(1).metadata()).doesNotContainKey(DeskReply.DELIVERED_TO);
    }
}
