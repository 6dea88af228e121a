package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.ConsoleBrowserTestBase;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console shows what the automation did in a conversation's timeline: the acknowledgement, labelled as
 * such, and for the next message why it got none. Headless Chromium against the packaged hub.
 */
class ConsoleAcknowledgementBrowserTest extends ConsoleBrowserTestBase {
    @Override
    protected HubConfig config() {
        return standardConfig().acknowledgements("enabled", true)
                .acknowledgementTemplate("en", "Hi {firstName:there}, we are on it (ref {reference}).",
                        "Closed now (ref {reference}).");
    }

    @Test
    void theTimelineShowsTheAcknowledgementAndWhyTheNextMessageGotNone() {
        String thread = unique("console-ack");
        ObjectNode first = Messages.inboundNode(thread + "-1", thread, "Where is my order?");
        ((ObjectNode) first.get("author")).put("displayName", "Tara Timeline");
        assertThat(postToChannel(Json.write(first)).statusCode()).isEqualTo(200);
        Poll.until(Duration.ofSeconds(20), "the acknowledgement reaches the channel",
                () -> !callbacksFor(thread).isEmpty());
        ObjectNode second = Messages.inboundNode(thread + "-2", thread, "Hello?");
        ((ObjectNode) second.get("author")).put("displayName", "Tara Timeline");
        assertThat(postToChannel(Json.write(second)).statusCode()).isEqualTo(200);
        awaitDeskAccepted(thread, 3, Duration.ofSeconds(20));

        browser.logIn(hub.baseUrl());
        browser.openConversation(hub.baseUrl(), "tara");
        browser.untilText(By.cssSelector("#conversation-detail .msg.auto-ack .meta"), "Automatic acknowledgement");
        browser.untilText(By.cssSelector("#conversation-detail .msg.auto-ack .text"), "Hi Tara, we are on it (ref ");
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .automation li"),
                "No automatic acknowledgement: already acknowledged at");
        browser.screenshot(getClass().getSimpleName() + "-timeline");
    }
}
