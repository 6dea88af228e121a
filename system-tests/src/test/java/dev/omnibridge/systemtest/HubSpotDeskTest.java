package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.HubSpotApiFake;
import dev.omnibridge.systemtest.support.HubSpotWebhooks;
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
 * The HubSpot connector end to end: the packaged hub runs instance {@value #HUBSPOT} (type hubspot) with its
 * {@code baseUrl} on {@link HubSpotApiFake}, fed by the webhook channel {@value #WEB} and by a Twilio SMS instance
 * (for a customer's file). Agents' replies and closed tickets arrive as HubSpot-signed webhooks over the configured
 * public {@code webhookUrl} (as behind a proxy). Each test uses its own thread key.
 */
class HubSpotDeskTest extends SystemTestBase {
    private static final String HUBSPOT = "hubspot";
    private static final String SMS = "sms";
    private static final String CLIENT_SECRET = "hubspot-client-secret-for-tests";
    private static final String PUBLIC_HOOK = "https://hub.example.com/hooks/" + HUBSPOT;
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private HubSpotApiFake hubspot;
    private TwilioApiFake twilio;
    private TwilioHubClient twilioHooks;

    @Override
    protected HubProcess startHub() {
        hubspot = HubSpotApiFake.start();
        twilio = TwilioApiFake.start(ACCOUNT_SID);
        HubProcess started = startHubWith("hubspot", "twilio");
        twilioHooks = new TwilioHubClient(started);
        return started;
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> hs = new LinkedHashMap<>();
        hs.put("accessToken", HubSpotApiFake.TOKEN);
        hs.put("clientSecret", CLIENT_SECRET);
        hs.put("baseUrl", hubspot.baseUrl());
        hs.put("webhookUrl", PUBLIC_HOOK);
        hs.put("timeout", "5s");
        return quickRetryConfig()
                .instance(HUBSPOT, "hubspot", hs)
                .instance(SMS, "twilio-sms", twilio.smsSettings(ACCOUNT_SID, AUTH_TOKEN))
                .route(WEB, HUBSPOT)
                .route(SMS, HUBSPOT);
    }

    @BeforeAll
    void hubspotIsRunning() {
        awaitRunning(HUBSPOT, SMS);
    }

    @AfterAll
    void stopFakes() {
        if (hubspot != null) {
            hubspot.close();
        }
        if (twilio != null) {
            twilio.close();
        }
    }


    private HubSpotApiFake.Record awaitTicket(String subjectText) {
        Poll.until(WAIT, "a HubSpot ticket for '" + subjectText + "'",
                () -> !hubspot.ticketsWithSubjectContaining(subjectText).isEmpty());
        return hubspot.ticketsWithSubjectContaining(subjectText).get(0);
    }

    private List<HubSpotApiFake.Record> awaitNotes(String ticketId, int count) {
        Poll.until(WAIT, count + " note(s) on ticket " + ticketId, () -> hubspot.notesOf(ticketId).size() >= count);
        return hubspot.notesOf(ticketId);
    }

    private void awaitLinked(String conversationId, String ticketId) {
        Poll.until(WAIT, "the hub linked ticket " + ticketId, () -> ticketId.equals(hub.http()
                .adminJson("/api/conversations/" + conversationId).at("/deskTickets/" + HUBSPOT).asText()));
    }

    private HttpResponse<String> postHubSpotWebhook(String body) {
        return hub.http().post("/hooks/" + HUBSPOT, body, HubSpotWebhooks.headers(CLIENT_SECRET, PUBLIC_HOOK, body));
    }

    @Test
    void aNewConversationBecomesATicketOnTheRequestersContactAndAFollowUpANoteOnIt() {
        String thread = unique("hs-new");
        assertThat(postToChannel(unique("m"), thread, "Where is my order " + thread).statusCode()).isEqualTo(200);

        HubSpotApiFake.Record ticket = awaitTicket(thread);
        assertThat(ticket.property("hs_pipeline")).isEqualTo("0");
        assertThat(ticket.property("hs_pipeline_stage")).isEqualTo("1");
        assertThat(ticket.property("hs_ticket_priority")).isEqualTo("MEDIUM");
        assertThat(ticket.property("content")).isEqualTo("Where is my order " + thread);
        assertThat(ticket.property("omnibridge_tags")).contains("omnibridge", "channel-webhook-channel");
        assertThat(ticket.property(HubSpotApiFake.CONVERSATION_PROPERTY)).isNotBlank();
        assertThat(ticket.associatedIds()).hasSize(1);
        HubSpotApiFake.Record contact = hubspot.contact(ticket.associatedIds().get(0)).orElseThrow();
        assertThat(contact.property("email")).isEqualTo(thread + "@example.com");

        postToChannel(unique("m"), thread, "It was due yesterday");
        List<HubSpotApiFake.Record> notes = awaitNotes(ticket.id(), 1);
        assertThat(notes).singleElement().satisfies(n -> assertThat(n.property("hs_note_body"))
                .contains("It was due yesterday", "Customer message from"));
        assertThat(hubspot.ticketsWithSubjectContaining(thread)).hasSize(1);
    }

    @Test
    void aTicketWhoseCreateAnswerWasLostIsFoundOnRetryAndNotMadeTwice() {
        String thread = unique("hs-lost");
        hubspot.loseTicketAnswerFor(thread);
        int before = hubspot.ticketCreateCalls();
        postToChannel(unique("m"), thread, "Lost answer " + thread);

        HubSpotApiFake.Record ticket = awaitTicket(thread);
        String conversationId = ticket.property(HubSpotApiFake.CONVERSATION_PROPERTY);
        awaitLinked(conversationId, ticket.id());
        Poll.until(WAIT, "the delivery is done", () -> hub.http()
                .adminJson("/api/messages?conversationId=" + conversationId).toString().contains("\"DONE\""));
        assertThat(hubspot.ticketsWithSubjectContaining(thread)).hasSize(1);
        assertThat(hubspot.ticketCreateCalls() - before).as("create calls").isEqualTo(1);
    }

    @Test
    void aRateLimitedNoteIsRetriedAfterRetryAfterAndAddedOnce() {
        String thread = unique("hs-429");
        postToChannel(unique("m"), thread, "Rate " + thread);
        HubSpotApiFake.Record ticket = awaitTicket(thread);
        int limitedBefore = hubspot.rateLimitedCount();
        hubspot.rateLimitNextNotes(1);

        postToChannel(unique("m"), thread, "second message");

        List<HubSpotApiFake.Record> notes = awaitNotes(ticket.id(), 1);
        assertThat(hubspot.rateLimitedCount() - limitedBefore).isEqualTo(1);
        assertThat(notes).hasSize(1);
    }

    @Test
    void aCustomersFileIsUploadedToTheFileManagerAndLinkedOnANote() {
        String customer = "+1415555" + (1000 + (int) (Math.random() * 8999));
        String sid = TwilioWebhooks.sid("MM");
        byte[] image = "\u0089PNG fake image bytes".getBytes(StandardCharsets.ISO_8859_1);
        String mediaUrl = twilio.serveMedia("/media/" + sid + "/" + TwilioWebhooks.sid("ME"), "image/png", image);
        String text = "Photo of the box " + sid;

        HttpResponse<String> answer = twilioHooks.postSigned("/hooks/" + SMS, AUTH_TOKEN,
                twilioHooks.defaultWebhookUrl(SMS), TwilioWebhooks.inboundMms(sid, ACCOUNT_SID, customer,
                        "+14155550100", text, mediaUrl, "image/png"));
        assertThat(answer.statusCode()).isEqualTo(200);

        HubSpotApiFake.Record ticket = awaitTicket(sid);
        HubSpotApiFake.Record contact = hubspot.contact(ticket.associatedIds().get(0)).orElseThrow();
        assertThat(contact.property("phone")).isEqualTo(customer);
        assertThat(contact.property("omnibridge_contact_id")).isNotBlank();
        HubSpotApiFake.Record note = awaitNotes(ticket.id(), 1).get(0);
        String fileId = note.property("hs_attachment_ids");
        assertThat(fileId).isNotBlank();
        String upload = new String(hubspot.file(fileId).orElseThrow(), StandardCharsets.ISO_8859_1);
        assertThat(upload).contains("name=\"file\"", "PNG fake image bytes", "name=\"folderPath\"");
    }

    @Test
    void anAgentsPublicReplyReachesTheChannelAndAnInternalCommentDoesNot() {
        String thread = unique("hs-reply");
        postToChannel(unique("m"), thread, "Need help " + thread);
        HubSpotApiFake.Record ticket = awaitTicket(thread);
        String threadId = Long.toString(700_000 + (long) (Math.random() * 99_999));
        hubspot.threadMessage(threadId, "c-1", ticket.id(), "COMMENT", "A-1", "OUTGOING", "internal only " + thread);
        hubspot.threadMessage(threadId, "m-1", ticket.id(), "MESSAGE", "A-1", "OUTGOING", "Hello from support");

        assertThat(postHubSpotWebhook(HubSpotWebhooks.newMessage(threadId, "c-1", "COMMENT")).statusCode())
                .isEqualTo(200);
        assertThat(postHubSpotWebhook(HubSpotWebhooks.newMessage(threadId, "m-1", "MESSAGE")).statusCode())
                .isEqualTo(200);

        Poll.until(WAIT, "the reply reached the channel", () -> !callbacksFor(thread).isEmpty());
        awaitQuiet(channel, Duration.ofMillis(500));
        assertThat(callbacksFor(thread)).singleElement()
                .satisfies(c -> assertThat(c.text("/text")).isEqualTo("Hello from support"));
    }

    @Test
    void aWebhookWithAWrongSignatureIsRefusedAndNothingIsSent() {
        String thread = unique("hs-forged");
        postToChannel(unique("m"), thread, "Forged " + thread);
        HubSpotApiFake.Record ticket = awaitTicket(thread);
        hubspot.threadMessage("990001", "m-f", ticket.id(), "MESSAGE", "A-1", "OUTGOING", "forged reply");
        String body = HubSpotWebhooks.newMessage("990001", "m-f", "MESSAGE");

        HttpResponse<String> wrongSecret = hub.http().post("/hooks/" + HUBSPOT, body,
                HubSpotWebhooks.headers("not-the-secret", PUBLIC_HOOK, body));
        HttpResponse<String> overLocalUrl = hub.http().post("/hooks/" + HUBSPOT, body,
                HubSpotWebhooks.headers(CLIENT_SECRET, hub.baseUrl() + "/hooks/" + HUBSPOT, body));

        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(overLocalUrl.statusCode()).isEqualTo(401);
        awaitQuiet(channel, Duration.ofMillis(500));
        assertThat(callbacksFor(thread)).isEmpty();
    }

    @Test
    void aTicketMovedToTheClosedStageResolvesTheConversation() {
        String thread = unique("hs-closed");
        postToChannel(unique("m"), thread, "Close me " + thread);
        HubSpotApiFake.Record ticket = awaitTicket(thread);
        String conversationId = ticket.property(HubSpotApiFake.CONVERSATION_PROPERTY);
        awaitLinked(conversationId, ticket.id());

        assertThat(postHubSpotWebhook(HubSpotWebhooks.stageChange(ticket.id(), "4")).statusCode()).isEqualTo(200);

        Poll.until(WAIT, "conversation resolved", () -> "RESOLVED".equals(
                hub.http().adminJson("/api/conversations/" + conversationId).path("status").asText()));
    }
}
