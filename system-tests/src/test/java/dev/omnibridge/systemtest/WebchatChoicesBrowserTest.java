package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.WebchatBrowserTestBase;
import dev.omnibridge.systemtest.support.WebchatSite;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.systemtest.support.WebchatSite.openWidget;
import static dev.omnibridge.systemtest.support.WebchatSite.send;
import static dev.omnibridge.systemtest.support.WebchatSite.untilWidgetText;
import static dev.omnibridge.systemtest.support.WebchatSite.widget;
import static dev.omnibridge.systemtest.support.WebchatSite.widgetCount;
import static dev.omnibridge.systemtest.support.WebchatSite.widgetTexts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reply options in the live chat, in headless Chromium (issue 21): a desk reply offering options (webhook-desk
 * {@code choices}) shows as buttons under the reply; the visitor picks one with the keyboard; the pick reaches the
 * desk as the option's title with metadata {@code omnibridge.choice}, and the buttons are gone.
 */
class WebchatChoicesBrowserTest extends WebchatBrowserTestBase {
    private static final String CHAT = "chat";
    private static final String TOKEN_SECRET = "webchat-token-secret-for-system-tests-0123456789";
    private static final String QUESTION = "How do I reset my password?";
    private static final String ANSWER = "Use the link on the sign-in page. Did this answer your question?";

    @Override
    protected HubConfig config() {
        site = WebchatSite.start("data-title='Shop help'");
        return standardConfig()
                .instance(CHAT, "webchat", Map.of("tokenSecret", TOKEN_SECRET, "allowedOrigins", site.origin()))
                .route(CHAT, DESK);
    }

    @BeforeAll
    void embedWidget() {
        site.embed(hub.baseUrl() + "/hooks/" + CHAT);
        awaitRunning(CHAT, DESK);
        logScan.texts(QUESTION, ANSWER);
    }

    private List<ReceivedRequest> chatEvents() {
        return deskRequests().stream().filter(r -> CHAT.equals(r.text("/conversation/channel/instanceId"))).toList();
    }

    @Test
    void theVisitorPicksAnOfferedOptionWithTheKeyboardAndTheDeskGetsThePick() {
        browser.open(site.pageUrl());
        openWidget(browser);
        send(browser, QUESTION);
        ReceivedRequest question = WebchatSite.await(Duration.ofSeconds(20), "the question reached the desk", () ->
                chatEvents().stream().filter(r -> QUESTION.equals(r.text("/message/text"))).findFirst()
                        .orElse(null));

        ObjectNode reply = (ObjectNode) Json.parse(Messages.deskReply("T-" + question.conversationId(),
                question.conversationId(), "kb-answer-1", ANSWER, false));
        reply.putArray("choices").add(Json.object().put("id", "yes").put("title", "Yes"))
                .add(Json.object().put("id", "no").put("title", "No, I need a person"));
        assertThat(postDeskReply(Json.write(reply)).statusCode()).isBetween(200, 299);

        untilWidgetText(browser, ".msg.agent .body", "Did this answer your question?");
        browser.until("the options show as buttons", d -> widgetCount(browser, ".msg.agent .choices button.choice")
                == 2 ? Boolean.TRUE : null);
        assertThat(widgetTexts(browser, ".choices button.choice")).containsExactly("Yes", "No, I need a person");
        WebElement group = widget(browser, ".choices");
        assertThat(group.getAttribute("role")).isEqualTo("group");
        assertThat(group.getAttribute("aria-label")).isEqualTo("Reply options");
        // The page's CSS hides every button; the widget's are in its Shadow DOM, and real buttons take the keyboard.
        WebElement no = widget(browser, ".choices button.choice:nth-child(2)");
        assertThat(no.isDisplayed()).isTrue();
        assertThat(no.getAttribute("type")).isEqualTo("button");
        browser.script("arguments[0].focus()", no);
        no.sendKeys(Keys.ENTER);

        untilWidgetText(browser, ".msg.visitor .body", "No, I need a person");
        browser.until("the buttons are gone once answered", d -> widgetCount(browser, ".choices") == 0
                ? Boolean.TRUE : null);
        ReceivedRequest pick = WebchatSite.await(Duration.ofSeconds(20), "the pick reached the desk", () ->
                chatEvents().stream().filter(r -> "no".equals(r.text("/message/metadata/omnibridge.choice")))
                        .findFirst().orElse(null));
        assertThat(pick.text("/message/text")).isEqualTo("No, I need a person");
        assertThat(pick.conversationId()).isEqualTo(question.conversationId());
        browser.screenshot(getClass().getSimpleName() + "-picked");

        // A reload shows the answered question without its buttons.
        browser.driver().navigate().refresh();
        openWidget(browser);
        untilWidgetText(browser, ".msg.visitor .body", "No, I need a person");
        assertThat(widgetCount(browser, ".choices")).isZero();
    }
}
