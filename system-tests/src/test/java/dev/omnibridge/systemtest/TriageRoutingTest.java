package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.ZendeskApiFake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19, done means 3: German messages (detected by the hub, the channel gives no language) route to one Zendesk
 * desk with a group setting, everything else to another; a conversation stays with its desk; and
 * {@code POST /api/rules/test} answers the same desks for the same sample messages. The packaged hub runs two
 * zendesk instances on two {@link ZendeskApiFake}s (Tickets API shapes; the create-ticket request's
 * {@code ticket.group_id} is the group).
 */
class TriageRoutingTest extends SystemTestBase {
    private static final String ZENDESK_DE = "zendesk-de";
    private static final String ZENDESK_EN = "zendesk-en";
    private static final String GROUP = "360000001";
    private static final String EMAIL = "bridge@acme.test";
    private static final String API_TOKEN = "zd-test-api-token-0123456789";
    private static final String SIGNING_SECRET = "zd-signing-secret-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final String GERMAN = "Hallo, mein Drucker funktioniert seit gestern nicht mehr, können Sie mir "
            + "bitte helfen?";
    private static final String ENGLISH = "Hello, my printer stopped working yesterday, could you please help me "
            + "with it?";
    private static final String FRENCH = "Bonjour, mon imprimante ne fonctionne plus depuis hier, pouvez-vous "
            + "m'aider s'il vous plaît?";

    private ZendeskApiFake german;
    private ZendeskApiFake others;

    @Override
    protected HubProcess startHub() {
        german = ZendeskApiFake.start(EMAIL, API_TOKEN);
        others = ZendeskApiFake.start(EMAIL, API_TOKEN);
        return startHubWith("zendesk");
    }

    /** The configuration of design19 / docs/contracts.md, as a support lead writes it. */
    @Override
    protected HubConfig config() {
        return quickRetryConfig()
                .instance(ZENDESK_DE, "zendesk", german.instanceSettings(SIGNING_SECRET))
                .instance(ZENDESK_EN, "zendesk", others.instanceSettings(SIGNING_SECRET))
                .triage("""
                          languages: [en, de, fr, es, pt, it, nl]
                          minConfidence: 0.5
                        """)
                .routeYaml("""
                          - name: german
                            from: [web]
                            when: {language: de}
                            to:
                              - desk: zendesk-de
                                group: "360000001"
                          - name: everything-else
                            from: [web]
                            to: [zendesk-en]
                        """);
    }

    @BeforeAll
    void desksAreRunning() {
        awaitRunning(ZENDESK_DE, ZENDESK_EN);
    }

    @AfterAll
    void stopFakes() {
        if (german != null) {
            german.close();
        }
        if (others != null) {
            others.close();
        }
    }

    private ObjectNode awaitTicket(ZendeskApiFake fake, String firstText) {
        Poll.until(WAIT, "a ticket opened with '" + firstText + "'", () -> !fake.ticketsOpenedWith(firstText).isEmpty());
        return fake.ticketsOpenedWith(firstText).get(0);
    }

    /** The create-ticket requests the fake received, as sent. */
    private static List<JsonNode> createTicketRequests(ZendeskApiFake fake) {
        List<JsonNode> out = new ArrayList<>();
        fake.server().getAllServeEvents().forEach(e -> {
            if (e.getRequest().getMethod().getName().equals("POST")
                    && e.getRequest().getUrl().startsWith("/api/v2/tickets")
                    && !e.getRequest().getUrl().contains("/api/v2/tickets/")) {
                out.add(Json.parse(e.getRequest().getBodyAsString()).path("ticket"));
            }
        });
        return out;
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    }

