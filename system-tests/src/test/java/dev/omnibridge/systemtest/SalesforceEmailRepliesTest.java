package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SalesforceApiFake;
import dev.omnibridge.systemtest.support.Signatures;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent's answer from a Salesforce case's Send Email action (an outgoing EmailMessage) reaches the customer's
 * channel, once: polls re-read it (the connector's cursor stays behind on purpose and the fake answers every poll
 * with it), and after a hub restart the connector has forgotten what it submitted, so only the hub's journal, which
 * refuses a reply id it stored, keeps it from going out twice. The hub's own writes are not echoed.
 */
class SalesforceEmailRepliesTest extends SystemTestBase {
    private static final String SF = "sf";
    private static final String HINT_SECRET = "salesforce-hint-secret";
    private static final Duration ARRIVAL = Duration.ofSeconds(15);

    private SalesforceApiFake salesforce;

    @Override
    protected HubProcess startHub() {
        salesforce = SalesforceApiFake.start("00DS7000000oxzo!AR8AQ-email-replies-token");
        return startHubWith("salesforce");
    }

    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .instance(SF, "salesforce", salesforce.instanceSettings(HINT_SECRET))
                .route(WEB, SF)
                .delivery("initialBackoff", "100ms").delivery("maxBackoff", "2s");
    }

    @BeforeAll
    void salesforceIsRunning() {
        awaitRunning(SF);
    }

    @AfterAll
    void stopSalesforce() {
        if (salesforce != null) {
            salesforce.close();
        }
    }

    @Test
    void emailActionAnswerReachesTheCustomerOnceAlsoAfterARestartAndTheHubsOwnWritesStayOut() {
        String thread = "sf-mail";
        assertThat(postToChannel("m-sf-mail-1", thread, "Where is my parcel sf-mail?").statusCode()).isEqualTo(200);
        Poll.until(ARRIVAL, "a Case for " + thread, () -> salesforce.calls().stream().anyMatch(c ->
                c.method().equals("PATCH") && c.path().startsWith(SalesforceApiFake.CASE_UPSERT) && c.status() / 100 == 2
                        && c.body().path("Description").asText().contains("sf-mail")));
        String conversationId = salesforce.calls().stream().filter(c -> c.method().equals("PATCH")
                        && c.path().startsWith(SalesforceApiFake.CASE_UPSERT)).findFirst().orElseThrow().path()
                .substring(SalesforceApiFake.CASE_UPSERT.length());
        String caseId = "500-" + conversationId;
        Poll.until(ARRIVAL, "the conversation knows its Case", () -> caseId.equals(Json.text(
                hub.http().adminJson("/api/conversations/" + conversationId), "/deskTickets/" + SF)));

        salesforce.agentEmail(caseId, conversationId, "02sREPLY0000001",
                "<p>It ships tomorrow (sf-mail).</p><p>Alice</p><blockquote>Where is my parcel sf-mail?</blockquote>",
                "005ALICE");
        salesforce.agentEmail(caseId, conversationId, "02sOWN00000001", "<p>written by the hub sf-mail</p>",
                SalesforceApiFake.INTEGRATION_USER);

        assertThat(hint(caseId).statusCode()).isEqualTo(200);
        Poll.until(ARRIVAL, "the agent's email reached the channel", () -> !callbacksFor(thread).isEmpty());
        assertThat(hint(caseId).statusCode()).as("a second poll re-reads the email").isEqualTo(200);
        awaitQuiet(channel, Duration.ofMillis(700));
        List<ReceivedRequest> sent = callbacksFor(thread);
        assertThat(sent).extracting(r -> r.text("/text")).containsExactly("It ships tomorrow (sf-mail).\n\nAlice");
        assertThat(sent.get(0).text("/author/displayName")).isEqualTo("Alice Agent");

        hub.restart();
        awaitRunning(SF);
        HttpResponse<String> afterRestart = hint(caseId);
        assertThat(afterRestart.statusCode()).as(describe(afterRestart)).isEqualTo(200);
        awaitQuiet(channel, Duration.ofMillis(700));
        assertThat(callbacksFor(thread)).as("the restarted hub did not send it again").hasSize(1);
    }

    private HttpResponse<String> hint(String caseId) {
        String body = Json.write(Json.object().put("caseId", caseId).put("sentAt", Instant.now().toString()));
        return hub.http().post("/hooks/" + SF, body, Signatures.HEADER, Signatures.sign(HINT_SECRET, body));
    }
}
