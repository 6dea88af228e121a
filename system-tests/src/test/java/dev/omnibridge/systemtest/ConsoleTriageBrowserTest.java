package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.ConsoleBrowser;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operator console shows, under a customer message in the conversation's timeline, what triage decided for it:
 * the language with the detector's confidence, the rules that fired, the route taken, and the priority and tags as
 * badges. Headless Chromium against the packaged hub; the message comes in through the webhook channel carrying the
 * record as triage stores it (metadata keys of TriageRecord), so this checks the console's reading of the record.
 */
class ConsoleTriageBrowserTest extends SystemTestBase {
    private ConsoleBrowser browser;

    @Override
    protected HubProcess startHub() {
        assumeTrue(ConsoleBrowser.installed(), "skipped: headless Chromium is not installed (needs "
                + ConsoleBrowser.CHROMIUM + " and " + ConsoleBrowser.CHROMEDRIVER + ")");
        return super.startHub();
    }

    @BeforeAll
    void startBrowser() {
        browser = ConsoleBrowser.start();
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theTimelineShowsTheLanguageRulesRouteAndBadgesOfACustomerMessage() {
        String thread = unique("console-triage");
        ObjectNode message = Messages.inboundNode(thread + "-1", thread,
                "Dringend: meine Bestellung ist immer noch nicht angekommen");
        ((ObjectNode) message.get("author")).put("displayName", "Jonas Triage");
        message.put("language", "de").put("priority", "URGENT");
        message.putArray("tags").add("urgent").add("vip").add("lang:de");
        message.putObject("metadata").put("omnibridge.triage.language", "de 0.93")
                .put("omnibridge.triage.rules", "urgent-words,vip").put("omnibridge.route", "german");
        assertThat(postToChannel(Json.write(message)).statusCode()).isEqualTo(200);
        awaitDeskAccepted(thread, 1, Duration.ofSeconds(20));

        browser.logIn(hub.baseUrl());
        browser.openConversation(hub.baseUrl(), "jonas");
        By triage = By.cssSelector("#conversation-detail .msg.inbound .triage");
        browser.untilText(triage, "Triage: language de (0.93) · rules urgent-words, vip · route german");
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .triage .badge.priority-URGENT"), "URGENT");
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .triage .badge[data-tag='vip']"), "vip");
        assertThat(browser.find(triage).getText()).as("lang:de repeats the language").doesNotContain("lang:de");
        browser.screenshot(getClass().getSimpleName() + "-timeline");
    }
}
