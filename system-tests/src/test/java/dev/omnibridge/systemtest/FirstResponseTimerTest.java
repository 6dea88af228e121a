package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.ConsoleBrowser;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * First-response timers in the packaged hub (issue 18), with a NORMAL target of 3 s so that the real clock gets
 * there: a customer message left unanswered breaches on the hub's own schedule, the webhook desk gets the internal
 * note (tagged and at the raised priority) after the ticket, the admin API, {@code /metrics} and the console mark
 * it; the agent's answer then stops the clock.
 */
class FirstResponseTimerTest extends SystemTestBase {
    @Override
    protected HubConfig config() {
        return standardConfig().firstResponse("normal", "3s").firstResponse("warnAt", 0);
    }

    @Test
    void anUnansweredMessageBreachesTheDeskGetsTheNoteAndTheAnswerStopsTheClock() {
        String thread = unique("sla");
        assertThat(postToChannel(thread + "-1", thread, "Where is my order?").statusCode()).isEqualTo(200);

        List<ReceivedRequest> events = awaitDeskAccepted(thread, 2, Duration.ofSeconds(30));
        ReceivedRequest opened = events.get(0);
        ReceivedRequest note = events.get(1);
        assertThat(opened.text("/message/direction")).isEqualTo("INBOUND");
        assertThat(note.signedWith(DESK_SECRET)).isTrue();
        assertThat(note.text("/event")).isEqualTo("message.created");
        assertThat(note.text("/message/direction")).isEqualTo("INTERNAL");
        assertThat(note.text("/message/author/role")).isEqualTo("SYSTEM");
        assertThat(note.text("/message/priority")).as("NORMAL raised one step").isEqualTo("HIGH");
        assertThat(note.body().at("/message/tags").toString()).contains("sla-breached");
        assertThat(note.text("/message/text")).contains("First response overdue", "NORMAL target of 3s");
        assertThat(note.ticketRef()).as("on the ticket the first message opened").isNotNull();
        assertThat(note.receivedAt()).isAfterOrEqualTo(opened.receivedAt());

        String conversation = opened.conversationId();
        JsonNode timer = hub.http().adminJson("/api/conversations/" + conversation).path("firstResponse");
        assertThat(timer.path("state").asText()).isEqualTo("BREACHED");
        assertThat(timer.path("tags").toString()).contains("sla-breached");
        assertThat(timer.path("priority").asText()).isEqualTo("HIGH");
        Poll.until(Duration.ofSeconds(10), "the breach is counted", () -> hub.http().get("/metrics").body()
                .contains("omnibridge_first_response_breaches_total{instance=\"web\",priority=\"NORMAL\"} 1.0"));

        if (ConsoleBrowser.installed()) {
            try (ConsoleBrowser browser = ConsoleBrowser.start()) {
                browser.logIn(hub.baseUrl());
                browser.openConversation(hub.baseUrl(), thread);
                browser.untilText(By.cssSelector("#conversation-list li .badge.breached"), "overdue");
                browser.untilText(By.id("first-response"), "overdue");
                browser.untilText(By.cssSelector("#conversation-detail .automation.breached"),
                        "priority raised to HIGH");
                browser.screenshot(getClass().getSimpleName() + "-breached");
            }
        }

        awaitTicketLinked(opened);
        assertThat(postDeskReply(Messages.deskReply(note.ticketRef(), conversation, thread + "-r1",
                "Sorry for the wait: it ships today.", false)).statusCode() / 100).isEqualTo(2);
        Poll.until(Duration.ofSeconds(10), "the answer stops the clock", () -> hub.http()
                .adminJson("/api/conversations/" + conversation).path("firstResponse").path("state").asText()
                .equals("ANSWERED"));
        Poll.until(Duration.ofSeconds(15), "the answer reached the customer's channel",
                () -> !callbacksFor(thread).isEmpty());
        assertThat(hub.http().get("/metrics").body())
                .contains("omnibridge_first_response_seconds_count{instance=\"web\"} 1");
    }
}
