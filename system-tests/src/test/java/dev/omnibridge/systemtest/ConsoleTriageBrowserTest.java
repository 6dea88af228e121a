package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.ConsoleBrowser;
import dev.omnibridge.systemtest.support.HubConfig;
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
 * badges. Headless Chromium against the packaged hub configured with detection, two rules and a conditional route;
 * the message comes in through the webhook channel without a language, so everything shown is what the hub decided.
 */
class ConsoleTriageBrowserTest extends SystemTestBase {
    private ConsoleBrowser browser;

    @Override
    protected HubProcess startHub() {
        assumeTrue(ConsoleBrowser.installed(), "skipped: headless Chromium is not installed (needs "
                + ConsoleBrowser.CHROMIUM + " and " + ConsoleBrowser.CHROMEDRIVER + ")");
        return super.startHub();
    }

    /** The customer's thread: webhook-channel test messages come from {@code <thread>@example.com}. */
    private final String thread = unique("console-triage");

    @Override
    protected HubConfig config() {
        return quickRetryConfig()
                .routeYaml("""
                          - name: german
                            from: web
                            when: {language: de}
                            to: desk
                          - from: web
                            to: desk
                        """)
                .triage("""
                          languages: [en, de, fr]
                          lists:
                            vip: ["%s@example.com"]
                          rules:
                            - name: urgent-words
                              when:
                                keywords: {en: [urgent], de: [dringend]}
                              set: {priority: URGENT, tags: [urgent]}
                            - name: vip
                              when: {contactIn: vip}
                              set: {priority: HIGH, tags: [vip]}
                        """.formatted(thread));
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
        ObjectNode message = Messages.inboundNode(thread + "-1", thread,
                "Dringend: meine Bestellung ist immer noch nicht angekommen");
        ((ObjectNode) message.get("author")).put("displayName", "Jonas Triage");
        // A record the sender made up is not the hub's: triage drops it.
        message.putObject("metadata").put("omnibridge.triage.rules", "made-up-rule");
        assertThat(postToChannel(Json.write(message)).statusCode()).isEqualTo(200);
        awaitDeskAccepted(thread, 1, Duration.ofSeconds(20));

        browser.logIn(hub.baseUrl());
        browser.openConversation(hub.baseUrl(), "jonas");
        By triage = By.cssSelector("#conversation-detail .msg.inbound .triage");
        browser.untilText(triage, "rules urgent-words, vip · route german");
        assertThat(browser.find(triage).getText()).matches("Triage: language de \\([01]\\.\\d\\d\\) · rules .*")
                .doesNotContain("made-up-rule");
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .triage .badge.priority-URGENT"), "URGENT");
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .triage .badge[data-tag='vip']"), "vip");
        assertThat(browser.find(triage).getText()).as("lang:de repeats the language").doesNotContain("lang:de");
        browser.screenshot(getClass().getSimpleName() + "-timeline");
    }
}