    @Test
    void germanMessagesGoToTheGermanDesksGroupAndEverythingElseToTheOtherDesk() {
        String deThread = unique("de");
        String enThread = unique("en");
        String frThread = unique("fr");
        accepted(postToChannel(unique("m"), deThread, GERMAN + " " + deThread));
        accepted(postToChannel(unique("m"), enThread, ENGLISH + " " + enThread));
        accepted(postToChannel(unique("m"), frThread, FRENCH + " " + frThread));

        ObjectNode deTicket = awaitTicket(german, GERMAN + " " + deThread);
        ObjectNode enTicket = awaitTicket(others, ENGLISH + " " + enThread);
        ObjectNode frTicket = awaitTicket(others, FRENCH + " " + frThread);

        assertThat(deTicket.path("group_id").asText()).isEqualTo(GROUP);
        assertThat(createTicketRequests(german)).allSatisfy(t -> assertThat(t.path("group_id").asText())
                .isEqualTo(GROUP));
        assertThat(enTicket.has("group_id")).as("the desk's default group").isFalse();
        assertThat(frTicket.has("group_id")).isFalse();
        assertThat(german.ticketsOpenedWith(ENGLISH + " " + enThread)).isEmpty();
        assertThat(others.ticketsOpenedWith(GERMAN + " " + deThread)).isEmpty();
        assertThat(Json.write(deTicket.path("tags"))).contains("lang-de");

        // The stored record says why: the language the hub detected and the route that fired.
        JsonNode stored = hub.http().adminJson("/api/messages?limit=10&conversationId="
                + deTicket.path("external_id").asText()).path("messages").get(0).path("message");
        assertThat(Json.write(stored)).contains("\"language\":\"de\"").contains("omnibridge.route")
                .contains("german");
    }

    @Test
    void aGermanConversationStaysAtTheGermanDeskWhenTheCustomerWritesInEnglish() {
        String thread = unique("de-stay");
        accepted(postToChannel(unique("m"), thread, GERMAN + " " + thread));
        ObjectNode ticket = awaitTicket(german, GERMAN + " " + thread);
        awaitDeskDeliveriesDone(ticket.path("external_id").asText());

        String followUp = "Thank you, is there any news about my printer? " + thread;
        accepted(postToChannel(unique("m"), thread, followUp));

        long id = ticket.path("id").asLong();
        Poll.until(WAIT, "the follow-up on the German ticket", () -> german.commentsOf(id).size() == 2);
        assertThat(german.commentsOf(id).get(1).path("body").asText()).contains(followUp);
        assertThat(others.ticketsOpenedWith(followUp)).isEmpty();
    }

    @Test
    void theRulesTestEndpointAnswersTheDesksWhereTheSameMessagesThenGo() {
        Map<String, ZendeskApiFake> fakes = Map.of(ZENDESK_DE, german, ZENDESK_EN, others);
        for (String text : List.of(GERMAN, ENGLISH, FRENCH)) {
            String thread = unique("sample");
            String body = text + " " + thread;
            String channelMessageId = unique("m");
            ObjectNode sample = Messages.inboundNode(channelMessageId, thread, body);
            sample.putObject("channel").put("type", "webhook-channel").put("instanceId", WEB);
            sample.put("direction", "INBOUND");

            HttpResponse<String> response = hub.http().adminPost("/api/rules/test", Json.write(sample));
            assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
            JsonNode answer = Json.parse(response.body());
            List<String> named = new ArrayList<>();
            answer.path("desks").forEach(d -> named.add(d.path("desk").asText()));
            assertThat(named).as(response.body()).containsExactly(text.equals(GERMAN) ? ZENDESK_DE : ZENDESK_EN);
            assertThat(answer.path("desks").get(0).path("assignment").path("group").asText())
                    .isEqualTo(text.equals(GERMAN) ? GROUP : "");
            assertThat(answer.path("routes").get(0).path("name").asText())
                    .isEqualTo(text.equals(GERMAN) ? "german" : "everything-else");
            assertThat(answer.path("language").path("value").asText()).isEqualTo(text.equals(GERMAN) ? "de"
                    : text.equals(ENGLISH) ? "en" : "fr");

            // The same message for real: not a duplicate of anything (the test stored nothing), and it goes there.
            accepted(postToChannel(Messages.inbound(channelMessageId, thread, body)));
            ObjectNode ticket = awaitTicket(fakes.get(named.get(0)), body);
            assertThat(ticket.path("group_id").asText()).isEqualTo(text.equals(GERMAN) ? GROUP : "");
        }
    }
}
