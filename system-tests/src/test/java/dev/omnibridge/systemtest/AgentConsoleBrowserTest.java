package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.ConsoleBrowser;
import dev.omnibridge.systemtest.support.ConsoleBrowserTestBase;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agents' workspace in headless Chromium against the packaged hub (issue 22, done-means 4): a chat visitor who
 * typed her email into the pre-chat form ({@value #CHAT}, webchat) and a customer who wrote twice by email-like
 * webhook channel ({@value #WEB}), all routed to the console inbox. The agent finds the visitor by that email, filters
 * the list (the filters stay in the page address), assigns to herself, answers with a canned reply and Ctrl+Enter,
 * adds an internal note, resolves (read-only) and reopens, sees the customer reopen it, and works a conversation at
 * phone size. The tests run in order: each goes on from the state the ones before left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentConsoleBrowserTest extends ConsoleBrowserTestBase {
    private static final String CHAT = "chat";
    private static final String INBOX = "inbox";
    private static final String TOKEN_SECRET = "webchat-token-secret-for-agent-console-0123456789";
    private static final String VISITOR = "Vicky Visitor";
    private static final String TYPED_EMAIL = "vicky.typed@example.net";
    private static final String VISITOR_TEXT = "My coupon code does not work";
    private static final String WALTER = "Walter Webb";
    private static final String WALTER_EMAIL = "walter.webb@example.com";
    private static final String WALTER_FIRST = "Order 5531 never arrived";
    private static final String WALTER_SECOND = "Also, my invoice is wrong";
    private static final String NOTE = "Checked the coupon system: code expired yesterday";
    private static final String FOLLOW_UP = "Thanks, one more question";
    private static final By LIST_ITEMS = By.cssSelector("#conversation-list li[data-conversation]");

    private String visitorToken;
    private String visitorConversation;

    @Override
    protected HubProcess startHub() {
        ConsoleBrowser.assumeInstalled();
        return startHubWith("webchat");
    }

    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .instance(CHAT, "webchat", Map.of("tokenSecret", TOKEN_SECRET))
                .instance(INBOX, "console-inbox", Map.of())
                .route(CHAT, INBOX)
                .route(WEB, INBOX);
    }

    @BeforeAll
    void customersWrite() {
        awaitRunning(CHAT, INBOX);
        logScan.addresses(TYPED_EMAIL, WALTER_EMAIL).texts(VISITOR_TEXT, WALTER_FIRST, WALTER_SECOND, NOTE, FOLLOW_UP);
        visitorToken = hub.http().widgetSession(CHAT, "{\"name\":\"" + VISITOR + "\",\"email\":\"" + TYPED_EMAIL + "\"}");
        visitorSays("visitor-0001", VISITOR_TEXT);
        post("walter-1", "walter-a", WALTER_FIRST);
        post("walter-2", "walter-b", WALTER_SECOND);
        Poll.until(Duration.ofSeconds(30), "three conversations, each on the inbox", () -> {
            JsonNode list = hub.http().adminJson("/api/conversations").path("conversations");
            return list.size() == 3 && StreamSupport.stream(list.spliterator(), false)
                    .allMatch(c -> c.path("deskTickets").has(INBOX));
        });
        visitorConversation = StreamSupport.stream(hub.http().adminJson("/api/conversations").path("conversations")
                .spliterator(), false).filter(c -> c.path("contactName").asText().equals(VISITOR)).findFirst()
                .orElseThrow().path("id").asText();
    }

    @Test
    @Order(1)
    void theEmailAChatVisitorTypedFindsHerConversationWhichShowsItsReference() {
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#conversations");
        browser.find(By.id("search")).sendKeys(TYPED_EMAIL);
        browser.until("only the visitor's conversation is listed", d -> {
            List<WebElement> items = d.findElements(LIST_ITEMS);
            return items.size() == 1 && items.get(0).getText().contains(VISITOR) ? true : null;
        });
        String reference = browser.until("the listed reference", d -> d.findElement(LIST_ITEMS)
                .getAttribute("data-reference"));
        assertThat(reference).matches("C-\\d+");
        browser.untilText(LIST_ITEMS, reference);

        browser.find(By.cssSelector("#conversation-list li[data-conversation] a")).sendKeys(Keys.ENTER);
        browser.untilText(By.id("conversation-reference"), reference);
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .text"), VISITOR_TEXT);
        assertThat(browser.driver().getCurrentUrl()).doesNotContain("vicky").doesNotContain("example.net");

        // The reference finds it too, and the API answers for it as for the id.
        clearSearch();
        browser.find(By.id("search")).sendKeys(reference);
        browser.until("the reference finds one conversation", d -> d.findElements(LIST_ITEMS).size() == 1 ? true : null);
        assertThat(hub.http().adminJson("/api/conversations/" + reference).path("id").asText())
                .isEqualTo(visitorConversation);
        clearSearch();
    }

    @Test
    @Order(2)
    void filtersStayInThePageAddressAndAssignmentToMeFiltersTheList() {
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#conversations");
        untilListed(3);
        new Select(browser.find(By.id("filter-assignee"))).selectByValue("unassigned");
        browser.until("the address keeps the filter", d -> d.getCurrentUrl().contains("assignee=unassigned") ? true : null);
        untilListed(3);

        openConversationOf(VISITOR);
        browser.click(By.id("assign-me"));
        browser.untilText(By.id("conversation-assignee"), "assigned to admin");
        untilListed(2);

        new Select(browser.find(By.id("filter-assignee"))).selectByValue("me");
        untilListed(1);
        assertThat(browser.find(LIST_ITEMS).getText()).contains(VISITOR);
        // A reload (or a shared link) shows the same list: the filters come back from the address.
        browser.driver().navigate().refresh();
        browser.find(By.id("app"));
        untilListed(1);
        assertThat(new Select(browser.find(By.id("filter-assignee"))).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("me");

        new Select(browser.find(By.id("filter-assignee"))).selectByValue("");
        new Select(browser.find(By.id("filter-channel"))).selectByValue(WEB);
        browser.until("the address keeps the channel", d -> d.getCurrentUrl().contains("channel=" + WEB) ? true : null);
        untilListed(2);
        new Select(browser.find(By.id("filter-status"))).selectByValue("RESOLVED");
        browser.untilText(By.id("conversation-list"), "No conversations.");
        new Select(browser.find(By.id("filter-status"))).selectByValue("");
        new Select(browser.find(By.id("filter-channel"))).selectByValue("");
        new Select(browser.find(By.id("filter-sort"))).selectByValue("waiting");
        browser.until("sorted by waiting", d -> d.getCurrentUrl().contains("sort=waiting") ? true : null);
        untilListed(3);
        new Select(browser.find(By.id("filter-sort"))).selectByValue("newest");
    }

    @Test
    @Order(3)
    void aCannedReplyIsFilledInAndCtrlEnterSendsItThenANoteStaysWithTheAgents() {
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#conversations/" + visitorConversation);
        // An admin writes the canned reply in the console; agents pick it in the answer box.
        browser.click(By.cssSelector("#snippet-admin summary"));
        browser.find(By.id("snippet-name")).sendKeys("Coupon");
        browser.find(By.id("snippet-body")).sendKeys("Hi {{contact.name}}, {{agent.name}} here ({{conversation.reference}}).");
        browser.click(By.id("snippet-save"));
        browser.untilText(By.cssSelector("#snippet-list li[data-snippet]"), "Coupon");
        assertThat(hub.http().adminJson("/api/snippets").path("snippets")).hasSize(1);
        String reference = shownReference();

        browser.until("the canned replies are offered", d -> d.findElements(By.cssSelector("#snippet-pick option")).size() > 1
                ? true : null);
        new Select(browser.find(By.id("snippet-pick"))).selectByVisibleText("Coupon");
        WebElement text = browser.find(By.id("answer-text"));
        String filled = "Hi " + VISITOR + ", admin here (" + reference + ").";
        assertThat(text.getAttribute("value")).isEqualTo(filled);
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("answer-text");
        text.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        browser.untilText(By.cssSelector("#conversation-detail .msg.outbound .text"), filled);
        assertThat(text.getAttribute("value")).isEmpty();

        browser.click(By.id("answer-mode-note"));
        text.sendKeys(NOTE);
        text.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        browser.untilText(By.cssSelector("#conversation-detail .msg.internal .text"), NOTE);
        JsonNode note = messages(visitorConversation).stream()
                .filter(m -> m.path("message").path("text").asText().equals(NOTE)).findFirst().orElseThrow();
        assertThat(note.path("message").path("direction").asText()).isEqualTo("INTERNAL");
        assertThat(note.path("deliveries")).as("to the desks only, never the visitor's chat")
                .allSatisfy(d -> assertThat(d.path("kind").asText()).isEqualTo("DESK"));
        browser.click(By.id("answer-mode-note"));
    }

    @Test
    @Order(4)
    void aResolvedConversationIsReadOnlyUntilReopenedAndTheCustomerReopensItByWriting() {
        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#conversations/" + visitorConversation);
        browser.click(By.id("resolve"));
        browser.untilText(By.id("conversation-status"), "RESOLVED");
        browser.until("the answer box is read-only", d -> !d.findElement(By.id("answer-text")).isEnabled() ? true : null);
        browser.find(By.id("read-only-hint"));

        browser.click(By.id("reopen"));
        browser.untilText(By.id("conversation-status"), "OPEN");
        browser.until("the answer box takes text again", d -> d.findElement(By.id("answer-text")).isEnabled() ? true : null);
        browser.untilText(By.cssSelector("#conversation-detail .event[data-event='OPEN']"), "Reopened");

        browser.click(By.id("resolve"));
        browser.untilText(By.id("conversation-status"), "RESOLVED");
        visitorSays("visitor-0002", FOLLOW_UP);
        browser.untilText(By.cssSelector("#conversation-detail .event[data-event='REOPENED_BY_CUSTOMER']"),
                "the customer wrote");
        browser.untilText(By.id("conversation-status"), "OPEN");
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .text"), FOLLOW_UP);
    }

    @Test
    @Order(5)
    void atPhoneSizeTheConversationHasTheWholeScreenWithTheCustomersOtherConversationsBesideIt() {
        browser.driver().manage().window().setSize(new Dimension(390, 844));
        try {
            browser.logIn(hub.baseUrl());
            browser.open(hub.baseUrl() + "/console/#conversations");
            untilListed(3);
            openConversationOf(WALTER);
            browser.find(By.id("conversation-back"));
            assertThat(browser.find(By.id("conversation-detail")).isDisplayed()).isTrue();
            assertThat(browser.findAll(By.id("conversation-list")).get(0).isDisplayed())
                    .as("the list makes room for the conversation").isFalse();
            browser.untilText(By.cssSelector("#other-conversations li[data-conversation]"), "C-");
            assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                    .as("nothing wider than the phone").isEqualTo(true);
            WebElement text = browser.find(By.id("answer-text"));
            assertThat(text.getRect().getWidth()).isLessThanOrEqualTo(390);
            browser.screenshot(getClass().getSimpleName() + "-phone-conversation");

            // From the other conversation's link to it, and back to the list.
            browser.click(By.cssSelector("#other-conversations li[data-conversation] a"));
            browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .text"), "Order 5531");
            browser.click(By.id("conversation-back"));
            untilListed(3);
            assertThat(browser.find(By.id("search")).isDisplayed()).isTrue();
        } finally {
            browser.driver().manage().window().setSize(new Dimension(1280, 900));
        }
    }

    // --- helpers

    private void untilListed(int count) {
        browser.until(count + " conversations listed", d -> d.findElements(LIST_ITEMS).size() == count ? true : null);
    }

    private void openConversationOf(String name) {
        browser.until("a conversation of " + name, d -> {
            for (WebElement item : d.findElements(LIST_ITEMS)) {
                if (item.getText().contains(name)) {
                    item.findElement(By.tagName("a")).click();
                    return true;
                }
            }
            return null;
        });
        browser.untilText(By.cssSelector("#conversation-detail h2"), name);
    }

    /** The open conversation's reference (its part of the page is redrawn on every refresh). */
    private String shownReference() {
        return browser.until("the conversation's reference", d -> {
            String text = d.findElement(By.id("conversation-reference")).getText();
            return text.startsWith("C-") ? text : null;
        });
    }

    private void clearSearch() {
        WebElement search = browser.find(By.id("search"));
        search.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
    }

    private void visitorSays(String clientId, String text) {
        HttpResponse<String> r = hub.http().widget(CHAT, "POST", "messages", visitorToken,
                "{\"clientId\":\"" + clientId + "\",\"text\":\"" + text + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private void post(String messageId, String threadKey, String text) {
        ObjectNode message = Messages.inboundNode(messageId, threadKey, text);
        ObjectNode author = (ObjectNode) message.get("author");
        author.put("displayName", WALTER);
        ((ObjectNode) author.get("address")).put("kind", "EMAIL").put("value", WALTER_EMAIL);
        HttpResponse<String> response = hub.http().postSigned("/hooks/" + WEB, CHANNEL_SECRET, Json.write(message));
        assertThat(response.statusCode()).as("channel accepted %s", messageId).isEqualTo(200);
    }

    private List<JsonNode> messages(String conversation) {
        return StreamSupport.stream(hub.http().adminJson("/api/messages?conversationId=" + conversation)
                .path("messages").spliterator(), false).toList();
    }
}
