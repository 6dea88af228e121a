package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.systemtest.support.CustomerMail;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.MailServers;
import dev.omnibridge.systemtest.support.Mailer;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedMail;
import dev.omnibridge.systemtest.support.SalesforceApiFake;
import dev.omnibridge.systemtest.support.Signatures;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent who answers a hub case from Salesforce's Email action has the answer mailed by Salesforce to the email's
 * To and Cc. The packaged hub runs an email channel on GreenMail routed to Salesforce ({@link SalesforceApiFake});
 * the test plays Salesforce's own send ({@link #salesforceMails}) and GreenMail counts what reaches the customer:
 * an email customer among the recipients gets the answer once, Salesforce's copy, and none from the hub; an email
 * customer the agent did not address gets it from the hub.
 */
class SalesforceEmailActionAnsweredOnceTest extends SystemTestBase {
    private static final String MAIL = "mail-sf";
    private static final String SF = "sf";
    private static final String HINT_SECRET = "salesforce-hint-secret";
    private static final String SUPPORT = "support-sf@acme.test";
    private static final String PASSWORD = "support-imap-password";
    private static final String ANN = "ann@customer.test";
    private static final String BOB = "bob@customer.test";
    private static final String ORG_SENDER = "support@acme.my.salesforce.test";
    private static final Duration WAIT = Duration.ofSeconds(40);

    @RegisterExtension
    static final GreenMailExtension MAIL_SERVER = MailServers.server(SUPPORT, PASSWORD, ANN, BOB);

    private SalesforceApiFake salesforce;

    @Override
    protected HubProcess startHub() {
        salesforce = SalesforceApiFake.start("00DS7000000oxzo!AR8AQ-answered-once-token");
        return startHubWith("email", "salesforce");
    }

    @Override
    protected HubConfig config() {
        return quickRetryConfig()
                .instance(MAIL, "email", MailServers.emailInstance(MAIL_SERVER, SUPPORT, PASSWORD))
                .instance(SF, "salesforce", salesforce.instanceSettings(HINT_SECRET))
                .route(MAIL, SF);
    }

    @BeforeAll
    void instancesRun() {
        awaitRunning(MAIL, SF);
    }

    @AfterAll
    void stopSalesforce() {
        if (salesforce != null) {
            salesforce.close();
        }
    }

    @Test
    void emailCustomerAnsweredWithTheEmailActionGetsTheAnswerOnceFromSalesforceAndNoneFromTheHub() {
        String question = unique("Where is my parcel");
        String conversation = customerWrites(ANN, question);
        String caseId = awaitDeskTicket(conversation, SF, WAIT);

        String answer = "It arrives tomorrow (" + question + ")";
        salesforceMails(answer, ANN);
        salesforce.agentEmail(caseId, conversation, "02sANN" + question.substring(question.length() - 8),
                "<p>" + answer + "</p>", "005ALICE", "Ann@Customer.test", "boss@customer.test");
        accepted(hint(caseId));

        Poll.until(WAIT, "the hub stored the answer and settled its channel delivery",
                () -> answerDeliveries(conversation, answer).map(d -> d.size() == 1
                        && !"PENDING".equals(d.get(0).path("status").asText())).orElse(false));
        assertThat(ReceivedMail.reaching(MAIL_SERVER, ANN, answer, WAIT))
                .as("the answer reached Ann once: Salesforce's mail, none from the hub")
                .singleElement().satisfies(m -> assertThat(m.from().getAddress()).isEqualTo(ORG_SENDER));
        JsonNode delivery = answerDeliveries(conversation, answer).orElseThrow().get(0);
        assertThat(delivery.path("kind").asText()).isEqualTo("CHANNEL");
        assertThat(delivery.path("status").asText()).as("the conversation shows who sent it").isEqualTo("SENT_BY_DESK");
    }

    @Test
    void emailCustomerTheAgentDidNotAddressGetsTheAnswerFromTheHub() {
        String question = unique("Invoice missing");
        String conversation = customerWrites(BOB, question);
        String caseId = awaitDeskTicket(conversation, SF, WAIT);

        String answer = "The invoice is on its way (" + question + ")";
        salesforceMails(answer, "accounts@customer.test");
        salesforce.agentEmail(caseId, conversation, "02sBOB" + question.substring(question.length() - 8),
                "<p>" + answer + "</p>", "005ALICE", "accounts@customer.test", null);
        accepted(hint(caseId));

        assertThat(ReceivedMail.reaching(MAIL_SERVER, BOB, answer, WAIT))
                .as("the answer reached Bob once, from the hub's email channel")
                .singleElement().satisfies(m -> assertThat(m.from().getAddress()).isEqualTo(SUPPORT));
    }

    // --- helpers

    /** The customer mails the support address; answers the hub conversation it opened, once its Case exists. */
    private String customerWrites(String customer, String subject) {
        Mailer client = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        client.send(CustomerMail.from("Customer", customer).to(SUPPORT).subject(subject)
                .text(subject + "?").build(client.session()));
        String id = awaitConversationOf(MAIL, customer, WAIT);
        awaitDeskDeliveriesDone(id);
        return id;
    }

    /** Salesforce's own part: the Email action sends the agent's answer to the email's recipients. */
    private static void salesforceMails(String answer, String recipient) {
        Mailer org = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        org.send(CustomerMail.from("Acme Support", ORG_SENDER).to(recipient).subject("Re: your request")
                .text(answer).build(org.session()));
    }

    private HttpResponse<String> hint(String caseId) {
        String body = Json.write(Json.object().put("caseId", caseId).put("sentAt", Instant.now().toString()));
        return hub.http().post("/hooks/" + SF, body, Signatures.HEADER, Signatures.sign(HINT_SECRET, body));
    }

    /** The deliveries of the stored answer, once the hub has stored it. */
    private Optional<JsonNode> answerDeliveries(String conversation, String answer) {
        for (JsonNode m : hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversation)
                .path("messages")) {
            if ("OUTBOUND".equals(m.path("message").path("direction").asText())
                    && m.path("message").path("text").asText().contains(answer)) {
                return Optional.of(m.path("deliveries"));
            }
        }
        return Optional.empty();
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    }
}
