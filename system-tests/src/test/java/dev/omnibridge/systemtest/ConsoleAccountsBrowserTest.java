package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.ConsoleBrowserTestBase;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accounts in the console (issue 22), in headless Chromium against the packaged hub: the first admin account is
 * created from a session of the admin token (which then no longer opens the console), an agent logs in with email and
 * password, answers under their own name and sees no admin views, and the audit trail shows who did what.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleAccountsBrowserTest extends ConsoleBrowserTestBase {
    private static final String INBOX = "inbox";
    private static final String PASSWORD = "a long test password";

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
    void theFirstAdminAccountIsCreatedFromTheAdminTokensSessionWhichThenStopsOpeningTheConsole() {
        browser.logIn(hub.baseUrl());
        browser.click(By.cssSelector("header nav a[data-view='accounts']"));
        createAccount("Ada Admin", "ada@example.com", "admin");
        createAccount("Alan Agent", "alan@example.com", "agent");
        browser.untilText(By.cssSelector("#accounts-table tbody"), "alan@example.com");

        browser.click(By.id("logout"));
        browser.find(By.id("login-email"));
        assertThat(browser.findAll(By.id("login-token-field")).get(0).isDisplayed())
                .as("the token field is gone once an account exists").isFalse();

        browser.logInAs(hub.baseUrl(), "ada@example.com", PASSWORD);
        browser.untilText(By.id("whoami"), "Ada Admin (admin)");
        assertThat(browser.find(By.cssSelector("header nav a[data-view='audit']")).isDisplayed()).isTrue();
    }

    @Test
    @Order(2)
    void anAgentAnswersUnderTheirOwnNameAndSeesNoAdminViews() {
        ObjectNode message = Messages.inboundNode("accounts-answer-1", "accounts-answer", "Is my refund through?");
        ((ObjectNode) message.get("author")).put("displayName", "Rita Refund");
        assertThat(postToChannel(Json.write(message)).statusCode()).isEqualTo(200);

        browser.logInAs(hub.baseUrl(), "alan@example.com", PASSWORD);
        browser.untilText(By.id("whoami"), "Alan Agent (agent)");
        for (String view : new String[] {"accounts", "audit", "dead-letters"}) {
            assertThat(browser.findAll(By.cssSelector("header nav a[data-view='" + view + "']")).get(0)
                    .isDisplayed()).as(view + " is for admins").isFalse();
        }
        assertThat(browser.findAll(By.id("agent-name")).get(0).isDisplayed()).as("no free-text author").isFalse();

        browser.openConversation(hub.baseUrl(), "rita");
        browser.untilText(By.cssSelector("#conversation-detail .tickets"), INBOX + ": inbox-");
        browser.find(By.id("answer-text")).sendKeys("Yes, it went out this morning.");
        browser.click(By.id("answer-send"));
        Poll.until(Duration.ofSeconds(15), "the reply reached the channel callback",
                () -> !callbacksFor("accounts-answer").isEmpty());
        ReceivedRequest callback = callbacksFor("accounts-answer").get(0);
        assertThat(callback.text("/author/displayName")).isEqualTo("Alan Agent");

        browser.open(hub.baseUrl() + "/console/#instances");
        browser.untilText(By.cssSelector("#instances-table tr[data-instance='" + INBOX + "'] .state"), "RUNNING");
        browser.click(By.cssSelector("#instances-table tr[data-instance='" + INBOX + "'] button[data-action='stop']"));
        Poll.until(Duration.ofSeconds(10), "the refused stop is in the audit trail", () -> hub.http()
                .adminJson("/api/audit?action=instance.stop.denied").path("entries").size() == 1);
        assertThat(hub.http().adminJson("/api/instances").at("/instances/" + INBOX + "/state").asText())
                .isEqualTo("RUNNING");
    }

    @Test
    @Order(3)
    void theAuditViewShowsWhoDidWhatAndFiltersByPerson() {
        browser.logInAs(hub.baseUrl(), "ada@example.com", PASSWORD);
        browser.open(hub.baseUrl() + "/console/#audit");
        browser.untilText(By.cssSelector("#audit-table tbody"), "conversation.reply");
        browser.untilText(By.cssSelector("#audit-table tbody"), "instance.stop.denied");
        WebElement who = browser.find(By.id("audit-actor"));
        browser.until("Alan is offered as a filter", d -> who.getText().contains("Alan Agent") ? Boolean.TRUE : null);
        new org.openqa.selenium.support.ui.Select(who).selectByVisibleText("Alan Agent");
        browser.click(By.id("audit-apply"));
        browser.until("only Alan's entries", d -> {
            var rows = d.findElements(By.cssSelector("#audit-table tbody tr[data-audit]"));
            return !rows.isEmpty() && rows.stream().allMatch(r -> r.getText().contains("Alan Agent"))
                    ? Boolean.TRUE : null;
        });
        assertThat(browser.find(By.id("audit-export")).getAttribute("href")).contains("format=jsonl")
                .contains("actor=");
        JsonNode trail = hub.http().adminJson("/api/audit?action=login");
        assertThat(trail.path("entries").toString()).doesNotContain(PASSWORD).doesNotContain("alan@example.com");
    }

    private void createAccount(String name, String email, String role) {
        browser.find(By.id("account-name")).sendKeys(name);
        browser.find(By.id("account-email")).sendKeys(email);
        new org.openqa.selenium.support.ui.Select(browser.find(By.id("account-role"))).selectByValue(role);
        browser.find(By.id("account-password")).sendKeys(PASSWORD);
        browser.click(By.id("account-create"));
        browser.untilText(By.cssSelector("#accounts-table tbody"), email);
    }
}
