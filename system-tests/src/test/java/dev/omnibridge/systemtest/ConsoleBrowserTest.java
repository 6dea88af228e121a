package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.ConsoleBrowserTestBase;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in headless Chromium against the packaged hub: channel {@value #WEB} feeds the webhook desk
 * {@value #DESK} (WireMock) and the built-in console inbox {@value #INBOX}. One browser for the class; the tests run
 * in order because the first logs in.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest extends ConsoleBrowserTestBase {
    private static final String INBOX = "inbox";
    private static final String HOSTILE = "<img src=x onerror=\"window.__pwned=1\">";


    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .instance(INBOX, "console-inbox", Map.of())
                .route(WEB, DESK, INBOX);
    }

    @Test
    @Order(1)
    void wrongAdminTokenIsRefusedAndTheRightOneOpensTheConsole() {
        browser.open(hub.baseUrl() + "/console");
        browser.find(By.id("login-token")).sendKeys("not-the-token");
        browser.find(By.id("login-submit")).click();
        browser.untilText(By.id("login-error"), "Wrong admin token");
        assertThat(browser.find(By.id("login")).isDisplayed()).isTrue();
        assertThat(browser.findAll(By.id("app")).get(0).isDisplayed()).isFalse();
        browser.screenshot(getClass().getSimpleName() + "-login-refused");

        browser.logIn(hub.baseUrl());
        browser.untilText(By.cssSelector("#instances-table tr[data-instance='" + INBOX + "'] .state"), "RUNNING");
        assertThat(browser.driver().manage().getCookieNamed("omnibridge_console").isHttpOnly()).isTrue();
        assertThat(browser.script("return document.cookie")).as("the session cookie is out of the page's reach")
                .isEqualTo("");
    }

    @Test
    @Order(2)
    void agentAnswersFromTheConsoleAndTheReplyLeavesThroughTheCustomersChannel() {
        ObjectNode message = Messages.inboundNode("console-answer-1", "console-answer", "Where is my order?");
        ((ObjectNode) message.get("author")).put("displayName", "Carla Console");
        assertThat(postToChannel(Json.write(message)).statusCode()).isEqualTo(200);

        browser.logIn(hub.baseUrl());
        browser.find(By.id("agent-name")).sendKeys("Alice Agent");
        browser.openConversation(hub.baseUrl(), "carla");
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .text"), "Where is my order?");
        browser.untilText(By.cssSelector("#conversation-detail .tickets"), INBOX + ": inbox-");
        browser.find(By.id("answer-text")).sendKeys("It ships today.");
        browser.click(By.id("answer-send"));

        Poll.until(Duration.ofSeconds(15), "the console reply reached the channel callback",
                () -> !callbacksFor("console-answer").isEmpty());
        ReceivedRequest callback = callbacksFor("console-answer").get(0);
        assertThat(callback.signedWith(CHANNEL_SECRET)).isTrue();
        assertThat(callback.text("/text")).isEqualTo("It ships today.");
        assertThat(callback.text("/direction")).isEqualTo("OUTBOUND");
        assertThat(callback.text("/author/role")).isEqualTo("AGENT");
        assertThat(callback.text("/author/displayName")).isEqualTo("Alice Agent");
        browser.untilText(By.cssSelector("#conversation-detail .msg.outbound .text"), "It ships today.");
        browser.untilText(By.cssSelector("#conversation-detail .msg.outbound .deliveries"), WEB + " (channel): DONE");

        browser.find(By.id("answer-text")).sendKeys("Anything else?");
        browser.click(By.id("answer-send"));
        Poll.until(Duration.ofSeconds(15), "the second reply reached the channel callback",
                () -> callbacksFor("console-answer").size() == 2);
        assertThat(callbacksFor("console-answer")).extracting(r -> r.text("/text"))
                .containsExactly("It ships today.", "Anything else?");

        browser.click(By.id("resolve"));
        browser.untilText(By.id("conversation-status"), "RESOLVED");
    }

    @Test
    @Order(3)
    void hostileTextFromACustomerIsShownAsTextAndNeverRuns() {
        ObjectNode message = Messages.inboundNode("console-hostile-1", "console-hostile", "Hi " + HOSTILE);
        ((ObjectNode) message.get("author")).put("displayName", "Mallory " + HOSTILE);
        assertThat(postToChannel(Json.write(message)).statusCode()).isEqualTo(200);

        browser.logIn(hub.baseUrl());
        browser.openConversation(hub.baseUrl(), "mallory");
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .text"), "Hi " + HOSTILE);
        browser.untilText(By.cssSelector("#conversation-detail .contact-name"), "Mallory " + HOSTILE);
        browser.untilText(By.cssSelector("#conversation-list li"), "Mallory " + HOSTILE);
        assertThat(browser.findAll(By.cssSelector("img"))).as("no element was injected").isEmpty();
        assertThat(browser.script("return window.__pwned === undefined")).isEqualTo(true);
    }

    @Test
    @Order(4)
    void deadLetterIsListedWithItsReasonAndCanBeReplayed() {
        desk.stubFor(deskPost().withRequestBody(matchingJsonPath("$.conversation.threadKey", equalTo("console-dead")))
                .atPriority(OVERRIDE).willReturn(aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"requester email is invalid\"}")));
        assertThat(postToChannel("console-dead-1", "console-dead", "This will not reach the desk").statusCode())
                .isEqualTo(200);
        Poll.until(Duration.ofSeconds(15), "a dead letter for the desk", () -> deadLetters().size() > 0);

        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#dead-letters");
        By row = By.cssSelector("#dead-letters-table tr[data-dead-letter]");
        browser.untilText(row, "requester email is invalid");
        WebElement first = browser.find(row);
        assertThat(first.getText()).contains(DESK).contains("400");
        String id = first.getAttribute("data-dead-letter");
        first.findElement(By.cssSelector("button[data-action='replay']")).click();
        browser.untilText(By.id("status"), "Dead letter " + id + " queued again");
    }

    @Test
    @Order(5)
    void instanceIsStoppedStartedAndRestartedFromTheConsole() throws Exception {
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#instances");
        By state = By.cssSelector("#instances-table tr[data-instance='" + DESK + "'] .state");
        browser.untilText(state, "RUNNING");

        browser.click(instanceButton("stop"));
        browser.untilText(state, "STOPPED");
        assertThat(hub.http().health().at("/instances/" + DESK + "/state").asText()).isEqualTo("STOPPED");

        browser.click(instanceButton("start"));
        browser.untilText(state, "RUNNING");
        long startsBefore = deskStartsLogged();
        browser.click(instanceButton("restart"));
        browser.untilText(By.id("status"), DESK + ": restart done");
        browser.untilText(state, "RUNNING");
        assertThat(deskStartsLogged()).as("the restart started the desk again").isEqualTo(startsBefore + 1);
        assertThat(hub.http().health().at("/instances/" + DESK + "/state").asText()).isEqualTo("RUNNING");
    }

    @Test
    @Order(6)
    void chartsAreDrawnFromTheJournal() {
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#charts");
        browser.find(By.cssSelector("#chart-messages polyline[data-series='" + WEB + "']"));
        assertThat(browser.findAll(By.cssSelector("#chart-response rect"))).hasSize(7);
        browser.untilText(By.cssSelector("#chart-response"), "answered");
        assertThat(browser.findAll(By.cssSelector("#chart-failures rect"))).hasSize(24);
    }

    @Test
    @Order(7)
    void clusterPageListsThisNodeAliveWithItsLeasesByKind() {
        // Issue 25: a hub on its own is a cluster of one; its leases (if any feature wants one) are its own.
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#cluster");
        browser.untilText(By.cssSelector("#cluster-nodes tbody tr[data-node]"), "(this node)");
        assertThat(browser.findAll(By.cssSelector("#cluster-nodes tbody tr[data-node]"))).hasSize(1);
        assertThat(browser.find(By.cssSelector("#cluster-nodes td.state")).getText()).isEqualTo("alive");
        assertThat(browser.find(By.id("cluster-summary")).getText()).contains("on its own");
        browser.until("the leases drawn", d -> !d.findElements(By.cssSelector(
                "#cluster-leases section.lease-group, #cluster-leases p.hint")).isEmpty());
        for (var holder : browser.findAll(By.cssSelector("#cluster-leases tbody tr td:nth-child(2)"))) {
            assertThat(holder.getText()).isNotEqualTo("nobody");
        }
    }

    private static By instanceButton(String action) {
        return By.cssSelector("#instances-table tr[data-instance='" + DESK + "'] button[data-action='"
                + action + "']");
    }

    private long deskStartsLogged() throws Exception {
        return Files.readAllLines(hub.workDir().resolve("hub.log"), StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.contains("Instance " + DESK + " (desk webhook-desk")).count();
    }
}
