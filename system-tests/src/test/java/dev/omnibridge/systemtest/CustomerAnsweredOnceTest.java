package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.systemtest.support.CustomerMail;
import dev.omnibridge.systemtest.support.FreshdeskApiFake;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.MailServers;
import dev.omnibridge.systemtest.support.Mailer;
import dev.omnibridge.systemtest.support.ReceivedMail;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.ZendeskApiFake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One agent reply reaches an email customer once. The packaged hub runs two email channels on GreenMail, one routed
 * to Zendesk ({@link ZendeskApiFake}) and one to Freshdesk ({@link FreshdeskApiFake}). Both desks mail the requester
 * by themselves when an agent answers publicly, if the requester has an email address: Zendesk through its standard
 * trigger "Notify requester and CCs of comment update" (suppressed for requesters without an email address,
 * https://support.zendesk.com/hc/en-us/articles/4408843347866), Freshdesk because an agent's Reply is an email to the
 * requester. The test plays that part of the desk ({@link #deskMailsTheRequester}): it mails the reply to the
 * address the requester has at the desk, if any. The hub sends the same reply through the email channel. GreenMail
 * counts what reached the customer.
 */
class CustomerAnsweredOnceTest extends SystemTestBase {
    private static final String MAIL_ZD = "mail-zd";
    private static final String MAIL_FD = "mail-fd";
    private static final String ZENDESK = "zd";
    private static final String FRESHDESK = "fd";
    private static final String SUPPORT_ZD = "support-zd@acme.test";
    private static final String SUPPORT_FD = "support-fd@acme.test";
    private static final String PASSWORD = "support-imap-password";
    private static final String ANN = "ann@customer.test";
    private static final String BOB = "bob@customer.test";
    private static final String DESK_SENDER = "notifications@desk.test";
    private static final String ZD_EMAIL = "bridge@acme.test";
    private static final String ZD_TOKEN = "zd-test-api-token-0123456789";
    private static final String ZD_SIGNING_SECRET = "zd-signing-secret-0123456789abcdef";
    private static final String FD_API_KEY = "fd-api-key-0123456789abcdef";
    private static final String FD_HOOK_SECRET = "fd-hook-secret-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(40);

    @RegisterExtension
    static final GreenMailExtension MAIL_SERVER = new GreenMailExtension(MailServers.smtpAndImapOnFreePorts())
            .withConfiguration(GreenMailConfiguration.aConfig()
                    .withUser(SUPPORT_ZD, SUPPORT_ZD, PASSWORD)
                    .withUser(SUPPORT_FD, SUPPORT_FD, PASSWORD)
                    .withUser(ANN, ANN, "ann-password")
                    .withUser(BOB, BOB, "bob-password"))
            .withPerMethodLifecycle(false);

    private ZendeskApiFake zendesk;
    private FreshdeskApiFake freshdesk;

    @Override
    protected HubProcess startHub() {
        zendesk = ZendeskApiFake.start(ZD_EMAIL, ZD_TOKEN);
        freshdesk = FreshdeskApiFake.start(FD_API_KEY);
        return startHubWith("email", "zendesk", "freshdesk");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> zd = new LinkedHashMap<>();
        zd.put("baseUrl", zendesk.baseUrl());
        zd.put("email", ZD_EMAIL);
        zd.put("apiToken", ZD_TOKEN);
        zd.put("webhookSigningSecret", ZD_SIGNING_SECRET);
        zd.put("requestsPerMinute", 6000);
        zd.put("timeout", "5s");
        Map<String, Object> fd = new LinkedHashMap<>();
        fd.put("baseUrl", freshdesk.baseUrl());
        fd.put("apiKey", FD_API_KEY);
        fd.put("webhookSecret", FD_HOOK_SECRET);
        fd.put("requestsPerMinute", 6000);
        fd.put("timeout", "5s");
        return quickRetryConfig()
                .instance(MAIL_ZD, "email", MailServers.emailInstance(MAIL_SERVER, SUPPORT_ZD, PASSWORD))
                .instance(MAIL_FD, "email", MailServers.emailInstance(MAIL_SERVER, SUPPORT_FD, PASSWORD))
                .instance(ZENDESK, "zendesk", zd)
                .instance(FRESHDESK, "freshdesk", fd)
                .route(MAIL_ZD, ZENDESK)
                .route(MAIL_FD, FRESHDESK);
    }

    @BeforeAll
    void instancesRun() {
        awaitRunning(MAIL_ZD, MAIL_FD, ZENDESK, FRESHDESK);
    }

    @AfterAll
    void stopFakes() {
        if (zendesk != null) {
            zendesk.close();
        }
        if (freshdesk != null) {
            freshdesk.close();
        }
    }

    @Test
    void aZendeskAgentsReplyReachesTheEmailCustomerOnce() {
        String question = unique("Where is my parcel");
        String conversation = customerWrites(ANN, SUPPORT_ZD, MAIL_ZD, question);
        long ticketId = Long.parseLong(awaitDeskTicket(conversation, ZENDESK, WAIT));
        long requesterId = zendesk.commentsOf(ticketId).get(0).path("author_id").asLong();

        String answer = "It arrives tomorrow (" + question + ")";
        zendesk.agentComment(ticketId, answer, true);
        deskMailsTheRequester(Optional.ofNullable(zendesk.user(requesterId).get("email")).map(JsonNode::asText),
                answer);
        String body = Json.write(Json.object().put("ticket_id", Long.toString(ticketId))
                .put("external_id", conversation).put("status", "Pending"));
        String timestamp = Instant.now().toString();
        accepted(hub.http().post("/hooks/" + ZENDESK, body, "X-Zendesk-Webhook-Signature",
                zendeskSignature(timestamp, body), "X-Zendesk-Webhook-Signature-Timestamp", timestamp));

        assertThat(ReceivedMail.reaching(MAIL_SERVER, ANN, answer, WAIT))
                .as("the answer reached Ann once, from the hub's email channel")
                .singleElement().satisfies(m -> assertThat(m.from().getAddress()).isEqualTo(SUPPORT_ZD));
    }

    @Test
    void aFreshdeskAgentsReplyReachesTheEmailCustomerOnce() {
        String question = unique("Invoice missing");
        String conversation = customerWrites(BOB, SUPPORT_FD, MAIL_FD, question);
        long ticketId = Long.parseLong(awaitDeskTicket(conversation, FRESHDESK, WAIT));
        long requesterId = freshdesk.ticketsWithSubject(question).get(0).path("requester_id").asLong();

        String answer = "The invoice is on its way (" + question + ")";
        freshdesk.agentReply(ticketId, answer, null);
        deskMailsTheRequester(freshdesk.contact(requesterId).map(c -> c.path("email").asText(""))
                .filter(e -> !e.isEmpty()), answer);
        accepted(hub.http().post("/hooks/" + FRESHDESK, "{\"ticket_id\": " + ticketId + "}",
                "X-Omnibridge-Webhook-Secret", FD_HOOK_SECRET));

        assertThat(ReceivedMail.reaching(MAIL_SERVER, BOB, answer, WAIT))
                .as("the answer reached Bob once, from the hub's email channel")
                .singleElement().satisfies(m -> assertThat(m.from().getAddress()).isEqualTo(SUPPORT_FD));
    }

    // --- helpers

    /** The customer mails the support address; answers the hub conversation it opened, once its ticket exists. */
    private String customerWrites(String customer, String support, String instance, String subject) {
        Mailer client = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        client.send(CustomerMail.from("Customer", customer).to(support).subject(subject)
                .text(subject + "?").build(client.session()));
        String id = awaitConversationOf(instance, customer, WAIT);
        awaitDeskDeliveriesDone(id);
        return id;
    }

    /**
     * The desk's own part: it mails the agent's public reply to the requester's email address at the desk (Zendesk's
     * standard trigger, Freshdesk's Reply); a requester without one gets nothing from the desk.
     */
    private static void deskMailsTheRequester(Optional<String> requesterEmail, String answer) {
        requesterEmail.filter(e -> !e.isBlank()).ifPresent(email -> {
            Mailer desk = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
            desk.send(CustomerMail.from("Acme Support", DESK_SENDER).to(email).subject("Re: your request")
                    .text(answer).build(desk.session()));
        });
    }

    private static String zendeskSignature(String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(ZD_SIGNING_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal((timestamp + body)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    }
}
