package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key that may not view agents (View an Agent answers 403), or an agents endpoint in trouble (500), must not cost
 * the customer the reply: the reply comes back under the name the conversation carries ({@code from_email}'s display
 * name) or a neutral "Agent", and a later successful lookup still gives the agent's own name.
 */
class AgentLookupFailureTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String HEADER = "X-Omnibridge-Webhook-Secret";
    private static final String AGENT = "/api/v2/agents/5";

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private FreshdeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        originalErr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1}")));
        api.stubFor(get("/api/v2/tickets/601").willReturn(okJson("{\"id\":601,\"requester_id\":77,\"status\":2,"
                + "\"custom_fields\":{\"cf_omnibridge_conversation_id\":\"conv-1234\"}}")));
        FakeConnectorContext ctx = Fixture.context(api.baseUrl());
        connector = new FreshdeskConnector();
        connector.start(ctx);
    }

    @AfterEach
    void restore() {
        connector.stop();
        System.setErr(originalErr);
        originalErr.print(captured.toString(StandardCharsets.UTF_8));
    }

    /** One public agent reply (List All Conversations of a Ticket), sent from the helpdesk's support address. */
    private void conversation(String fromEmail) {
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/601/conversations")).willReturn(okJson("""
                [{"id":9,"body":"<div>Your refund is on its way</div>","body_text":"Your refund is on its way",
                  "incoming":false,"private":false,"user_id":5,"source":0,"support_email":"support@acme.example",
                  "from_email":%s,"to_emails":["ann@example.com"],"created_at":"2026-11-20T10:02:00Z"}]"""
                .formatted(fromEmail == null ? "null" : "\"" + fromEmail.replace("\"", "\\\"") + "\""))));
    }

    private List<DeskReply> hook() {
        WebhookRequest request = TestWebhooks.request("fd", "POST",
                "{\"ticket_id\": 601}".getBytes(StandardCharsets.UTF_8),
                Map.of(HEADER, List.of(Fixture.WEBHOOK_SECRET), "Content-Type", List.of("application/json")));
        return connector.onWebhook(request).inbound().replies();
    }

    private static void agentLookupAnswers(int status) {
        api.stubFor(get(AGENT).willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"code\":\"access_denied\",\"message\":\"You are not authorized to perform this action.\"}")));
    }

    @Test
    void forbiddenAgentLookupStillReturnsTheReplyUnderTheConversationsSenderName() {
        agentLookupAnswers(403);
        conversation("\"Acme Support\" <support@acme.example>");

        List<DeskReply> replies = hook();

        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).text()).isEqualTo("Your refund is on its way");
        assertThat(replies.get(0).author().role()).isEqualTo(Role.AGENT);
        assertThat(replies.get(0).author().displayName()).isEqualTo("Acme Support");
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).contains("403").doesNotContain(Fixture.API_KEY).doesNotContain(Fixture.basicAuth())
                .doesNotContain("ann@example.com").doesNotContain("refund");
    }

    @Test
    void failingAgentLookupWithABareSenderAddressReturnsTheReplyAsANeutralAgent() {
        agentLookupAnswers(500);
        conversation("support@acme.example");

        List<DeskReply> replies = hook();

        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).author().displayName()).isEqualTo("Agent");
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(Fixture.API_KEY)
                .doesNotContain("support@acme.example");
    }

    @Test
    void failingAgentLookupWithoutSenderReturnsTheReplyAsANeutralAgent() {
        agentLookupAnswers(403);
        conversation(null);

        assertThat(hook()).singleElement().satisfies(r -> assertThat(r.author().displayName()).isEqualTo("Agent"));
    }

    @Test
    void failedLookupIsNotRememberedSoALaterSuccessGivesTheAgentsOwnName() {
        api.stubFor(get(AGENT).inScenario("agent").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("allowed")
                .willReturn(aResponse().withStatus(403)));
        api.stubFor(get(AGENT).inScenario("agent").whenScenarioStateIs("allowed")
                .willReturn(okJson("{\"id\":5,\"contact\":{\"name\":\"Alice Agent\",\"email\":\"alice@acme.example\"}}")));
        conversation("\"Acme Support\" <support@acme.example>");

        assertThat(hook()).singleElement().satisfies(r -> assertThat(r.author().displayName()).isEqualTo("Acme Support"));
        assertThat(hook()).singleElement().satisfies(r -> assertThat(r.author().displayName()).isEqualTo("Alice Agent"));
        api.verify(2, getRequestedFor(urlEqualTo(AGENT)));
    }

    @Test
    void userWhoIsNotAnAgentStaysOutOfTheReplies() {
        agentLookupAnswers(404);
        conversation("\"Ann Lee\" <ann@example.com>");

        // 404 is Freshdesk's answer for a user who is not an agent (a CC'd contact): not a failure to paper over.
        assertThat(hook()).isEmpty();
    }
}
