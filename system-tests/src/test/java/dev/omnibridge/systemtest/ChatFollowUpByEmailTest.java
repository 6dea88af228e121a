package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.systemtest.support.CustomerMail;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.MailServers;
import dev.omnibridge.systemtest.support.Mailer;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedMail;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat visitor whose email the site verified (identity verification) and who closed the page is answered by email
 * (an email merely typed into the chat is never used, see {@link ReplyFallbackTest}): the packaged hub runs the webchat
 * instance {@value #CHAT} with {@value #MAIL} (the email connector, on GreenMail's real SMTP/IMAP) as its follow-up
 * channel, and the built-in console inbox as the desk. The visitor talks to the webchat HTTP API as the widget does
 * (no browser needed here); the agent answers through the console's admin API.
 */
class ChatFollowUpByEmailTest extends SystemTestBase {
    private static final String CHAT = "chat";
    private static final String MAIL = "mail";
    private static final String INBOX = "inbox";
    private static final String SUPPORT = "support@acme.test";
    private static final String SUPPORT_PASSWORD = "support-imap-password";
    private static final String ANN = "ann@customer.test";
    private static final String TOKEN_SECRET = "webchat-token-secret-for-follow-up-tests-0123456789";
    private static final String IDENTITY_SECRET = "webchat-identity-secret-for-follow-up-tests-45678";
    private static final Duration HAND_OFF_AFTER = Duration.ofSeconds(1);
    private static final Duration ARRIVAL = Duration.ofSeconds(30);
    private static final Pattern SUBJECT_TOKEN = Pattern.compile("\\[#([A-Z2-7]{8})]");

    @RegisterExtension
    static final GreenMailExtension MAIL_SERVER = MailServers.server(SUPPORT, SUPPORT_PASSWORD, ANN);

    @Override
    protected HubProcess startHub() {
        return startHubWith("email", "webchat");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> mail = MailServers.emailInstance(MAIL_SERVER, SUPPORT, SUPPORT_PASSWORD);
        return standardConfig()
                .instance(CHAT, "webchat", Map.of("tokenSecret", TOKEN_SECRET, "identitySecret", IDENTITY_SECRET,
                        "followUpChannel", MAIL, "handOffAfter", HAND_OFF_AFTER.toSeconds() + "s"))
                .instance(MAIL, "email", mail)
                .instance(INBOX, "console-inbox", Map.of())
                .route(CHAT, INBOX)
                .route(MAIL, INBOX);
    }

    @BeforeAll
    void instancesRun() {
        awaitRunning(CHAT, MAIL, INBOX);
    }

    @Test
    void aReplyToAVisitorWhoLeftGoesOutByEmailAndTheirAnswerComesBackByEmail() throws Exception {
        String token = visitorSession("Ann", ANN);
        assertThat(visitor("POST", "messages", token,
                "{\"clientId\":\"follow-up-1\",\"text\":\"Can you send me the invoice by email?\"}").statusCode())
                .isEqualTo(200);
        String conversation = awaitConversation(CHAT);
        Poll.until(ARRIVAL, "the console inbox has the chat", () -> hub.http()
                .adminJson("/api/conversations/" + conversation).path("deskTickets").has(INBOX));

        // The visitor closed the page without a socket: once handOffAfter has passed, replies go by email.
        Thread.sleep(HAND_OFF_AFTER.toMillis() + 500);
        String replyText = "Hello Ann, the invoice is attached to your account.";
        HttpResponse<String> reply = hub.http().post("/api/conversations/" + conversation + "/replies",
                "{\"inbox\":\"" + INBOX + "\",\"text\":\"" + replyText + "\"}",
                "Authorization", "Bearer " + HubProcess.ADMIN_TOKEN);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);

        ReceivedMail mail = awaitMailTo(ANN);
        assertThat(mail.from().getAddress()).isEqualTo(SUPPORT);
        assertThat(mail.to()).containsExactly(ANN);
        assertThat(mail.topLevelParts().get(0).content()).contains(replyText);
        assertThat(mail.header("In-Reply-To")).as("chat messages are not mails to thread on").isNull();
        Matcher tag = SUBJECT_TOKEN.matcher(mail.subject());
        assertThat(tag.find()).as("subject %s carries a thread token", mail.subject()).isTrue();
        JsonNode delivery = chatDelivery(conversation, replyText);
        assertThat(delivery.path("status").asText()).isEqualTo("DONE");
        assertThat(delivery.path("resultRef").asText()).startsWith("handoff:" + MAIL + ":");
        assertThat(visitor("GET", "messages", token, null).body()).as("the chat history keeps the reply")
                .contains(replyText);

        // Ann answers the mail from her mail client: the conversation continues on the email channel.
        CustomerMail answer = CustomerMail.from("Ann", ANN).to(SUPPORT).subject("Re: " + mail.subject())
                .inReplyTo(mail.messageId()).references(mail.messageId()).text("Thanks, got it!");
        Mailer annsClient = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        annsClient.send(answer.build(annsClient.session()));
        String mailConversation = awaitConversation(MAIL);
        JsonNode onMail = hub.http().adminJson("/api/conversations/" + mailConversation);
        assertThat(onMail.path("threadKey").asText()).as("threaded by the token of the handed-off mail")
                .isEqualTo(tag.group(1));
        assertThat(onMail.path("customer").path("value").asText()).isEqualTo(ANN);
        Poll.until(ARRIVAL, "the answer reaches the console inbox", () -> hub.http()
                .adminJson("/api/conversations/" + mailConversation).path("deskTickets").has(INBOX));
    }

    // --- helpers

    /** A visitor the site vouches for: it signed the email (hex HMAC-SHA256 under identitySecret). */
    private String visitorSession(String name, String email) {
        String hash = dev.omnibridge.systemtest.support.Signatures.sign(IDENTITY_SECRET, email)
                .substring("sha256=".length());
        return hub.http().widgetSession(CHAT, "{\"name\":\"" + name + "\",\"userEmail\":\"" + email
                + "\",\"userHash\":\"" + hash + "\"}");
    }

    private HttpResponse<String> visitor(String method, String path, String token, String body) {
        return hub.http().widget(CHAT, method, path, token, body);
    }

    private String awaitConversation(String instance) {
        String[] id = new String[1];
        Poll.until(ARRIVAL, "a conversation on " + instance, () -> {
            Optional<JsonNode> found = stream(hub.http().adminJson("/api/conversations").path("conversations"))
                    .filter(c -> c.path("channel").path("instanceId").asText().equals(instance)).findFirst();
            found.ifPresent(c -> id[0] = c.path("id").asText());
            return found.isPresent();
        });
        return id[0];
    }

    private JsonNode chatDelivery(String conversation, String text) {
        JsonNode[] found = new JsonNode[1];
        Poll.until(ARRIVAL, "the reply's delivery to " + CHAT + " is recorded", () -> {
            for (JsonNode view : hub.http().adminJson("/api/messages?conversationId=" + conversation)
                    .path("messages")) {
                if (!view.path("message").path("text").asText().equals(text)) {
                    continue;
                }
                for (JsonNode d : view.path("deliveries")) {
                    if (d.path("target").asText().equals(CHAT) && d.path("status").asText().equals("DONE")) {
                        found[0] = d;
                        return true;
                    }
                }
            }
            return false;
        });
        return found[0];
    }

    private ReceivedMail awaitMailTo(String address) {
        Poll.until(ARRIVAL, "a mail arrives in " + address + "'s mailbox", () -> !mailsTo(address).isEmpty());
        return mailsTo(address).get(0);
    }

    private static List<ReceivedMail> mailsTo(String address) {
        return MAIL_SERVER.findReceivedMessages(user -> user.getEmail().equals(address), message -> true)
                .map(ReceivedMail::new).toList();
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }
}
