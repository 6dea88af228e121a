package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.ZendeskApiFake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19, done means 2: priority rules with keywords in English and German, a VIP contact list and an unanswered
 * rule set the priorities and tags a Zendesk desk shows in the fields its Tickets API documents ({@code
 * ticket.priority}: urgent, high, normal, low; {@code ticket.tags}). The packaged hub, one zendesk instance on a
 * {@link ZendeskApiFake}, fed by the webhook channel.
 */
class TriagePriorityTest extends SystemTestBase {
    private static final String ZENDESK = "zd";
    private static final String EMAIL = "bridge@acme.test";
    private static final String API_TOKEN = "zd-test-api-token-0123456789";
    private static final String SIGNING_SECRET = "zd-signing-secret-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The VIP's thread key: webhook-channel test messages come from {@code <thread>@example.com}. */
    private final String vipThread = unique("vip");
    private ZendeskApiFake zendesk;

    @Override
    protected HubProcess startHub() {
        zendesk = ZendeskApiFake.start(EMAIL, API_TOKEN);
        return startHubWith("zendesk");
    }

    /** The rules of design19 / docs/contracts.md, as a support lead writes them. */
    @Override
    protected HubConfig config() {
        return quickRetryConfig()
                .instance(ZENDESK, "zendesk", zendesk.instanceSettings(SIGNING_SECRET))
                .route(WEB, ZENDESK)
                .triage("""
                          languages: [en, de]
                          minConfidence: 0.5
                          lists:
                            vip: ["%s@example.com"]
                          rules:
                            - name: urgent-words
                              when:
                                keywords: {en: [urgent, asap, "not working"], de: [dringend, sofort, "funktioniert nicht"]}
                              set: {priority: URGENT, tags: [urgent]}
                            - name: vip
                              when: {contactIn: vip}
                              set: {priority: HIGH, tags: [vip]}
                            - name: chasing
                              when: {unanswered: 3}
                              set: {priority: HIGH, tags: [chasing]}
                        """.formatted(vipThread));
    }

    @BeforeAll
    void zendeskIsRunning() {
        awaitRunning(ZENDESK);
    }

    @AfterAll
    void stopFake() {
        if (zendesk != null) {
            zendesk.close();
        }
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    }

    /** Posts a new conversation's first message and waits for its ticket. */
    private ObjectNode ticketFor(String thread, String text) {
        accepted(postToChannel(unique("m"), thread, text));
        Poll.until(WAIT, "a ticket opened with '" + text + "'", () -> !zendesk.ticketsOpenedWith(text).isEmpty());
        return zendesk.ticketsOpenedWith(text).get(0);
    }

    private JsonNode storedMessages(String conversationId) {
        return hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversationId).path("messages");
    }

    @Test
    void anEnglishKeywordMakesTheTicketUrgentAndTagsIt() {
        String thread = unique("en-urgent");
        ObjectNode ticket = ticketFor(thread, "Our checkout is not working since this morning, we need help asap "
                + thread);

        assertThat(ticket.path("priority").asText()).isEqualTo("urgent");
        assertThat(Json.write(ticket.path("tags"))).contains("\"urgent\"");
        assertThat(Json.write(storedMessages(ticket.path("external_id").asText())))
                .contains("omnibridge.triage.rules").contains("urgent-words");
    }

    @Test
    void aGermanKeywordMakesTheTicketUrgentAndTagsIt() {
        String thread = unique("de-urgent");
        ObjectNode ticket = ticketFor(thread, "Unser Onlineshop funktioniert nicht mehr, bitte helfen Sie uns "
                + "dringend weiter " + thread);

        assertThat(ticket.path("priority").asText()).isEqualTo("urgent");
        assertThat(Json.write(ticket.path("tags"))).contains("\"urgent\"");
    }

    @Test
    void aMessageNoRuleMatchesKeepsTheNormalPriority() {
        String thread = unique("plain");
        ObjectNode ticket = ticketFor(thread, "Could you send me a copy of last month's invoice, please? " + thread);

        assertThat(ticket.path("priority").asText()).isEqualTo("normal");
        assertThat(Json.write(ticket.path("tags"))).doesNotContain("\"urgent\"", "\"vip\"", "\"chasing\"");
    }

    @Test
    void aContactOnTheVipListGetsAHighPriorityTaggedTicket() {
        ObjectNode ticket = ticketFor(vipThread, "Could you send me a copy of last month's invoice, please? "
                + vipThread);

        assertThat(ticket.path("priority").asText()).isEqualTo("high");
        assertThat(Json.write(ticket.path("tags"))).contains("\"vip\"");
    }

    @Test
    void theThirdMessageWithoutAnAnswerRaisesTheTicketToHigh() {
        String thread = unique("chasing");
        ObjectNode ticket = ticketFor(thread, "I ordered a blue jacket last week and have a question about the size "
                + thread);
        long id = ticket.path("id").asLong();
        String conversation = ticket.path("external_id").asText();
        awaitDeskDeliveriesDone(conversation);
        assertThat(ticket.path("priority").asText()).isEqualTo("normal");

        accepted(postToChannel(unique("m"), thread, "Hello, is anybody reading these messages? " + thread));
        Poll.until(WAIT, "the second comment", () -> zendesk.commentsOf(id).size() == 2);
        awaitDeskDeliveriesDone(conversation);
        assertThat(ticket.path("priority").asText()).as("two messages: not chasing yet").isEqualTo("normal");

        accepted(postToChannel(unique("m"), thread, "Still waiting for an answer about the jacket " + thread));
        Poll.until(WAIT, "the third comment", () -> zendesk.commentsOf(id).size() == 3);
        Poll.until(WAIT, "the ticket raised to high", () -> ticket.path("priority").asText().equals("high"));

        JsonNode third = null;
        for (JsonNode view : storedMessages(conversation)) {
            if (view.path("message").path("text").asText().startsWith("Still waiting")) {
                third = view.path("message");
            }
        }
        assertThat(third).as("the third message, stored").isNotNull();
        assertThat(Json.write(third.path("tags"))).contains("chasing");
        assertThat(third.path("priority").asText()).isEqualTo("HIGH");
    }
}
