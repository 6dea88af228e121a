package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ConsoleBrowserTestBase;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's contact page in headless Chromium against the packaged hub: one customer writes on two channels
 * ({@value #WEB} and {@value #SMS}, both webhook channels; the second stands in for SMS) with the same phone number,
 * then by email writing that number in her message (a proposal: weak evidence), and someone else writes her number
 * too (a proposal the agent rejects). The agent finds her, sees one timeline, accepts and splits the proposal, rejects
 * the other, links an address, exports and erases, from the page and largely with the keyboard, and no URL on the
 * page ever names her. The tests run in order: each goes on with the contact the ones before left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleContactBrowserTest extends ConsoleBrowserTestBase {
    private static final String SMS = "sms";
    private static final String INBOX = "inbox";
    private static final String NAME = "Dora Duo";
    /** The canonical webhook channel takes E.164 only; other formats are OneCustomerAcrossChannelsTest's. */
    private static final String PHONE = "+14155550177";
    private static final String EMAIL = "dora.duo@example.com";
    private static final String WORK_EMAIL = "dora@work.example.org";
    /** Someone else, who wrote Dora's number in a message: a proposal the agent rejects. */
    private static final String OTHER_EMAIL = "parcel.friend@example.net";
    private static final String WEB_TEXT = "My parcel never arrived (web)";
    private static final String SMS_TEXT = "Still no parcel, writing by text";
    private static final String EMAIL_TEXT = "Any news? You can also call me on +1 415-555-0177";

    private String contactId;

    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .channel(SMS, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .instance(INBOX, "console-inbox", Map.of())
                .route(WEB, DESK, INBOX)
                .route(SMS, DESK, INBOX);
    }

    @Test
    @Order(1)
    void customerOnTwoChannelsIsOneContactWithOneTimelineAndTheUrlCarriesOnlyItsId() {
        post(WEB, "dora-web-1", "dora-web", "PHONE", PHONE, WEB_TEXT);
        post(SMS, "dora-sms-1", "dora-sms", "PHONE", PHONE, SMS_TEXT);
        awaitDeskAccepted("dora-web", 1, Duration.ofSeconds(20));
        awaitDeskAccepted("dora-sms", 1, Duration.ofSeconds(20));

        browser.logIn(hub.baseUrl());
        browser.open(hub.baseUrl() + "/console/#contacts");
        browser.find(By.id("contact-search")).sendKeys("Dora");
        By item = By.cssSelector("#contact-list li[data-contact] a");
        browser.untilText(item, NAME);
        assertThat(browser.findAll(item)).as("one contact for both channels").hasSize(1);
        WebElement link = browser.find(item);
        contactId = link.findElement(By.xpath("..")).getAttribute("data-contact");
        // Opened with the keyboard: the focus lands on the contact's name, where a screen reader starts reading.
        link.sendKeys(Keys.ENTER);
        browser.untilText(By.id("contact-name"), NAME);
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("contact-name");
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(hub.baseUrl() + "/console/#contacts/" + contactId);

        By phoneRow = By.cssSelector("#contact-addresses tr[data-kind='PHONE']");
        browser.untilText(phoneRow, PHONE);
        assertThat(List.of(browser.find(phoneRow).findElement(By.cssSelector(".channels")).getText().split(", ")))
                .as("one address, seen on both channels").containsExactlyInAnyOrder(WEB, SMS);
        browser.untilText(By.cssSelector("#contact-timeline li[data-conversation] .text"), WEB_TEXT);
        browser.untilText(By.cssSelector("#contact-timeline li[data-conversation] .text"), SMS_TEXT);
        assertThat(browser.findAll(By.cssSelector("#contact-conversations li[data-conversation]"))).hasSize(2);
        assertNoPersonalDataInUrls();

        // From the timeline to the conversation, and back through the conversation's contact link.
        WebElement smsEntry = browser.findAll(By.cssSelector("#contact-timeline li[data-conversation]")).stream()
                .filter(e -> e.getText().contains(SMS_TEXT)).findFirst().orElseThrow();
        String smsConversation = smsEntry.getAttribute("data-conversation");
        smsEntry.findElement(By.linkText("open conversation")).click();
        browser.untilText(By.cssSelector("#conversation-detail .msg.inbound .text"), SMS_TEXT);
        assertThat(browser.driver().getCurrentUrl()).endsWith("/console/#conversations/" + smsConversation);
        browser.click(By.id("conversation-contact"));
        browser.untilText(By.id("contact-name"), NAME);
        assertThat(browser.driver().getCurrentUrl()).endsWith("/console/#contacts/" + contactId);
    }

    @Test
    @Order(2)
    void weakMatchWaitsAsAProposalUntilAcceptedAndSplitUndoesIt() {
        post(WEB, "dora-mail-1", "dora-mail", "EMAIL", EMAIL, EMAIL_TEXT);
        awaitDeskAccepted("dora-mail", 1, Duration.ofSeconds(20));

        openContact();
        By proposal = By.cssSelector("#contact-proposals li[data-link]");
        browser.untilText(proposal, NAME);
        assertThat(addressesShown()).as("nothing merged on weak evidence").doesNotContain(EMAIL);

        WebElement accept = browser.find(proposal).findElement(By.cssSelector("button[data-action='accept']"));
        assertThat(accept.getAttribute("aria-label")).startsWith("Accept");
        accept.sendKeys(Keys.ENTER);
        browser.untilText(By.id("status"), "Link accepted");
        browser.untilText(By.id("contact-addresses"), EMAIL);
        browser.untilText(By.id("contact-proposals"), "No proposals waiting");
        browser.untilText(By.cssSelector("#contact-timeline .text"), EMAIL_TEXT);
        assertThat(api().path("mergedInto").isMissingNode() || api().path("mergedInto").isNull()).isTrue();

        By joined = By.cssSelector("#contact-links tr[data-status='JOINED'] button[data-action='split']");
        WebElement split = browser.findAll(By.cssSelector("#contact-links tr[data-status='JOINED']")).stream()
                .filter(r -> r.getText().contains(EMAIL)).findFirst().orElseThrow()
                .findElement(By.cssSelector("button[data-action='split']"));
        assertThat(browser.findAll(joined)).isNotEmpty();
        split.sendKeys(Keys.ENTER);
        browser.untilText(By.id("status"), "Link split");
        browser.until("the email address left the contact", d -> addressesShown().contains(EMAIL) ? null : true);
        browser.untilText(By.cssSelector("#contact-links tr[data-status='SPLIT']"), EMAIL);
        assertNoPersonalDataInUrls();
    }

    @Test
    @Order(3)
    void rejectedProposalLeavesBothContactsAsTheyWere() {
        post(WEB, "dora-other-1", "dora-other", "EMAIL", OTHER_EMAIL, "Call +1 415-555-0177 about my parcel");
        awaitDeskAccepted("dora-other", 1, Duration.ofSeconds(20));

        openContact();
        By proposal = By.cssSelector("#contact-proposals li[data-link]");
        browser.untilText(proposal, NAME);
        browser.find(proposal).findElement(By.cssSelector("button[data-action='reject']")).sendKeys(Keys.ENTER);
        browser.untilText(By.id("status"), "Proposal rejected");
        browser.untilText(By.id("contact-proposals"), "No proposals waiting");
        browser.untilText(By.cssSelector("#contact-links tr[data-status='REJECTED']"), OTHER_EMAIL);
        assertThat(addressesShown()).doesNotContain(OTHER_EMAIL);
        assertThat(api().path("timeline").toString()).doesNotContain("about my parcel");
    }

    @Test
    @Order(4)
    void agentLinksAnAddressFromTheForm() {
        openContact();
        new Select(browser.find(By.id("link-kind"))).selectByValue("EMAIL");
        WebElement address = browser.find(By.id("link-address"));
        address.sendKeys(WORK_EMAIL);
        address.sendKeys(Keys.ENTER);
        browser.untilText(By.id("status"), "Linked");
        By row = By.cssSelector("#contact-addresses tr[data-kind='EMAIL']");
        browser.untilText(row, WORK_EMAIL);
        assertThat(browser.findAll(row).stream().filter(r -> r.getText().contains(WORK_EMAIL)).findFirst()
                .orElseThrow().getText()).contains("verified").doesNotContain("not verified");
        browser.untilText(By.cssSelector("#contact-links tr[data-status='JOINED']"), "linked by an agent");

        address.sendKeys("not an address");
        browser.find(By.id("link-submit")).click();
        browser.untilText(By.id("link-error"), "Not linked");
        assertNoPersonalDataInUrls();
    }

    @Test
    @Order(5)
    void exportDownloadsTheContactsArchive() {
        openContact();
        WebElement export = browser.find(By.id("contact-export"));
        assertThat(export.getAttribute("href")).isEqualTo(hub.baseUrl() + "/api/contacts/" + contactId + "/export");
        Object answer = ((JavascriptExecutor) browser.driver()).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0], {credentials: 'same-origin'}).then(async r => done(r.status + ' '"
                + " + r.headers.get('content-type') + ' ' + (await r.arrayBuffer()).byteLength))"
                + ".catch(e => done('failed ' + e));", export.getAttribute("href"));
        assertThat(String.valueOf(answer)).startsWith("200 application/zip");
    }

    @Test
    @Order(6)
    void eraseAsksFirstThenShowsTheErasureUntilItIsDone() {
        openContact();
        browser.click(By.id("contact-erase"));
        WebElement dialog = browser.find(By.id("erase-dialog"));
        assertThat(dialog.getText()).contains(NAME).contains("cannot be undone");
        assertThat(browser.script("return document.activeElement.id")).as("the safe choice has the focus")
                .isEqualTo("erase-cancel");
        browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.until("the dialog closed", d -> d.findElement(By.id("erase-dialog")).isDisplayed() ? null : true);
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("contact-erase");
        assertThat(api().path("erased").asBoolean()).as("cancel erased nothing").isFalse();

        browser.click(By.id("contact-erase"));
        browser.click(By.id("erase-confirm"));
        browser.untilText(By.id("erasure-status"), "Erasure");
        Poll.until(Duration.ofSeconds(30), "the erasure finished", () -> api().path("erased").asBoolean());
        browser.until("the page shows the erasure done", d -> d.findElement(By.id("erasure-status")).getText()
                .toLowerCase().contains("done") ? true : null);
        browser.find(By.id("contact-erased"));
        assertThat(browser.find(By.id("contact-erase")).isEnabled()).isFalse();
        String page = browser.find(By.id("contact-detail")).getText();
        assertThat(page).doesNotContain(WEB_TEXT).doesNotContain(SMS_TEXT).doesNotContain(PHONE)
                .doesNotContain(WORK_EMAIL);
        assertNoPersonalDataInUrls();
    }

    private void openContact() {
        browser.logIn(hub.baseUrl());
        assertThat(contactId).as("the first test found the contact").isNotNull();
        browser.open(hub.baseUrl() + "/console/#contacts/" + contactId);
        browser.untilText(By.id("contact-name"), NAME);
    }

    private String addressesShown() {
        return browser.findAll(By.id("contact-addresses")).stream().map(WebElement::getText).findFirst().orElse("");
    }

    private JsonNode api() {
        return hub.http().adminJson("/api/contacts/" + contactId);
    }

    /** The location, and every link on the page, name ids only: never the customer's name, number or address. */
    private void assertNoPersonalDataInUrls() {
        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) browser.script(
                "return [location.href].concat(Array.from(document.querySelectorAll('a[href]'), a => a.href))");
        for (String personal : List.of("Dora", "dora", "4155550177", "example.com", "example.org")) {
            assertThat(urls).as("URLs on the page").noneMatch(u -> u.contains(personal));
        }
    }

    private void post(String instance, String messageId, String threadKey, String kind, String address, String text) {
        ObjectNode message = Messages.inboundNode(messageId, threadKey, text);
        ObjectNode author = (ObjectNode) message.get("author");
        author.put("displayName", NAME);
        ((ObjectNode) author.get("address")).put("kind", kind).put("value", address);
        HttpResponse<String> response = hub.http().postSigned("/hooks/" + instance, CHANNEL_SECRET, Json.write(message));
        assertThat(response.statusCode()).as("channel %s accepted %s", instance, messageId).isEqualTo(200);
    }
}
