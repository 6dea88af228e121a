package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.TwilioApiFake;
import dev.omnibridge.systemtest.support.TwilioApiFake.ApiCall;
import dev.omnibridge.systemtest.support.TwilioHubClient;
import dev.omnibridge.systemtest.support.TwilioSignature;
import dev.omnibridge.systemtest.support.TwilioWebhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Twilio SMS connector end to end: the packaged hub runs instance {@value #SMS} (type {@value #TYPE}, routed to the
 * webhook desk) with its {@code apiBaseUrl} on {@link TwilioApiFake}, a WireMock in the test JVM standing in for
 * api.twilio.com and Twilio's media host. The test POSTs what Twilio POSTs (form-encoded, {@code X-Twilio-Signature}
 * over the URL Twilio was given: the hub's default {@code http://localhost:<port>/hooks/sms}); a second instance
 * {@value #SMS_PROXY} has an explicit public {@code webhookUrl}, as behind a reverse proxy. Every test writes from its
 * own customer number, so its conversation is its own.
 */
class TwilioSmsTest extends SystemTestBase {
    private static final String TYPE = "twilio-sms";
    private static final String SMS = "sms";
    private static final String SMS_PROXY = "sms-proxy";
    private static final String PROXY_WEBHOOK_URL = "https://sms.example.com/hooks/sms";
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99";
    private static final String BUSINESS_NUMBER = "+14155550100";
    private static final String TWIML_EMPTY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";
    private static final Duration ARRIVAL = Duration.ofSeconds(20);
    /** Customer numbers +1415555xxxx, one per test; never the business number. */
    private static final AtomicInteger NEXT_CUSTOMER = new AtomicInteger(ThreadLocalRandom.current().nextInt(2, 90) * 100);

    private TwilioApiFake twilio;
    private TwilioHubClient twilioHooks;

    @Override
    protected HubProcess startHub() {
        twilio = TwilioApiFake.start(ACCOUNT_SID);
        HubProcess started = startHubWith("twilio");
        twilioHooks = new TwilioHubClient(started);
        return started;
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> proxied = new LinkedHashMap<>(smsSettings());
        proxied.put("webhookUrl", PROXY_WEBHOOK_URL);
        return standardConfig()
                .instance(SMS, TYPE, smsSettings())
                .instance(SMS_PROXY, TYPE, proxied)
                .route(SMS, DESK)
                .route(SMS_PROXY, DESK);
    }

    private Map<String, Object> smsSettings() {
        Map<String, Object> settings = new LinkedHashMap<>(twilio.smsSettings(ACCOUNT_SID, AUTH_TOKEN));
        settings.put("maxMediaBytes", 1_048_576);
        settings.put("timeout", "5s");
        return settings;
    }

    @BeforeAll
    void smsInstancesAreRunning() {
        try {
            Poll.until(Duration.ofSeconds(30), SMS + " and " + SMS_PROXY + " are RUNNING", () -> {
                JsonNode instances = hub.http().health().path("instances");
                return instances.at("/" + SMS + "/state").asText().equals("RUNNING")
                        && instances.at("/" + SMS_PROXY + "/state").asText().equals("RUNNING");
            });
        } catch (AssertionError e) {
            hub.printLogTail("twilio instances not RUNNING");
            throw new AssertionError(e.getMessage() + "; health: " + hub.http().health(), e);
        }
    }

    @AfterAll
    void stopTwilioFake() {
        if (twilio != null) {
            twilio.close();
        }
    }

    // 1
    @Test
    void inboundSmsOpensATicketAtTheDeskWithThePhoneNumberAsAuthorAndFromPipeToAsThreadKey() {
        String customer = newCustomerNumber();
        String sid = TwilioWebhooks.sid("SM");

        HttpResponse<String> answer = postInbound(SMS,
                TwilioWebhooks.inboundSms(sid, ACCOUNT_SID, customer, BUSINESS_NUMBER, "My parcel 4711 has not arrived"));
        assertTwimlAccepted(answer);

        ReceivedRequest event = awaitDeskMessage(sid);
        assertThat(event.signedWith(DESK_SECRET)).as("desk request signed").isTrue();
        assertThat(event.text("/schema")).isEqualTo("omnibridge.desk-event/v1");
        assertThat(event.text("/event")).isEqualTo("message.created");
        assertThat(event.ticketRef()).as("first message of a new conversation").isNull();
        assertThat(event.text("/conversation/channel/type")).isEqualTo(TYPE);
        assertThat(event.text("/conversation/channel/instanceId")).isEqualTo(SMS);
        assertThat(event.threadKey()).isEqualTo(customer + "|" + BUSINESS_NUMBER);
        assertThat(event.text("/message/direction")).isEqualTo("INBOUND");
        assertThat(event.text("/message/channel/type")).isEqualTo(TYPE);
        assertThat(event.text("/message/channel/instanceId")).isEqualTo(SMS);
        assertThat(event.channelMessageId()).isEqualTo(sid);
        assertThat(event.text("/message/threadKey")).isEqualTo(customer + "|" + BUSINESS_NUMBER);
        assertThat(event.text("/message/text")).isEqualTo("My parcel 4711 has not arrived");
        assertThat(event.text("/message/author/role")).isEqualTo("CUSTOMER");
        assertThat(event.text("/message/author/address/kind")).isEqualTo("PHONE");
        assertThat(event.text("/message/author/address/value")).isEqualTo(customer);
        assertThat(event.body().at("/message/attachments")).as("an SMS has no attachments").isEmpty();
        assertThat(event.body().at("/contact/addresses")).as("contact addresses of " + event.body().at("/contact"))
                .anySatisfy(a -> {
                    assertThat(a.path("kind").asText()).isEqualTo("PHONE");
                    assertThat(a.path("value").asText()).isEqualTo(customer);
                });

        awaitQuiet(desk, Duration.ofSeconds(1));
        assertThat(deskRequestsFor(threadKey(customer))).as("desk events of the new conversation").hasSize(1);
    }

    // 2
    @Test
    void mmsImageIsFetchedWithTheAccountCredentialsAndReachesTheDeskAsAStoredAttachment() {
        String customer = newCustomerNumber();
        String sid = TwilioWebhooks.sid("MM");
        byte[] image = png();
        String mediaPath = "/media/" + sid + "/" + TwilioWebhooks.sid("ME");
        String mediaUrl = twilio.serveMedia(mediaPath, "image/png", image);

        assertTwimlAccepted(postInbound(SMS, TwilioWebhooks.inboundMms(sid, ACCOUNT_SID, customer, BUSINESS_NUMBER,
                "Photo of the damaged box", mediaUrl, "image/png")));

        ReceivedRequest event = awaitDeskMessage(sid);
        assertThat(event.text("/message/text")).isEqualTo("Photo of the damaged box");
        JsonNode attachments = event.body().at("/message/attachments");
        assertThat(attachments).as("attachments of " + event.body().at("/message")).hasSize(1);
        JsonNode attachment = attachments.get(0);
        String sha256 = sha256(image);
        assertThat(Json.text(attachment, "/mediaType")).as(attachment.toString()).isEqualTo("image/png");
        assertThat(attachment.path("size").asLong()).as(attachment.toString()).isEqualTo(image.length);
        assertThat(Json.text(attachment, "/sha256")).as(attachment.toString()).isEqualTo(sha256);
        assertThat(Json.text(attachment, "/location")).as(attachment.toString()).isEqualTo("attachment:" + sha256);
        assertThat(Json.text(attachment, "/fileName")).as(attachment.toString()).isNotBlank().doesNotContain("/");

        HttpResponse<byte[]> stored = twilioHooks.attachment(sha256);
        assertThat(stored.statusCode()).as("GET /api/attachments/" + sha256).isEqualTo(200);
        assertThat(stored.body()).as("stored bytes").isEqualTo(image);

        assertThat(twilio.requestsFor(mediaPath)).as("media downloads").isNotEmpty()
                .allSatisfy(download -> assertThat(download.getRequest().getHeader("Authorization"))
                        .as("media fetched with basic auth accountSid:authToken")
                        .isEqualTo(TwilioApiFake.basicAuth(ACCOUNT_SID, AUTH_TOKEN)));
    }

    // 3
    @Test
    void agentReplyIsSentOnceThroughTheMessagesApiAndItsDeliveredStatusIsRecorded() {
        String customer = newCustomerNumber();
        ReceivedRequest opened = openTicket(customer, "Where is my refund?");
        String replyText = "Your refund was issued today.";

        accepted(postDeskReply(Messages.deskReply(ticketOf(opened), opened.conversationId(),
                "sms-delivered-" + customer, replyText, false)));

        ApiCall call = awaitMessageCalls(customer, 1).get(0);
        assertThat(call.path()).isEqualTo("/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json");
        assertThat(call.header("Authorization")).as("basic auth accountSid:authToken")
                .isEqualTo(TwilioApiFake.basicAuth(ACCOUNT_SID, AUTH_TOKEN));
        assertThat(call.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(call.param("To")).isEqualTo(customer);
        assertThat(call.param("From")).as("the business number the customer wrote to").isEqualTo(BUSINESS_NUMBER);
        assertThat(call.param("Body")).isEqualTo(replyText);
        assertThat(call.param("StatusCallback")).isEqualTo(twilioHooks.defaultWebhookUrl(SMS) + "/status");
        assertThat(call.status()).isEqualTo(201);
        String twilioSid = call.sid();

        String messageId = awaitSentOutboundMessage(opened.conversationId(), replyText, twilioSid);
        accepted(postStatus(customer, twilioSid, "delivered", null));

        JsonNode delivery = awaitChannelStatus(messageId, "DELIVERED");
        assertThat(Json.text(delivery, "/channelError")).as("channelError (null or left out) of " + delivery).isNull();
        assertThat(Json.text(delivery, "/target")).isEqualTo(SMS);
        assertThat(metric("omnibridge_channel_statuses_total", Map.of("instance", SMS, "state", "delivered")))
                .as("omnibridge_channel_statuses_total{instance=\"sms\",state=\"delivered\"}").contains(1.0);

        // Twilio does not promise order: a late "sent" must not move the message back.
        accepted(postStatus(customer, twilioSid, "sent", null));
        assertThat(channelDelivery(messageId).map(d -> Json.text(d, "/channelStatus"))).contains("DELIVERED");

        awaitQuiet(twilio.server(), Duration.ofMillis(500));
        assertThat(twilio.messageCallsTo(customer)).as("one Messages API call for one reply").hasSize(1);
    }

    // 3b
    @Test
    void failedStatusCallbackRecordsTwiliosErrorCodeOnTheChannelDelivery() {
        String customer = newCustomerNumber();
        ReceivedRequest opened = openTicket(customer, "Can you text me the tracking number?");
        String replyText = "Tracking number: 1Z999AA10123456784";
        accepted(postDeskReply(Messages.deskReply(ticketOf(opened), opened.conversationId(),
                "sms-failed-" + customer, replyText, false)));
        String twilioSid = awaitMessageCalls(customer, 1).get(0).sid();
        String messageId = awaitSentOutboundMessage(opened.conversationId(), replyText, twilioSid);

        Map<String, String> forged = TwilioWebhooks.statusCallback(twilioSid, ACCOUNT_SID, BUSINESS_NUMBER, customer,
                "delivered", null);
        assertRefused(twilioHooks.postSigned("/hooks/" + SMS + "/status", "0123456789abcdef0123456789abcdef",
                twilioHooks.defaultWebhookUrl(SMS) + "/status", forged), "status callback with another auth token");
        assertRefused(twilioHooks.post("/hooks/" + SMS + "/status", forged, null), "unsigned status callback");
        assertThat(channelDelivery(messageId).map(d -> Json.text(d, "/channelStatus")))
                .as("a refused status callback changes nothing").isNotEqualTo(Optional.of("DELIVERED"));

        accepted(postStatus(customer, twilioSid, "failed", "30003"));

        JsonNode delivery = awaitChannelStatus(messageId, "FAILED");
        assertThat(Json.text(delivery, "/channelError")).as("channelError of " + delivery).startsWith("30003");
        assertThat(metric("omnibridge_channel_statuses_total", Map.of("instance", SMS, "state", "failed")))
                .as("omnibridge_channel_statuses_total{instance=\"sms\",state=\"failed\"}").contains(1.0);
    }

    // 4
    @Test
    void webhookRetriedWithTheSameMessageSidIsAnsweredTwiceAndReachesTheDeskOnce() {
        String customer = newCustomerNumber();
        String sid = TwilioWebhooks.sid("SM");
        Map<String, String> sms = TwilioWebhooks.inboundSms(sid, ACCOUNT_SID, customer, BUSINESS_NUMBER, "Hello twice");
        assertTwimlAccepted(postInbound(SMS, sms));
        assertTwimlAccepted(postInbound(SMS, sms));

        // One conversation's messages go to the desk in order: a stored duplicate would arrive before the sentinel.
        String sentinelSid = TwilioWebhooks.sid("SM");
        assertTwimlAccepted(postInbound(SMS,
                TwilioWebhooks.inboundSms(sentinelSid, ACCOUNT_SID, customer, BUSINESS_NUMBER, "later")));
        awaitDeskAccepted(threadKey(customer), 2, ARRIVAL);
        awaitQuiet(desk, Duration.ofMillis(1500));

        List<ReceivedRequest> delivered = deskRequestsFor(threadKey(customer));
        assertThat(delivered).extracting(ReceivedRequest::channelMessageId).containsExactly(sid, sentinelSid);
        JsonNode stored = hub.http().adminJson("/api/messages?limit=100&conversationId=" + delivered.get(0).conversationId());
        assertThat(stored.path("messages")).as("stored messages: " + stored).hasSize(2);
    }

    // 5
    @Test
    void inboundBodyOverEightKilobytesIsStoredWholeInsteadOfRefusedWithABare400() {
        String customer = newCustomerNumber();
        String sid = TwilioWebhooks.sid("SM");
        // 1,600 emoji in 80 sentences: 9 KB of UTF-8 in one form field, more than Vert.x decodes by itself (8 KB).
        String body = ("Посылка порвана " + "\uD83D\uDCE6".repeat(20) + ". ").repeat(80);

        assertTwimlAccepted(postInbound(SMS, TwilioWebhooks.inboundSms(sid, ACCOUNT_SID, customer, BUSINESS_NUMBER,
                body)));

        assertThat(awaitDeskMessage(sid).text("/message/text")).isEqualTo(body);
    }

    // 5b
    @Test
    void formBodyOverMaxBodyBytesIsStillRefusedWith413AndNothingIsStored() {
        String customer = newCustomerNumber();
        String sid = TwilioWebhooks.sid("SM");

        HttpResponse<String> answer = postInbound(SMS, TwilioWebhooks.inboundSms(sid, ACCOUNT_SID, customer,
                BUSINESS_NUMBER, "x".repeat(1_100_000)));

        assertThat(answer.statusCode()).as(describe(answer)).isEqualTo(413);
        assertThat(Json.parse(answer.body()).path("error").asText()).contains("maxBodyBytes");
        awaitQuiet(desk, Duration.ofSeconds(1));
        assertThat(deskRequestsForMessage(sid)).isEmpty();
    }

    // 6
    @Test
    void afterStopRepliesAreRefusedAndDeadLetteredUntilStartReenablesThem() {
        String customer = newCustomerNumber();
        ReceivedRequest opened = openTicket(customer, "Please text me when my order ships");
        String ticket = ticketOf(opened);

        assertTwimlAccepted(postInbound(SMS,
                TwilioWebhooks.inboundSms(TwilioWebhooks.sid("SM"), ACCOUNT_SID, customer, BUSINESS_NUMBER, "STOP")));
        accepted(postDeskReply(Messages.deskReply(ticket, "sms-stop-1-" + customer, "Your order has shipped.", false)));

        JsonNode deadLetter = awaitDeadLetter(opened.conversationId());
        assertThat(Json.text(deadLetter, "/reason")).as("reason of " + deadLetter).containsIgnoringCase("opted out");
        assertThat(Json.text(deadLetter, "/target")).as("target of " + deadLetter).isEqualTo(SMS);
        awaitQuiet(twilio.server(), Duration.ofSeconds(1));
        assertThat(twilio.messageCallsTo(customer)).as("nothing sent to a number that opted out").isEmpty();
        Poll.until(Duration.ofSeconds(20), "the desk hears that the reply was not delivered",
                () -> deskRequestsFor(threadKey(customer)).stream()
                        .anyMatch(r -> "INTERNAL".equals(r.text("/message/direction"))));
        ReceivedRequest notice = deskRequestsFor(threadKey(customer)).stream()
                .filter(r -> "INTERNAL".equals(r.text("/message/direction"))).findFirst().orElseThrow();
        assertThat(notice.ticketRef()).as("the note goes on the conversation's ticket").isEqualTo(ticket);
        assertThat(notice.text("/message/author/role")).isEqualTo("SYSTEM");
        assertThat(notice.text("/message/text")).contains("not delivered").contains("opted out with STOP")
                .contains("Your order has shipped.");

        assertTwimlAccepted(postInbound(SMS,
                TwilioWebhooks.inboundSms(TwilioWebhooks.sid("SM"), ACCOUNT_SID, customer, BUSINESS_NUMBER, "START")));
        String welcomeBack = "Welcome back! Your order arrives tomorrow.";
        accepted(postDeskReply(Messages.deskReply(ticket, "sms-stop-2-" + customer, welcomeBack, false)));

        List<ApiCall> calls = awaitMessageCalls(customer, 1);
        assertThat(calls).extracting(c -> c.param("Body")).as("only the reply after START was sent")
                .containsExactly(welcomeBack);
        assertThat(deadLettersOf(opened.conversationId())).as("dead letters of the conversation").hasSize(1);
    }

    // 5
    @Test
    void inboundBodyOfSixteenHundredCharactersWithEmojiIsStoredWhole() {
        String customer = newCustomerNumber();
        String sid = TwilioWebhooks.sid("SM");
        // What Twilio hands on at most (it truncates longer bodies at 1600): emoji and accents make the form large.
        String body = ("Señora, the parcel 📦 arrived torn; photos follow. ").repeat(40).substring(0, 1600);

        assertTwimlAccepted(postInbound(SMS, TwilioWebhooks.inboundSms(sid, ACCOUNT_SID, customer, BUSINESS_NUMBER,
                body)));

        assertThat(awaitDeskMessage(sid).text("/message/text")).isEqualTo(body);
    }

    // 6
    @Test
    void replyLongerThan1600CharactersGoesOutAsSeveralMessagesInOrderAndIsKnownByTheFirst() {
        String customer = newCustomerNumber();
        ReceivedRequest opened = openTicket(customer, "Please send the full return policy");
        StringBuilder reply = new StringBuilder();
        for (int i = 1; reply.length() < 3500; i++) {
            reply.append("Clause ").append(i).append(": returns are accepted within 30 days of delivery. ");
        }
        String replyText = reply.toString().strip();

        accepted(postDeskReply(Messages.deskReply(ticketOf(opened), opened.conversationId(),
                "sms-long-" + customer, replyText, false)));

        List<ApiCall> calls = awaitMessageCalls(customer, 3);
        assertThat(calls).allSatisfy(c -> assertThat(c.param("Body").length()).as("Body length").isLessThanOrEqualTo(1600));
        assertThat(String.join("", calls.stream().map(c -> c.param("Body")).toList()))
                .as("the parts, in order, make the reply").isEqualTo(replyText);
        awaitSentOutboundMessage(opened.conversationId(), replyText, calls.get(0).sid());
    }

    // --- helpers

    private static String newCustomerNumber() {
        return "+1415555" + String.format("%04d", NEXT_CUSTOMER.incrementAndGet());
    }

    private static String threadKey(String customer) {
        return customer + "|" + BUSINESS_NUMBER;
    }

    private static String ticketOf(ReceivedRequest firstEvent) {
        return "T-" + firstEvent.conversationId();
    }

    /** A Twilio webhook to {@code /hooks/<instance>}, signed over the hub's default webhook URL for the instance. */
    private HttpResponse<String> postInbound(String instance, Map<String, String> params) {
        return twilioHooks.postSigned("/hooks/" + instance, AUTH_TOKEN, twilioHooks.defaultWebhookUrl(instance), params);
    }

    /** Twilio's status callback for a message the hub sent from the business number to {@code customer}. */
    private HttpResponse<String> postStatus(String customer, String twilioSid, String status, String errorCode) {
        return twilioHooks.postSigned("/hooks/" + SMS + "/status", AUTH_TOKEN,
                twilioHooks.defaultWebhookUrl(SMS) + "/status",
                TwilioWebhooks.statusCallback(twilioSid, ACCOUNT_SID, BUSINESS_NUMBER, customer, status, errorCode));
    }

    /** Opens a conversation with one SMS from {@code customer} and returns the desk's first event. */
    private ReceivedRequest openTicket(String customer, String text) {
        String sid = TwilioWebhooks.sid("SM");
        assertTwimlAccepted(postInbound(SMS, TwilioWebhooks.inboundSms(sid, ACCOUNT_SID, customer, BUSINESS_NUMBER, text)));
        ReceivedRequest first = awaitDeskMessage(sid);
        assertThat(first.ticketRef()).isNull();
        awaitTicketLinked(first);
        return first;
    }

    private List<ReceivedRequest> deskRequestsForMessage(String channelMessageId) {
        return deskRequests().stream().filter(r -> channelMessageId.equals(r.channelMessageId())).toList();
    }

    /** Waits until the desk has accepted the message with this MessageSid and returns that request. */
    private ReceivedRequest awaitDeskMessage(String channelMessageId) {
        try {
            Poll.until(ARRIVAL, "the desk has accepted the message " + channelMessageId, () -> deskRequestsForMessage(
                    channelMessageId).stream().anyMatch(r -> r.event().getResponse().getStatus() / 100 == 2));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; instances: " + hub.http().health().path("instances")
                    + "; desk received message ids " + deskRequests().stream().map(ReceivedRequest::channelMessageId)
                    .toList(), e);
        }
        return deskRequestsForMessage(channelMessageId).stream()
                .filter(r -> r.event().getResponse().getStatus() / 100 == 2).findFirst().orElseThrow();
    }

    /** Waits for {@code count} Messages API calls to {@code customer}, then a quiet second, and expects no more. */
    private List<ApiCall> awaitMessageCalls(String customer, int count) {
        try {
            Poll.until(ARRIVAL, count + " Messages API call(s) to " + customer,
                    () -> twilio.messageCallsTo(customer).size() >= count);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; Messages API calls: " + twilio.messageCalls().stream()
                    .map(ApiCall::form).toList() + "; dead letters: " + deadLetters(), e);
        }
        awaitQuiet(twilio.server(), Duration.ofSeconds(1));
        List<ApiCall> calls = twilio.messageCallsTo(customer);
        assertThat(calls).as("Messages API calls to " + customer).hasSize(count);
        return calls;
    }

    /**
     * Finds the agent's reply among the conversation's stored messages and waits until its CHANNEL delivery has
     * finished with the Twilio sid as result; returns the hub's message id.
     */
    private String awaitSentOutboundMessage(String conversationId, String text, String twilioSid) {
        String path = "/api/messages?limit=100&conversationId=" + conversationId;
        try {
            Poll.until(ARRIVAL, "the reply's CHANNEL delivery is recorded with resultRef " + twilioSid,
                    () -> outboundMessage(conversationId, text)
                            .flatMap(m -> channelDelivery(m.at("/message/id").asText()))
                            .map(d -> twilioSid.equals(Json.text(d, "/resultRef")))
                            .orElse(false));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; GET " + path + " answers " + hub.http().admin("GET", path).body(), e);
        }
        return outboundMessage(conversationId, text).orElseThrow().at("/message/id").asText();
    }

    private Optional<JsonNode> outboundMessage(String conversationId, String text) {
        JsonNode messages = hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversationId)
                .path("messages");
        return StreamSupport.stream(messages.spliterator(), false)
                .filter(m -> "OUTBOUND".equals(Json.text(m, "/message/direction")))
                .filter(m -> text.equals(Json.text(m, "/message/text")))
                .findFirst();
    }

    /** The CHANNEL delivery of a message in {@code GET /api/messages/<id>}. */
    private Optional<JsonNode> channelDelivery(String messageId) {
        JsonNode deliveries = hub.http().adminJson("/api/messages/" + messageId).path("deliveries");
        return StreamSupport.stream(deliveries.spliterator(), false)
                .filter(d -> "CHANNEL".equals(Json.text(d, "/kind")))
                .findFirst();
    }

    private JsonNode awaitChannelStatus(String messageId, String channelStatus) {
        try {
            Poll.until(ARRIVAL, "the CHANNEL delivery of " + messageId + " has channelStatus " + channelStatus,
                    () -> channelDelivery(messageId).map(d -> channelStatus.equals(Json.text(d, "/channelStatus")))
                            .orElse(false));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; GET /api/messages/" + messageId + " answers "
                    + hub.http().admin("GET", "/api/messages/" + messageId).body(), e);
        }
        return channelDelivery(messageId).orElseThrow();
    }

    private List<JsonNode> deadLettersOf(String conversationId) {
        return StreamSupport.stream(deadLetters().spliterator(), false)
                .filter(d -> conversationId.equals(Json.text(d, "/conversationId"))).toList();
    }

    private JsonNode awaitDeadLetter(String conversationId) {
        try {
            Poll.until(ARRIVAL, "a dead letter for conversation " + conversationId,
                    () -> !deadLettersOf(conversationId).isEmpty());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; dead letters: " + deadLetters() + "; Messages API calls: "
                    + twilio.messageCalls().stream().map(ApiCall::form).toList(), e);
        }
        return deadLettersOf(conversationId).get(0);
    }

    /** The value of the sample {@code name{labels}} in {@code /metrics}, whatever the label order; empty if absent. */
    private Optional<Double> metric(String name, Map<String, String> labels) {
        HttpResponse<String> response = hub.http().get("/metrics");
        assertThat(response.statusCode()).as("GET /metrics").isEqualTo(200);
        for (String line : response.body().lines().toList()) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            Map<String, String> found = new LinkedHashMap<>();
            for (String pair : line.substring(name.length() + 1, close).split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    found.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip().replaceAll("^\"|\"$", ""));
                }
            }
            if (found.equals(labels)) {
                return Optional.of(Double.parseDouble(line.substring(close + 1).strip().split("\\s+")[0]));
            }
        }
        return Optional.empty();
    }

    private static void assertTwimlAccepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).as("Content-Type of " + describe(response))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/xml"));
        assertThat(response.body().strip()).as("TwiML of " + describe(response)).isEqualTo(TWIML_EMPTY);
    }

    private static void assertRefused(HttpResponse<String> response, String why) {
        assertThat(response.statusCode()).as(why + ": " + describe(response)).isEqualTo(403);
        assertThat(Json.parse(response.body()).path("error").asText()).as(why + ": " + describe(response)).isNotBlank();
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isBetween(200, 299);
    }

    /** A small real PNG, different on every run. */
    private static byte[] png() {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        int colour = ThreadLocalRandom.current().nextInt(0xFFFFFF);
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 8; y++) {
                image.setRGB(x, y, (x + y) % 2 == 0 ? colour : 0xFFFFFF - colour);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
