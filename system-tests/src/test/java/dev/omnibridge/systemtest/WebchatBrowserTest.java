package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.WebchatBrowserTestBase;
import dev.omnibridge.systemtest.support.WebchatSite;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.systemtest.support.WebchatSite.openWidget;
import static dev.omnibridge.systemtest.support.WebchatSite.send;
import static dev.omnibridge.systemtest.support.WebchatSite.transport;
import static dev.omnibridge.systemtest.support.WebchatSite.untilWidgetText;
import static dev.omnibridge.systemtest.support.WebchatSite.widget;
import static dev.omnibridge.systemtest.support.WebchatSite.widgetCount;
import static dev.omnibridge.systemtest.support.WebchatSite.widgetTexts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live chat end to end in headless Chromium: a shop on its own origin embeds the widget of the hub's
 * {@value #CHAT} instance (webchat), routed to the built-in console inbox; an agent answers in the operator console.
 * One browser and one hub for the class; the tests run in order because they follow one visitor.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebchatBrowserTest extends WebchatBrowserTestBase {
    private static final String CHAT = "chat";
    private static final String INBOX = "inbox";
    /** A chat whose business hours are not now. */
    private static final String CLOSED = "closed-chat";
    private static final String TOKEN_SECRET = "webchat-token-secret-for-system-tests-0123456789";
    private static final String HOSTILE = "<img src=x onerror=\"window.__pwned=1\">";
    private static final byte[] PNG = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private String widgetTab;

    @Override
    protected HubConfig config() {
        // The site's origin goes into the hub's configuration: start it first, on a free port.
        site = WebchatSite.start("data-title='Shop help' data-color='#0f766e'");
        return standardConfig()
                .instance(CHAT, "webchat", Map.of("tokenSecret", TOKEN_SECRET, "allowedOrigins", site.origin(),
                        "greeting", "Hi! Ask us anything."))
                .calendar("closed-today", closedToday())
                .instance(CLOSED, "webchat", Map.of("tokenSecret", TOKEN_SECRET, "calendar", "closed-today",
                        "offlineMessage", "We are closed. Leave your email."))
                .instance(INBOX, "console-inbox", Map.of())
                .route(CHAT, INBOX)
                .route(CLOSED, INBOX);
    }

    @BeforeAll
    void embedWidget() {
        site.embed(hub.baseUrl() + "/hooks/" + CHAT);
        awaitRunning(CHAT, CLOSED, INBOX);
        widgetTab = browser.driver().getWindowHandle();
    }

    @Test
    @Order(1)
    void visitorSendsAMessageAndAFileFromAnotherSite() throws Exception {
        browser.open(site.pageUrl());
        openWidget(browser);
        assertThat(widgetTexts(browser, ".title")).containsExactly("Shop help");
        untilWidgetText(browser, ".greeting", "Hi! Ask us anything.");
        // The shop's CSS (red, 40px, buttons hidden) does not reach into the widget.
        assertThat(widget(browser, ".launcher").isDisplayed()).isTrue();
        assertThat(browser.script("var r = document.getElementById('omnibridge-webchat').shadowRoot;"
                + " return getComputedStyle(r.querySelector('.greeting')).color")).isNotEqualTo("rgb(255, 0, 0)");

        widget(browser, ".prechat .name").sendKeys("Vera Visitor");
        widget(browser, ".prechat .save").click();
        send(browser, "Hello from the shop");
        untilWidgetText(browser, ".msg.visitor .mark", "Sent");
        assertThat(widgetTexts(browser, ".msg.visitor .body")).containsExactly("Hello from the shop");

        Path png = Files.createTempFile("receipt-", ".png");
        Files.write(png, PNG);
        widget(browser, "input.file").sendKeys(png.toString());
        browser.until("the sent image shows in the chat", d -> (Boolean) browser.script(
                "var r = document.getElementById('omnibridge-webchat').shadowRoot;"
                        + " var i = r.querySelector('.msg.visitor img.thumb');"
                        + " return !!(i && i.src.indexOf('blob:') === 0 && i.naturalWidth === 1);"));
        browser.until("the socket is connected", d -> "socket".equals(transport(browser)) ? Boolean.TRUE : null);

        JsonNode conversation = conversation("vera");
        assertThat(conversation.path("channel").path("instanceId").asText()).isEqualTo(CHAT);
        assertThat(conversation.path("contactName").asText()).isEqualTo("Vera Visitor");
    }

    @Test
    @Order(2)
    void agentAnswersInTheConsoleAndTheVisitorSeesItWithoutReloading() {
        browser.driver().switchTo().newWindow(WindowType.TAB);
        browser.logIn(hub.baseUrl());
        browser.find(By.id("agent-name")).sendKeys("Alice Agent");
        browser.openConversation(hub.baseUrl(), "vera");
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .text"), "Hello from the shop");
        browser.find(By.id("answer-text")).sendKeys("We are on it, Vera.");
        String consoleTab = browser.driver().getWindowHandle();
        browser.driver().switchTo().window(widgetTab);
        browser.until("the widget shows the agent typing", d -> widget(browser, ".typing").isDisplayed()
                ? Boolean.TRUE : null);
        browser.driver().switchTo().window(consoleTab);
        browser.click(By.id("answer-send"));
        browser.untilText(By.cssSelector("#conversation-detail .msg.outbound .text"), "We are on it, Vera.");
        browser.screenshot(getClass().getSimpleName() + "-console-answer");

        browser.driver().switchTo().window(widgetTab);
        untilWidgetText(browser, ".msg.agent .body", "We are on it, Vera.");
        assertThat(widgetTexts(browser, ".msg.agent .author")).contains("Alice Agent");
        assertThat(transport(browser)).as("the reply came over the socket").isEqualTo("socket");
        assertThat(widget(browser, ".typing").isDisplayed()).as("a reply ends the typing hint").isFalse();

        widget(browser, ".input").sendKeys("typing");
        String id = conversation("vera").path("id").asText();
        Poll.until(Duration.ofSeconds(10), "the console knows the visitor is typing", () ->
                !Json.parse(hub.http().admin("GET", "/api/conversations/" + id).body()).path("customerTypingAt")
                        .isNull());
        widget(browser, ".input").clear();
        // The widget confirmed receipt: the hub recorded the reply as delivered (or read).
        Poll.until(Duration.ofSeconds(10), "the reply's delivery status reached DELIVERED or READ", () -> {
            String timeline = hub.http().admin("GET", "/api/messages?conversationId="
                    + conversation("vera").path("id").asText()).body();
            return timeline.contains("DELIVERED") || timeline.contains("READ");
        });
    }

    @Test
    @Order(3)
    void aReloadKeepsTheHistory() {
        browser.driver().navigate().refresh();
        openWidget(browser);
        untilWidgetText(browser, ".msg.agent .body", "We are on it, Vera.");
        assertThat(widgetTexts(browser, ".msg.visitor .body")).contains("Hello from the shop");
        assertThat(widgetCount(browser, ".msg.visitor img.thumb")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void aTamperedTokenIsRefusedAndShowsNoOtherConversation() {
        String own = (String) browser.script("for (var i = 0; i < localStorage.length; i++) {"
                + " var k = localStorage.key(i); if (/:token$/.test(k)) return localStorage.getItem(k); } return null;");
        assertThat(own).startsWith("v1.");
        String other = site.newSession("Otto Other");
        assertThat(site.call("POST", "messages", other, "{\"clientId\":\"c-otto-0001\",\"text\":\"Otto's secret\"}")
                .statusCode()).isEqualTo(200);
        String[] mine = own.split("\\.");
        String forged = mine[0] + "." + other.split("\\.")[1] + "." + mine[2] + "." + mine[3];

        HttpResponse<String> refused = site.call("GET", "messages", forged, null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).doesNotContain("Otto's secret").contains("not valid");
        assertThat(site.call("GET", "messages", own, null).body()).doesNotContain("Otto's secret");

        browser.script("for (var i = 0; i < localStorage.length; i++) { var k = localStorage.key(i);"
                + " if (/:token$/.test(k)) localStorage.setItem(k, arguments[0]); }", forged);
        browser.driver().navigate().refresh();
        openWidget(browser);
        browser.until("the widget dropped the refused token", d -> (Boolean) browser.script(
                "for (var i = 0; i < localStorage.length; i++) { if (/:token$/.test(localStorage.key(i))) return false; }"
                        + " return true;"));
        assertThat(widgetCount(browser, ".msg")).isZero();
        assertThat(widgetTexts(browser, ".messages").get(0)).doesNotContain("Otto's secret")
                .doesNotContain("Hello from the shop");
        browser.script("localStorage.clear()");
    }

    @Test
    @Order(5)
    void hostileTextIsShownAsTextInTheWidgetAndTheConsole() {
        browser.driver().navigate().refresh();
        openWidget(browser);
        widget(browser, ".prechat .name").sendKeys("Mallory " + HOSTILE);
        widget(browser, ".prechat .save").click();
        send(browser, "Look " + HOSTILE);
        untilWidgetText(browser, ".msg.visitor .body", "Look " + HOSTILE);
        assertThat(widgetCount(browser, "img:not(.thumb)")).as("no element was injected in the widget").isZero();
        assertThat(browser.script("return window.__pwned === undefined")).isEqualTo(true);
        untilWidgetText(browser, ".msg.visitor .mark", "Sent");

        browser.driver().switchTo().newWindow(WindowType.TAB);
        browser.logIn(hub.baseUrl());
        browser.openConversation(hub.baseUrl(), "mallory");
        browser.untilText(By.cssSelector("#conversation-detail .contact-name"), "Mallory " + HOSTILE);
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .text"), "Look " + HOSTILE);
        assertThat(browser.findAll(By.cssSelector("#conversation-detail img[src='x']"))).isEmpty();
        assertThat(browser.script("return window.__pwned === undefined")).isEqualTo(true);
        browser.screenshot(getClass().getSimpleName() + "-console-hostile");
        browser.driver().close();
        browser.driver().switchTo().window(widgetTab);
    }

    @Test
    @Order(6)
    void pollingTakesOverWhenTheSocketIsBlocked() {
        browser.script("localStorage.clear()");
        browser.open(site.blockedSocketPageUrl());
        openWidget(browser);
        widget(browser, ".prechat .name").sendKeys("Paula Polling");
        widget(browser, ".prechat .save").click();
        send(browser, "Is anyone there?");
        untilWidgetText(browser, ".msg.visitor .mark", "Sent");
        browser.until("the widget polls", d -> "polling".equals(transport(browser)) ? Boolean.TRUE : null);
        assertThat((Long) browser.script("return window.__socketAttempts")).as("it tried the socket first")
                .isPositive();

        String id = conversation("paula").path("id").asText();
        WebchatSite.await(Duration.ofSeconds(10), "the agent's reply is accepted", () -> {
            HttpResponse<String> r = WebchatSite.adminReply(hub.baseUrl(), id, "Yes, polling works.");
            return r.statusCode() / 100 == 2 ? r : null;
        });
        untilWidgetText(browser, ".msg.agent .body", "Yes, polling works.");
        assertThat(transport(browser)).isEqualTo("polling");
    }

    @Test
    @Order(7)
    void phoneSizedScreenGetsAFullScreenPanel() {
        browser.driver().manage().window().setSize(new Dimension(375, 667));
        try {
            browser.open(site.pageUrl());
            openWidget(browser);
            untilWidgetText(browser, ".msg.agent .body", "Yes, polling works.");
            long viewport = (Long) browser.script("return window.innerWidth");
            WebElement panel = widget(browser, ".panel");
            assertThat((long) panel.getSize().getWidth()).isEqualTo(viewport);
            browser.screenshot(getClass().getSimpleName() + "-phone");
        } finally {
            browser.driver().manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    @Order(8)
    void theDemoPageOnTheHubItselfWorks() {
        browser.open(hub.baseUrl() + "/hooks/" + CHAT + "/demo");
        openWidget(browser);
        send(browser, "Hello from the demo page");
        untilWidgetText(browser, ".msg.visitor .mark", "Sent");
        browser.until("the socket is connected", d -> "socket".equals(transport(browser)) ? Boolean.TRUE : null);
    }

    @Test
    @Order(9)
    void outsideBusinessHoursTheWidgetSaysSoAndTakesAnEmail() {
        browser.open(hub.baseUrl() + "/hooks/" + CLOSED + "/demo");
        openWidget(browser);
        untilWidgetText(browser, ".offline-text", "We are closed. Leave your email.");
        untilWidgetText(browser, ".prechat .hint", "Leave your email");
        widget(browser, ".prechat .email").sendKeys("Olga@Example.com");
        widget(browser, ".prechat .save").click();
        send(browser, "Please call me back");
        untilWidgetText(browser, ".msg.visitor .mark", "Sent");
        WebchatSite.await(Duration.ofSeconds(10), "the message with the visitor's email", () -> {
            for (JsonNode c : hub.http().adminJson("/api/conversations").path("conversations")) {
                if (CLOSED.equals(c.path("channel").path("instanceId").asText())) {
                    String messages = hub.http().admin("GET", "/api/messages?conversationId=" + c.path("id").asText())
                            .body();
                    return messages.contains("olga@example.com") && messages.contains("Please call me back") ? c : null;
                }
            }
            return null;
        });
    }

    /**
     * A named calendar of the hub that is closed now: open around the clock, but today (and the days either side, so
     * a run across midnight stays closed) is a holiday.
     */
    private static Map<String, Object> closedToday() {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        return Map.of("timeZone", "UTC", "hours", "Mon-Sun 00:00-24:00",
                "holidays", List.of(today.minusDays(1) + ".." + today.plusDays(1)));
    }

    // ------------------------------------------------------------------------------------------------ helpers
    /** The one conversation whose contact matches {@code search}, once the hub has it. */
    private JsonNode conversation(String search) {
        return WebchatSite.await(Duration.ofSeconds(10), "a conversation matching '" + search + "'", () -> {
            JsonNode found = hub.http().adminJson("/api/conversations?q=" + search);
            JsonNode items = found.path("conversations");
            return items.size() == 1 ? items.get(0) : null;
        });
    }
}
