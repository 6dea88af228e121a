package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.ZendeskApiFake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Zendesk connector end to end: the packaged hub runs instance {@value #ZENDESK} (type zendesk) with its
 * {@code baseUrl} on {@link ZendeskApiFake} (a stateful WireMock for the Ticketing API), fed by the webhook channel
 * {@value #WEB}. Agents' replies and status changes arrive as the trigger's signed webhook
 * ({@code {"ticket_id","external_id","status"}}, X-Zendesk-Webhook-Signature over timestamp + body), re-read through
 * the API.
 */
class ZendeskDeskTest extends SystemTestBase {
    private static final String ZENDESK = "zd";
    private static final String EMAIL = "bridge@acme.test";
    private static final String API_TOKEN = "zd-test-api-token-0123456789";
    private static final String SIGNING_SECRET = "zd-signing-secret-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private ZendeskApiFake zendesk;

    @Override
    protected HubProcess startHub() {
        zendesk = ZendeskApiFake.start(EMAIL, API_TOKEN);
        return startHubWith("zendesk");
    }

    @Override
    protected HubConfig config() {
        return quickRetryConfig()
                .instance(ZENDESK, "zendesk", zendesk.instanceSettings(SIGNING_SECRET))
                .route(WEB, ZENDESK);
    }

    @BeforeAll
    void zendeskIsRunning() {
        awaitRunning(ZENDESK);
    }

    @AfterAll
    void stopFake() {
        if (zendesk != null) {
            zendesk.close();
        }
    }


    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    }

    private ObjectNode awaitTicket(String firstText) {
        Poll.until(WAIT, "a Zendesk ticket opened with '" + firstText + "'",
                () -> !zendesk.ticketsOpenedWith(firstText).isEmpty());
        return zendesk.ticketsOpenedWith(firstText).get(0);
    }

    /** A new conversation on the web channel; waits until the hub has recorded its ticket (webhooks name it). */
    private ObjectNode openTicket(String thread, String text) {
        accepted(postToChannel(unique("m"), thread, text));
        ObjectNode ticket = awaitTicket(text);
        awaitDeskDeliveriesDone(ticket.path("external_id").asText());
        return ticket;
    }

    /** What the trigger sends: the JSON body template from the README, signed as Zendesk signs. */
    private HttpResponse<String> webhook(ObjectNode ticket, String status, String secret) {
        String body = Json.write(Json.object().put("ticket_id", ticket.path("id").asText())
                .put("external_id", ticket.path("external_id").asText()).put("status", status));
        String timestamp = Instant.now().toString();
        return hub.http().post("/hooks/" + ZENDESK, body, "X-Zendesk-Webhook-Signature", sign(secret, timestamp, body),
                "X-Zendesk-Webhook-Signature-Timestamp", timestamp);
    }

    private static String sign(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal((timestamp + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void newConversationCreatesRequesterAndTicketAndTheFollowUpIsTheRequestersCommentOnIt() {
        String thread = unique("zd-new");
        ObjectNode ticket = openTicket(thread, "Parcel " + thread + " never arrived");
        long ticketId = ticket.path("id").asLong();

        JsonNode requester = zendesk.user(ticket.path("requester_id").asLong());
        assertThat(requester.has("email")).as("no email identity: Zendesk would mail the replies too").isFalse();
        assertThat(requester.path("details").asText()).contains(thread + "@example.com");
        assertThat(requester.path("role").asText()).isEqualTo("end-user");
        assertThat(ticket.path("external_id").asText()).isNotBlank();
        assertThat(hub.http().adminJson("/api/conversations/" + ticket.path("external_id").asText())
                .path("id").asText()).isEqualTo(ticket.path("external_id").asText());
        assertThat(ticket.path("priority").asText()).isEqualTo("normal");
        assertThat(Json.write(ticket.path("tags"))).contains("omnibridge", "channel-webhook-channel");

        accepted(postToChannel(unique("m"), thread, "Any news on " + thread + "?"));
        Poll.until(WAIT, "the follow-up comment", () -> zendesk.commentsOf(ticketId).size() == 2);
        JsonNode followUp = zendesk.commentsOf(ticketId).get(1);
        assertThat(followUp.path("body").asText()).isEqualTo("Any news on " + thread + "?");
        assertThat(followUp.path("public").asBoolean()).isTrue();
        assertThat(followUp.path("author_id").asLong()).isEqualTo(ticket.path("requester_id").asLong());
        assertThat(zendesk.ticketsOpenedWith("Parcel " + thread + " never arrived")).as("still one ticket").hasSize(1);
    }

    @Test
    void aCustomersFileIsUploadedAndLinkedToTheTicketsFirstComment() throws Exception {
        String thread = unique("zd-file");
        byte[] bytes = ("receipt for " + thread).getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        seedStoredAttachment(sha, bytes);
        ObjectNode message = Messages.inboundNode(unique("m"), thread, "Receipt " + thread + " attached");
        message.putArray("attachments").addObject().put("fileName", "receipt.txt").put("mediaType", "text/plain")
                .put("size", bytes.length).put("sha256", sha).put("location", "attachment:" + sha);
        accepted(postToChannel(Json.write(message)));

        ObjectNode ticket = awaitTicket("Receipt " + thread + " attached");

        assertThat(zendesk.uploadsOf(ticket.path("id").asLong())).singleElement().satisfies(u -> {
            assertThat(u.fileName()).isEqualTo("receipt.txt");
            assertThat(u.contentType()).isEqualTo("text/plain");
            assertThat(u.bytes()).isEqualTo(bytes);
        });
    }

    /** Files the hub stored (e.g. from a channel that downloads media) live under dataDir/attachments/xx/sha. */
    private void seedStoredAttachment(String sha, byte[] bytes) throws IOException {
        Path file = hub.workDir().resolve("data").resolve("attachments").resolve(sha.substring(0, 2)).resolve(sha);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    @Test
    void aLostAnswerAfterZendeskCreatedTheTicketStillMakesOneTicket() {
        String thread = unique("zd-lost");
        String text = "Lost answer " + thread;
        zendesk.loseAnswerOnce(text);
        accepted(postToChannel(unique("m"), thread, text));

        ObjectNode ticket = awaitTicket(text);
        String conversationId = ticket.path("external_id").asText();
        String firstComment = zendesk.commentsOf(ticket.path("id").asLong()).get(0).path("id").asText();
        Poll.until(WAIT, "the hub recorded the ticket's first comment", () -> hub.http().adminJson(
                "/api/messages?conversationId=" + conversationId).toString()
                .contains("\"resultRef\":\"" + firstComment + "\""));
        assertThat(zendesk.ticketsOpenedWith(text)).as("one ticket despite the retry").hasSize(1);
        assertThat(zendesk.answersLost()).as("the first answer was really lost").isEqualTo(1);
        assertThat(deadLetters().toString()).doesNotContain(conversationId);
    }

    @Test
    void a429IsHonouredAndTheCommentIsPostedOnceAfterIt() {
        String thread = unique("zd-429");
        ObjectNode ticket = openTicket(thread, "Rate limited " + thread);
        long ticketId = ticket.path("id").asLong();
        zendesk.server().stubFor(put(urlEqualTo("/api/v2/tickets/" + ticketId)).atPriority(1)
                .inScenario("429-" + ticketId).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json").withBody("{\"error\":\"TooManyRequests\"}"))
                .willSetStateTo("served"));

        accepted(postToChannel(unique("m"), thread, "Second " + thread));

        Poll.until(WAIT, "the comment after the 429", () -> zendesk.commentsOf(ticketId).size() == 2);
        assertThat(zendesk.requests("PUT", "/api/v2/tickets/" + ticketId)).isEqualTo(2);
        assertThat(zendesk.commentsOf(ticketId).get(1).path("body").asText()).isEqualTo("Second " + thread);
    }

    @Test
    void aSignedAgentReplyReachesTheChannelButAnInternalNoteDoesNot() {
        String thread = unique("zd-reply");
        ObjectNode ticket = openTicket(thread, "Question " + thread);
        long ticketId = ticket.path("id").asLong();

        zendesk.agentComment(ticketId, "internal note " + thread, false);
        accepted(webhook(ticket, "Open", SIGNING_SECRET));
        zendesk.agentComment(ticketId, "Answer for " + thread, true);
        accepted(webhook(ticket, "Pending", SIGNING_SECRET));

        Poll.until(WAIT, "the reply reached the channel", () -> !callbacksFor(thread).isEmpty());
        awaitQuiet(channel, Duration.ofMillis(500));
        assertThat(callbacksFor(thread)).singleElement().satisfies(cb -> {
            assertThat(cb.text("/text")).isEqualTo("Answer for " + thread);
            assertThat(cb.text("/author/displayName")).isEqualTo(ZendeskApiFake.AGENT_NAME);
        });
        // The same comments again (a retried webhook) send nothing new.
        accepted(webhook(ticket, "Pending", SIGNING_SECRET));
        awaitQuiet(channel, Duration.ofMillis(500));
        assertThat(callbacksFor(thread)).hasSize(1);
    }

    @Test
    void aWrongSignatureIsRejectedAndNothingIsSent() {
        String thread = unique("zd-forged");
        ObjectNode ticket = openTicket(thread, "Forged " + thread);
        zendesk.agentComment(ticket.path("id").asLong(), "Forged answer " + thread, true);

        HttpResponse<String> response = webhook(ticket, "Solved", "not-the-signing-secret");

        assertThat(response.statusCode()).as(describe(response)).isIn(401, 403);
        awaitQuiet(channel, Duration.ofMillis(500));
        assertThat(callbacksFor(thread)).isEmpty();
        assertThat(hub.http().adminJson("/api/conversations/" + ticket.path("external_id").asText())
                .path("status").asText()).isEqualTo("OPEN");
    }

    @Test
    void aSolvedTicketResolvesTheConversation() {
        String thread = unique("zd-solved");
        ObjectNode ticket = openTicket(thread, "Solve me " + thread);
        String conversationId = ticket.path("external_id").asText();
        zendesk.setStatus(ticket.path("id").asLong(), "solved");

        accepted(webhook(ticket, "Solved", SIGNING_SECRET));

        Poll.until(WAIT, "the conversation is resolved", () -> hub.http().adminJson("/api/conversations/"
                + conversationId).path("status").asText().equals("RESOLVED"));
    }
}
