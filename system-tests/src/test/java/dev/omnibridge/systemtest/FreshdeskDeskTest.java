package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.FreshdeskApiFake;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.TwilioApiFake;
import dev.omnibridge.systemtest.support.TwilioHubClient;
import dev.omnibridge.systemtest.support.TwilioWebhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Freshdesk connector end to end: the packaged hub runs instance {@value #FRESHDESK} (type freshdesk) with its
 * {@code baseUrl} on {@link FreshdeskApiFake} (a stateful WireMock for the API v2), fed by the webhook channel
 * {@value #WEB} and by a Twilio SMS instance (for a customer's file). Agents' replies and status changes arrive as the
 * automation rule's webhook: {@code {"ticket_id": N}} with the shared secret header, re-read through the API.
 */
class FreshdeskDeskTest extends SystemTestBase {
    private static final String FRESHDESK = "fd";
    private static final String SMS = "sms";
    private static final String API_KEY = "fd-test-api-key-0123456789";
    private static final String HOOK_SECRET = "fd-webhook-secret-0123456789abcdef";
    private static final String HOOK_HEADER = "X-Omnibridge-Webhook-Secret";
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99";
    private static final String BUSINESS_NUMBER = "+14155550100";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private FreshdeskApiFake freshdesk;
    private TwilioApiFake twilio;
    private TwilioHubClient twilioHooks;

    @Override
    protected HubProcess startHub() {
        freshdesk = FreshdeskApiFake.start(API_KEY);
        twilio = TwilioApiFake.start(ACCOUNT_SID);
        HubProcess started = startHubWith("freshdesk", "twilio");
        twilioHooks = new TwilioHubClient(started);
        return started;
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> fd = new LinkedHashMap<>();
        fd.put("baseUrl", freshdesk.baseUrl());
        fd.put("apiKey", API_KEY);
        fd.put("webhookSecret", HOOK_SECRET);
        fd.put("requestsPerMinute", 6000);
        fd.put("timeout", "5s");
        return quickRetryConfig()
                .instance(FRESHDESK, "freshdesk", fd)
                .instance(SMS, "twilio-sms", twilio.smsSettings(ACCOUNT_SID, AUTH_TOKEN))
                .route(WEB, FRESHDESK)
                .route(SMS, FRESHDESK);
    }

    @BeforeAll
    void freshdeskIsRunning() {
        awaitRunning(FRESHDESK, SMS);
    }

    @AfterAll
    void stopFakes() {
        if (freshdesk != null) {
            freshdesk.close();
        }
        if (twilio != null) {
            twilio.close();
        }
    }


    private ObjectNode awaitTicket(String subject) {
        Poll.until(WAIT, "a Freshdesk ticket '" + subject + "'", () -> !freshdesk.ticketsWithSubject(subject).isEmpty());
        return freshdesk.ticketsWithSubject(subject).get(0);
    }

    /** A new conversation on the web channel; waits until the hub has recorded its ticket (webhooks name it). */
    private ObjectNode openTicket(String thread, String text) {
        accepted(postToChannel(unique("m"), thread, text));
        ObjectNode ticket = awaitTicket(text);
        awaitDeskDeliveriesDone(ticket.path("custom_fields").path("cf_omnibridge_conversation_id").asText());
        return ticket;
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    }

    private HttpResponse<String> hint(long ticketId, String secret) {
        String body = "{\"ticket_id\": " + ticketId + "}";
        return secret == null ? hub.http().post("/hooks/" + FRESHDESK, body)
                : hub.http().post("/hooks/" + FRESHDESK, body, HOOK_HEADER, secret);
    }

    @Test
    void newConversationCreatesRequesterAndTicketAndTheFollowUpIsTheRequestersNoteOnIt() {
        String thread = unique("fd-new");
        ObjectNode ticket = openTicket(thread, "Parcel " + thread + " never arrived");
        long ticketId = ticket.path("id").asLong();

        ObjectNode contact = freshdesk.contact(ticket.path("requester_id").asLong()).orElseThrow();
        assertThat(contact.has("email")).as("no email: Freshdesk would mail the agent's replies too").isFalse();
        assertThat(contact.path("description").asText()).contains(thread + "@example.com");
        assertThat(freshdesk.contactByEmail(thread + "@example.com")).isEmpty();
        assertThat(ticket.path("status").asInt()).isEqualTo(2);
        assertThat(ticket.path("priority").asInt()).isEqualTo(2);
        assertThat(ticket.path("source").asInt()).isEqualTo(2);
        assertThat(ticket.path("description").asText()).isEqualTo("<div>Parcel " + thread + " never arrived</div>");
        assertThat(Json.MAPPER.convertValue(ticket.path("tags"), List.class)).contains("omnibridge",
                "channel-webhook-channel");
        String conversationId = ticket.path("custom_fields").path("cf_omnibridge_conversation_id").asText();
        assertThat(hub.http().adminJson("/api/conversations/" + conversationId).path("id").asText())
                .isEqualTo(conversationId);

        accepted(postToChannel(unique("m"), thread, "Any news about it?"));
        Poll.until(WAIT, "a note on ticket " + ticketId, () -> !freshdesk.conversationsOf(ticketId).isEmpty());
        assertThat(freshdesk.conversationsOf(ticketId)).singleElement().satisfies(note -> {
            assertThat(note.path("incoming").asBoolean()).isTrue();
            assertThat(note.path("private").asBoolean()).isFalse();
            assertThat(note.path("user_id").asLong()).isEqualTo(contact.path("id").asLong());
            assertThat(note.path("body").asText()).startsWith("<div>Any news about it?</div><!-- omnibridge:");
        });
        assertThat(freshdesk.ticketsWithSubject("Parcel " + thread + " never arrived")).hasSize(1);
        assertThat(freshdesk.requests("POST", "/api/v2/contacts")).filteredOn(r -> r.getBodyAsString().contains(thread))
                .as("the requester is created once and then found").hasSize(1);
    }

    @Test
    void answerLostAfterFreshdeskCreatedTheTicketStillMakesOneTicketAndTheNextMessageJoinsIt() {
        String thread = unique("fd-lost");
        String subject = "Lost answer " + thread;
        freshdesk.loseAnswerOnce(subject);

        accepted(postToChannel(unique("m"), thread, subject));
        ObjectNode ticket = awaitTicket(subject);
        accepted(postToChannel(unique("m"), thread, "second message"));
        long ticketId = ticket.path("id").asLong();
        Poll.until(WAIT, "the follow-up note", () -> !freshdesk.conversationsOf(ticketId).isEmpty());

        assertThat(freshdesk.ticketsWithSubject(subject)).as("one ticket despite the retry").hasSize(1);
        assertThat(freshdesk.requests("POST", "/api/v2/tickets"))
                .filteredOn(r -> r.getBodyAsString().contains(subject)).as("one create call").hasSize(1);
        assertThat(freshdesk.conversationsOf(ticketId)).singleElement()
                .satisfies(n -> assertThat(n.path("body").asText()).contains("second message"));
    }

    @Test
    void rateLimitedCreateIsRetriedAfterRetryAfterAndSucceedsOnce() {
        String thread = unique("fd-429");
        String subject = "Rate limited " + thread;
        freshdesk.rateLimitOnce(subject);

        accepted(postToChannel(unique("m"), thread, subject));
        awaitTicket(subject);

        var creates = freshdesk.requests("POST", "/api/v2/tickets").stream()
                .filter(r -> r.getBodyAsString().contains(subject)).toList();
        assertThat(creates).hasSize(2);
        assertThat(Duration.between(creates.get(0).getLoggedDate().toInstant(), creates.get(1).getLoggedDate().toInstant())
                .abs()).as("Retry-After: 1 honoured between the refused and the accepted create").isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(freshdesk.ticketsWithSubject(subject)).hasSize(1);
    }

    @Test
    void customersMmsPhotoIsUploadedAsATicketAttachment() {
        String customer = "+1415555" + (1000 + (int) (Math.random() * 8999));
        String sid = TwilioWebhooks.sid("MM");
        byte[] image = ("PNG-bytes-" + sid).getBytes(StandardCharsets.UTF_8);
        String mediaUrl = twilio.serveMedia("/media/" + sid, "image/png", image);
        String text = "Damaged box " + sid;

        HttpResponse<String> answer = twilioHooks.postSigned("/hooks/" + SMS, AUTH_TOKEN,
                twilioHooks.defaultWebhookUrl(SMS),
                TwilioWebhooks.inboundMms(sid, ACCOUNT_SID, customer, BUSINESS_NUMBER, text, mediaUrl, "image/png"));
        assertThat(answer.statusCode()).as(describe(answer)).isEqualTo(200);

        ObjectNode ticket = awaitTicket(text);
        assertThat(ticket.path("source").asInt()).as("a messaging channel is Chat").isEqualTo(7);
        assertThat(freshdesk.uploadsOf(ticket.path("id").asLong())).singleElement().satisfies(upload -> {
            assertThat(upload.contentType()).isEqualTo("image/png");
            assertThat(upload.bytes()).isEqualTo(image);
        });
        assertThat(freshdesk.requests("GET", "/api/v2/contacts")).as("looked up by phone")
                .anyMatch(r -> r.getUrl().equals("/api/v2/contacts?phone=" + customer.replace("+", "%2B")));
    }

    @Test
    void agentReplyHintReachesTheChannelOnceWithItsFileAndRepeatsAreHarmless() {
        String thread = unique("fd-reply");
        long ticketId = openTicket(thread, "Question " + thread).path("id").asLong();
        byte[] pdf = ("%PDF label " + thread).getBytes(StandardCharsets.UTF_8);
        freshdesk.agentReply(ticketId, "Here is your return label",
                new FreshdeskApiFake.Upload("label.pdf", "application/pdf", pdf));

        accepted(hint(ticketId, HOOK_SECRET));
        Poll.until(WAIT, "the reply reached the channel", () -> !callbacksFor(thread).isEmpty());
        accepted(hint(ticketId, HOOK_SECRET));
        awaitQuiet(channel, Duration.ofMillis(1500));

        assertThat(callbacksFor(thread)).singleElement().satisfies(cb -> {
            assertThat(cb.text("/text")).isEqualTo("Here is your return label");
            assertThat(cb.text("/author/displayName")).isEqualTo(FreshdeskApiFake.AGENT_NAME);
            assertThat(cb.body().at("/attachments")).hasSize(1);
            assertThat(cb.text("/attachments/0/mediaType")).isEqualTo("application/pdf");
        });
        assertThat(freshdesk.server().getAllServeEvents()).filteredOn(e -> e.getRequest().getUrl().startsWith("/files/"))
                .as("the signed file URL is fetched without the API key").isNotEmpty()
                .allSatisfy(e -> assertThat(e.getRequest().getHeader("Authorization")).isNull());
    }

    @Test
    void hintWithoutOrWithAWrongSecretIsRefusedAndNothingIsSent() {
        String thread = unique("fd-forged");
        long ticketId = openTicket(thread, "Forged " + thread).path("id").asLong();
        freshdesk.agentReply(ticketId, "should not go out", null);

        HttpResponse<String> missing = hint(ticketId, null);
        HttpResponse<String> wrong = hint(ticketId, HOOK_SECRET.substring(1) + "x");

        assertThat(missing.statusCode()).as(describe(missing)).isEqualTo(401);
        assertThat(wrong.statusCode()).as(describe(wrong)).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain(HOOK_SECRET);
        awaitQuiet(channel, Duration.ofSeconds(1));
        assertThat(callbacksFor(thread)).isEmpty();
    }

    @Test
    void privateNoteIsNeverSentToTheCustomer() {
        String thread = unique("fd-private");
        long ticketId = openTicket(thread, "Private " + thread).path("id").asLong();
        freshdesk.privateNote(ticketId, "internal: customer is difficult");

        accepted(hint(ticketId, HOOK_SECRET));
        awaitQuiet(channel, Duration.ofSeconds(1));

        assertThat(callbacksFor(thread)).isEmpty();
    }

    @Test
    void resolvedTicketResolvesTheConversation() {
        String thread = unique("fd-solved");
        ObjectNode ticket = openTicket(thread, "Solve me " + thread);
        String conversationId = ticket.path("custom_fields").path("cf_omnibridge_conversation_id").asText();
        assertThat(hub.http().adminJson("/api/conversations/" + conversationId).path("status").asText())
                .isEqualTo("OPEN");

        freshdesk.setStatus(ticket.path("id").asLong(), 4);
        accepted(hint(ticket.path("id").asLong(), HOOK_SECRET));

        Poll.until(WAIT, "conversation resolved", () -> "RESOLVED".equals(
                hub.http().adminJson("/api/conversations/" + conversationId).path("status").asText()));
    }
}
