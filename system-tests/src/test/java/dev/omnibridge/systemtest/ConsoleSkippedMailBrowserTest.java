package dev.omnibridge.systemtest;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.systemtest.support.ConsoleBrowser;
import dev.omnibridge.systemtest.support.CustomerMail;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.MailServers;
import dev.omnibridge.systemtest.support.Mailer;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedMail;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operator console shows, in the conversation's timeline, an out-of-office reply to the acknowledgement that
 * was neither stored nor acknowledged, with its reason. Headless Chromium against the packaged hub, GreenMail as the
 * mailboxes.
 */
class ConsoleSkippedMailBrowserTest extends SystemTestBase {
    private static final String MAIL = "mail";
    private static final String SUPPORT = "support@acme.test";
    private static final String SUPPORT_PASSWORD = "support-imap-password";
    private static final String CORA = "cora@customer.test";

    @RegisterExtension
    static final GreenMailExtension MAIL_SERVER = MailServers.server(SUPPORT, SUPPORT_PASSWORD, CORA);

    private Mailer customers;
    private ConsoleBrowser browser;

    @Override
    protected HubProcess startHub() {
        assumeTrue(ConsoleBrowser.installed(), "skipped: headless Chromium is not installed (needs "
                + ConsoleBrowser.CHROMIUM + " and " + ConsoleBrowser.CHROMEDRIVER + ")");
        customers = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        return startHubWith("email");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> settings = MailServers.emailInstance(MAIL_SERVER, SUPPORT, SUPPORT_PASSWORD);
        return standardConfig().instance(MAIL, "email", settings).route(MAIL, DESK)
                .acknowledgements("enabled", true)
                .acknowledgementTemplate("en", "Hi {firstName:there}, we have your mail (reference {reference}).",
                        "Closed now; reference {reference}.");
    }

    @BeforeAll
    void startBrowser() {
        Poll.until(Duration.ofSeconds(30), MAIL + " is RUNNING",
                () -> hub.http().health().at("/instances/" + MAIL + "/state").asText().equals("RUNNING"));
        browser = ConsoleBrowser.start();
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theTimelineShowsTheOutOfOfficeReplyToTheAcknowledgementAndWhyItGotNone() {
        CustomerMail first = CustomerMail.from("Cora Console", CORA).subject("Broken lamp " + unique("c"))
                .text("The lamp flickers.");
        customers.send(first.build(customers.session()));
        ReceivedMail ack = ReceivedMail.reaching(MAIL_SERVER, CORA, "Hi Cora, we have your mail",
                Duration.ofSeconds(30)).get(0);
        CustomerMail outOfOffice = CustomerMail.from("Cora Console", CORA).subject("Automatic reply: " + ack.subject())
                .inReplyTo(ack.messageId()).references(ack.messageId()).header("Auto-Submitted", "auto-replied")
                .text("I am out of the office until Monday.");
        customers.send(outOfOffice.build(customers.session()));

        Poll.until(Duration.ofSeconds(30), "the desk has the mail", () -> deskRequests().stream()
                .anyMatch(r -> first.messageId().equals(r.channelMessageId())));
        String conversation = deskRequests().stream().filter(r -> first.messageId().equals(r.channelMessageId()))
                .findFirst().orElseThrow().conversationId();
        Poll.until(Duration.ofSeconds(30), "the auto-reply is in the conversation's timeline", () -> hub.http()
                .adminJson("/api/messages?conversationId=" + conversation).path("automation").toString()
                .contains("SKIPPED_INBOUND"));

        browser.logIn(hub.baseUrl());
        browser.openConversation(hub.baseUrl(), "cora");
        browser.untilText(By.cssSelector("#conversation-detail .timeline li.skipped-inbound"),
                "skipped (Auto-Submitted: auto-replied): not stored as a message, not acknowledged");
        browser.screenshot(getClass().getSimpleName() + "-timeline");
    }
}
