package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.FreshdeskApiFake;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.MetaGraphApiFake;
import dev.omnibridge.systemtest.support.MetaGraphApiFake.GraphCall;
import dev.omnibridge.systemtest.support.MetaWebhooks;
import dev.omnibridge.systemtest.support.MetaWebhooks.WaStatus;
import dev.omnibridge.systemtest.support.MetaWebhooks.WaText;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Meta connector (WhatsApp Cloud API, Messenger, Instagram) end to end: the packaged hub runs instances
 * {@value #WA} (type {@code whatsapp}, no template), {@value #WA_TPL} (type {@code whatsapp} with a {@code templateName}),
 * {@value #FB} (type {@code messenger}) and {@value #IG} (type {@code instagram}), all routed to the webhook desk and all
 * with their {@code graphApiBaseUrl} on {@link MetaGraphApiFake}, a WireMock standing in for graph.facebook.com. The test
 * POSTs what Meta POSTs, signed with {@code X-Hub-Signature-256} over the raw body. Every test writes from its own
 * customers (wa_id, PSID, IGSID), so their conversations are their own.
 *
 * <p>Agents' files: the webhook desk's reply format carries no attachments, so one more WhatsApp instance,
 * {@value #WA_FD}, is routed to a Freshdesk instance ({@link FreshdeskApiFake}), whose connector downloads an agent's
 * file into the hub's storage; the reply then reaches WhatsApp as a media upload plus a media message.
 */
class MetaMessagingTest extends SystemTestBase {
    private static final String WA = "wa";
    private static final String WA_TPL = "wa-tpl";
    private static final String FB = "fb";
    private static final String IG = "ig";
    private static final String WA_FD = "wa-fd";
    private static final String FD = "fd";
    private static final String FD_API_KEY = "fd-meta-api-key-0123456789";
    private static final String FD_HOOK_SECRET = "fd-meta-webhook-secret-0123456789ab";
    private static final String FD_HOOK_HEADER = "X-Omnibridge-Webhook-Secret";
    private static final String PHONE_NUMBER_ID_FD = "106540352242944";
    private static final String APP_SECRET = "3f1c0ffee0ddba11meta-app-secret";
    private static final String VERIFY_TOKEN = "verify-me_4711";
    private static final String ACCESS_TOKEN = "EAAGm0PX4ZCpsBAtest-access-token";
    private static final String WABA_ID = "102290129340398";
    private static final String PHONE_NUMBER_ID = "106540352242922";
    private static final String PHONE_NUMBER_ID_TPL = "106540352242933";
    private static final String DISPLAY_PHONE = "15550783881";
    private static final String PAGE_ID = "113920981237744";
    private static final String IG_ACCOUNT_ID = "17841405822304914";
    /** The Facebook Page linked to the Instagram account: with a Page token (login facebook) replies go through it. */
    private static final String IG_PAGE_ID = "1029384756102938";
    private static final String TEMPLATE_NAME = "service_follow_up";
    private static final Duration ARRIVAL = Duration.ofSeconds(20);
    private static final AtomicLong NEXT_ID = new AtomicLong(ThreadLocalRandom.current().nextLong(10, 90) * 10_000);

    private MetaGraphApiFake graph;
    private FreshdeskApiFake freshdesk;

    @Override
    protected HubProcess startHub() {
        graph = MetaGraphApiFake.start();
        graph.whatsappNumber(PHONE_NUMBER_ID);
        graph.whatsappNumber(PHONE_NUMBER_ID_TPL);
        graph.sendApi(PAGE_ID);
        graph.sendApi(IG_PAGE_ID);
        graph.whatsappNumber(PHONE_NUMBER_ID_FD);
        graph.whatsappMedia(PHONE_NUMBER_ID_FD);
        freshdesk = FreshdeskApiFake.start(FD_API_KEY);
        return startHubWith("meta", "freshdesk");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> wa = common();
        wa.put("phoneNumberId", PHONE_NUMBER_ID);
        Map<String, Object> waTpl = common();
        waTpl.put("phoneNumberId", PHONE_NUMBER_ID_TPL);
        waTpl.put("templateName", TEMPLATE_NAME);
        Map<String, Object> fb = common();
        fb.put("pageId", PAGE_ID);
        fb.put("humanAgentTag", false);
        Map<String, Object> ig = common();
        ig.put("igAccountId", IG_ACCOUNT_ID);
        ig.put("pageId", IG_PAGE_ID);
        ig.put("humanAgentTag", false);
        Map<String, Object> waFd = common();
        waFd.put("phoneNumberId", PHONE_NUMBER_ID_FD);
        Map<String, Object> fd = new LinkedHashMap<>();
        fd.put("baseUrl", freshdesk.baseUrl());
        fd.put("apiKey", FD_API_KEY);
        fd.put("webhookSecret", FD_HOOK_SECRET);
        fd.put("requestsPerMinute", 6000);
        fd.put("timeout", "5s");
        return standardConfig()
                .instance(WA_FD, "whatsapp", waFd)
                .instance(FD, "freshdesk", fd)
                .route(WA_FD, FD)
                .instance(WA, "whatsapp", wa)
                .instance(WA_TPL, "whatsapp", waTpl)
                .instance(FB, "messenger", fb)
                .instance(IG, "instagram", ig)
                .route(WA, DESK)
                .route(WA_TPL, DESK)
                .route(FB, DESK)
                .route(IG, DESK);
    }

    /** graphApiVersion is left to its default (v23.0). */
    private Map<String, Object> common() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("appSecret", APP_SECRET);
        settings.put("verifyToken", VERIFY_TOKEN);
        settings.put("accessToken", ACCESS_TOKEN);
        settings.put("graphApiBaseUrl", graph.baseUrl());
        settings.put("maxMediaBytes", 1_048_576);
        settings.put("timeout", "5s");
        return settings;
    }

    @BeforeAll
    void metaInstancesAreRunning() {
        awaitRunning(WA, WA_TPL, FB, IG, WA_FD, FD);
    }

    @AfterAll
    void stopGraphFake() {
        if (graph != null) {
            graph.close();
        }
        if (freshdesk != null) {
            freshdesk.close();
        }
    }

    // 1
    @Test
    void verificationHandshakeEchoesTheChallengeOnlyForTheRightVerifyToken() {
        for (String instance : List.of(WA, FB, IG)) {
            HttpResponse<String> right = hub.http().get("/hooks/" + instance
                    + "?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=1158201444");
            assertThat(right.statusCode()).as(describe(right)).isEqualTo(200);
            assertThat(right.body()).as(describe(right)).isEqualTo("1158201444");

            HttpResponse<String> wrong = hub.http().get("/hooks/" + instance
                    + "?hub.mode=subscribe&hub.verify_token=not-the-token&hub.challenge=1158201444");
            assertThat(wrong.statusCode()).as(describe(wrong)).isEqualTo(403);
            assertThat(wrong.body()).as(describe(wrong)).doesNotContain("1158201444");
        }
    }

    // 2
    @Test
    void batchedWhatsappWebhookOpensOneTicketPerCustomerAndARepeatAddsNothing() {
        WaText ann = new WaText(newWaId(), "Ann Lee", MetaWebhooks.wamid(), Instant.now().minusSeconds(5),
                "My order 4711 never arrived");
        WaText bob = new WaText(newWaId(), "Bob Ray", MetaWebhooks.wamid(), Instant.now().minusSeconds(3),
                "Can I change my delivery address?");
        WaStatus unknown = new WaStatus(MetaWebhooks.wamid(), "delivered", Instant.now(), ann.waId());
        String body = Json.write(MetaWebhooks.whatsapp(WABA_ID, PHONE_NUMBER_ID, DISPLAY_PHONE,
                List.of(ann, bob), List.of(unknown)));

        accepted(postSigned(WA, body));

        for (WaText customer : List.of(ann, bob)) {
            ReceivedRequest event = awaitDeskMessage(customer.wamid());
            assertThat(event.signedWith(DESK_SECRET)).as("desk request signed").isTrue();
            assertThat(event.text("/event")).isEqualTo("message.created");
            assertThat(event.ticketRef()).as("first message of a new conversation").isNull();
            assertThat(event.text("/conversation/channel/type")).isEqualTo("whatsapp");
            assertThat(event.text("/conversation/channel/instanceId")).isEqualTo(WA);
            assertThat(event.threadKey()).isEqualTo(customer.waId());
            assertThat(event.text("/message/direction")).isEqualTo("INBOUND");
            assertThat(event.text("/message/text")).isEqualTo(customer.body());
            assertThat(event.text("/message/author/role")).isEqualTo("CUSTOMER");
            assertThat(event.text("/message/author/displayName")).isEqualTo(customer.name());
            assertThat(event.text("/message/author/address/kind")).isEqualTo("PHONE");
            assertThat(event.text("/message/author/address/value")).isEqualTo("+" + customer.waId());
        }

        // Meta retries a webhook it thinks failed: the same POST again is answered and stores nothing new.
        accepted(postSigned(WA, body));
        awaitQuiet(desk, Duration.ofMillis(1500));
        assertThat(deskRequestsFor(ann.waId())).as("desk events of " + ann.waId()).hasSize(1);
        assertThat(deskRequestsFor(bob.waId())).as("desk events of " + bob.waId()).hasSize(1);
    }

    // 3
    @Test
    void wrongOrMissingSignatureIsRefusedWith403AndASignatureOverEscapedUnicodeIsAccepted() {
        String waId = newWaId();
        String forgedBody = Json.write(whatsappText(waId, MetaWebhooks.wamid(), Instant.now(), "forged"));
        HttpResponse<String> wrong = hub.http().post("/hooks/" + WA, forgedBody,
                MetaWebhooks.SIGNATURE_HEADER, MetaWebhooks.sign("another-app-secret", forgedBody));
        assertThat(wrong.statusCode()).as("wrong signature: " + describe(wrong)).isEqualTo(403);
        assertThat(Json.parse(wrong.body()).path("error").asText()).as(describe(wrong)).isNotBlank();
        String unsignedBody = Json.write(whatsappText(waId, MetaWebhooks.wamid(), Instant.now(), "unsigned"));
        HttpResponse<String> missing = hub.http().post("/hooks/" + WA, unsignedBody);
        assertThat(missing.statusCode()).as("no signature: " + describe(missing)).isEqualTo(403);
        String tamperedSignature = MetaWebhooks.sign(APP_SECRET, forgedBody);
        HttpResponse<String> tampered = hub.http().post("/hooks/" + WA, forgedBody.replace("forged", "tamper"),
                MetaWebhooks.SIGNATURE_HEADER, tamperedSignature);
        assertThat(tampered.statusCode()).as("body changed after signing: " + describe(tampered)).isEqualTo(403);

        // Meta escapes non-ASCII characters; the signature is over those raw bytes, not over re-serialised JSON.
        String wamid = MetaWebhooks.wamid();
        String raw = Json.write(whatsappText(waId, wamid, Instant.now(), "Un café, s'il vous plaît"))
                .replace("café", "caf\\u00e9").replace("plaît", "pla\\u00eet");
        assertThat(raw).contains("caf\\u00e9").doesNotContain("é");
        accepted(postSigned(WA, raw));

        ReceivedRequest event = awaitDeskMessage(wamid);
        assertThat(event.text("/message/text")).isEqualTo("Un café, s'il vous plaît");
        assertThat(event.ticketRef()).as("the genuine message opens the conversation").isNull();
        awaitQuiet(desk, Duration.ofSeconds(1));
        assertThat(deskRequestsFor(waId)).extracting(ReceivedRequest::channelMessageId).containsExactly(wamid);
    }

    // 4
    @Test
    void agentReplyInsideTheWindowIsSentOnceToTheCloudApiAndItsDeliveredStatusIsRecorded() {
        String waId = newWaId();
        ReceivedRequest opened = openWhatsappTicket(WA, PHONE_NUMBER_ID, waId, Instant.now(), "Where is my refund?");
        String replyText = "Your refund was issued today.";

        accepted(postDeskReply(Messages.deskReply(ticketOf(opened), "wa-reply-" + waId, replyText, false)));

        GraphCall call = awaitCalls(() -> graph.whatsappCallsTo(waId), 1, waId).get(0);
        assertThat(call.path()).isEqualTo("/v23.0/" + PHONE_NUMBER_ID + "/messages");
        assertThat(call.header("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        assertThat(call.header("Content-Type")).startsWith("application/json");
        ObjectNode expected = Json.object().put("messaging_product", "whatsapp").put("recipient_type", "individual")
                .put("to", waId).put("type", "text");
        expected.putObject("text").put("body", replyText);
        assertThat(call.body()).as("Cloud API request body").isEqualTo(expected);
        String sentWamid = call.answeredId();
        assertThat(sentWamid).startsWith("wamid.OUT");

        String messageId = awaitSentOutboundMessage(opened.conversationId(), replyText, sentWamid);
        accepted(postSigned(WA, Json.write(MetaWebhooks.whatsapp(WABA_ID, PHONE_NUMBER_ID, DISPLAY_PHONE, List.of(),
                List.of(new WaStatus(sentWamid, "delivered", Instant.now(), waId))))));

        JsonNode delivery = awaitChannelStatus(messageId, "DELIVERED");
        assertThat(Json.text(delivery, "/target")).isEqualTo(WA);
        assertThat(Json.text(delivery, "/channelError")).as("channelError of " + delivery).isNull();

        // Meta does not promise order: a late "sent" must not move the message back; "read" moves it on.
        accepted(postStatus(sentWamid, "sent", waId));
        assertThat(channelDelivery(messageId).map(d -> Json.text(d, "/channelStatus"))).contains("DELIVERED");
        accepted(postStatus(sentWamid, "read", waId));
        awaitChannelStatus(messageId, "READ");

        awaitQuiet(graph.server(), Duration.ofMillis(500));
        assertThat(graph.whatsappCallsTo(waId)).as("one Cloud API call for one reply").hasSize(1);
    }

    // 4b
    @Test
    void failedStatusRecordsMetasErrorOnTheChannelDelivery() {
        String waId = newWaId();
        ReceivedRequest opened = openWhatsappTicket(WA, PHONE_NUMBER_ID, waId, Instant.now(), "Call me back please");
        String replyText = "We will call you at 3 pm.";
        accepted(postDeskReply(Messages.deskReply(ticketOf(opened), "wa-fail-" + waId, replyText, false)));
        String sentWamid = awaitCalls(() -> graph.whatsappCallsTo(waId), 1, waId).get(0).answeredId();
        String messageId = awaitSentOutboundMessage(opened.conversationId(), replyText, sentWamid);

        ObjectNode webhook = MetaWebhooks.whatsapp(WABA_ID, PHONE_NUMBER_ID, DISPLAY_PHONE, List.of(),
                List.of(new WaStatus(sentWamid, "failed", Instant.now(), waId)));
        ((ObjectNode) webhook.at("/entry/0/changes/0/value/statuses/0")).putArray("errors").addObject()
                .put("code", 131047).put("title", "Re-engagement message")
                .put("message", "Re-engagement message");
        accepted(postSigned(WA, Json.write(webhook)));

        JsonNode delivery = awaitChannelStatus(messageId, "FAILED");
        assertThat(Json.text(delivery, "/channelError")).as("channelError of " + delivery).startsWith("131047");
    }

    // 5a
    @Test
    void replyOutsideThe24HourWindowWithoutATemplateIsNotSentAndIsDeadLettered() {
        String waId = newWaId();
        ReceivedRequest opened = openWhatsappTicket(WA, PHONE_NUMBER_ID, waId,
                Instant.now().minus(Duration.ofHours(25)), "Any news on my claim?");

        accepted(postDeskReply(Messages.deskReply(ticketOf(opened), "wa-late-" + waId, "Your claim was approved.", false)));

        JsonNode deadLetter = awaitDeadLetter(opened.conversationId());
        assertThat(Json.text(deadLetter, "/reason")).as("reason of " + deadLetter).contains("24-hour");
        assertThat(Json.text(deadLetter, "/target")).as("target of " + deadLetter).isEqualTo(WA);
        awaitQuiet(graph.server(), Duration.ofSeconds(1));
        assertThat(graph.whatsappCallsTo(waId)).as("no Cloud API call outside the window").isEmpty();

        // docs/contracts.md: a reply dead-lettered at the channel becomes an internal note for the desk.
        Poll.until(ARRIVAL, "the desk hears that the reply was not delivered",
                () -> deskRequestsFor(waId).stream().anyMatch(r -> "INTERNAL".equals(r.text("/message/direction"))));
        ReceivedRequest notice = deskRequestsFor(waId).stream()
                .filter(r -> "INTERNAL".equals(r.text("/message/direction"))).findFirst().orElseThrow();
        assertThat(notice.text("/event")).isEqualTo("message.created");
        assertThat(notice.ticketRef()).as("the note goes on the conversation's ticket").isEqualTo(ticketOf(opened));
        assertThat(notice.text("/message/author/role")).isEqualTo("SYSTEM");
        assertThat(notice.body().at("/message/tags").toString()).contains("delivery-failed");
        assertThat(notice.text("/message/text")).contains("not delivered").contains("24-hour")
                .contains("Your claim was approved.");
    }

    // 5b
    @Test
    void replyOutsideThe24HourWindowWithATemplateSendsTheTemplateAndReportsTheReplyAsNotDelivered() {
        String waId = newWaId();
        ReceivedRequest opened = openWhatsappTicket(WA_TPL, PHONE_NUMBER_ID_TPL, waId,
                Instant.now().minus(Duration.ofHours(30)), "Hello, anyone there?");

        accepted(postDeskReply(Messages.deskReply(ticketOf(opened), "wa-tpl-" + waId, "Sorry for the wait!", false)));

        GraphCall call = awaitCalls(() -> graph.whatsappCallsTo(waId), 1, waId).get(0);
        assertThat(call.path()).isEqualTo("/v23.0/" + PHONE_NUMBER_ID_TPL + "/messages");
        assertThat(call.header("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        assertThat(call.text("/messaging_product")).isEqualTo("whatsapp");
        assertThat(call.text("/to")).isEqualTo(waId);
        assertThat(call.text("/type")).as("body " + call.body()).isEqualTo("template");
        assertThat(call.text("/template/name")).as("body " + call.body()).isEqualTo(TEMPLATE_NAME);
        assertThat(call.text("/template/language/code")).as("default templateLanguage").isEqualTo("en_US");
        assertThat(call.body().has("text")).as("no free-form text outside the window: " + call.body()).isFalse();

        // The template is not the reply: the reply is recorded as not delivered, naming the template sent instead.
        JsonNode deadLetter = awaitDeadLetter(opened.conversationId());
        assertThat(Json.text(deadLetter, "/reason")).as("reason of " + deadLetter).startsWith("not sent: ")
                .contains("24-hour").contains("template '" + TEMPLATE_NAME + "' was sent instead")
                .contains(call.answeredId());
        Poll.until(ARRIVAL, "the desk hears that the reply was not delivered",
                () -> deskRequestsFor(waId).stream().anyMatch(r -> "INTERNAL".equals(r.text("/message/direction"))));
        ReceivedRequest notice = deskRequestsFor(waId).stream()
                .filter(r -> "INTERNAL".equals(r.text("/message/direction"))).findFirst().orElseThrow();
        assertThat(notice.ticketRef()).as("the note goes on the conversation's ticket").isEqualTo(ticketOf(opened));
        assertThat(notice.text("/message/text")).contains("not delivered").contains("template '" + TEMPLATE_NAME)
                .contains("Sorry for the wait!");
        awaitQuiet(graph.server(), Duration.ofSeconds(1));
        assertThat(graph.whatsappCallsTo(waId)).as("the template is sent once").hasSize(1);
    }

    // 6
    @Test
    void messengerTextOpensATicketAndTheAgentReplyGoesThroughTheSendApiAsAResponse() {
        String psid = String.valueOf(7_000_000_000_000_000L + NEXT_ID.incrementAndGet());
        assertMessagingRoundTrip(FB, "page", "messenger", PAGE_ID, PAGE_ID, psid);
    }

    // 7
    @Test
    void instagramTextOpensATicketAndTheAgentReplyGoesThroughTheLinkedPagesMessagesEdge() {
        String igsid = String.valueOf(1_780_000_000_000_000L + NEXT_ID.incrementAndGet());
        assertMessagingRoundTrip(IG, "instagram", "instagram", IG_ACCOUNT_ID, IG_PAGE_ID, igsid);
    }

    // --- helpers

    private void assertMessagingRoundTrip(String instance, String object, String type, String accountId,
                                          String sendingNode, String senderId) {
        String mid = MetaWebhooks.mid();
        String text = "Is the blue jacket back in stock? (" + instance + ")";
        accepted(postSigned(instance, Json.write(MetaWebhooks.messaging(object, accountId, senderId, mid, Instant.now(), text))));

        ReceivedRequest event = awaitDeskAccepted(senderId, 1, ARRIVAL).get(0);
        assertThat(event.text("/event")).isEqualTo("message.created");
        assertThat(event.ticketRef()).isNull();
        assertThat(event.text("/conversation/channel/type")).isEqualTo(type);
        assertThat(event.text("/conversation/channel/instanceId")).isEqualTo(instance);
        assertThat(event.threadKey()).isEqualTo(senderId);
        assertThat(event.text("/message/text")).isEqualTo(text);
        assertThat(event.text("/message/author/role")).isEqualTo("CUSTOMER");
        assertThat(event.text("/message/author/address/kind")).isEqualTo("CHAT_USER");
        assertThat(event.text("/message/author/address/value")).isEqualTo(senderId);
        awaitTicketLinked(event);

        String replyText = "Yes, all sizes are back. (" + instance + ")";
        accepted(postDeskReply(Messages.deskReply(ticketOf(event), instance + "-reply-" + senderId, replyText, false)));

        GraphCall call = awaitCalls(() -> graph.sendApiCallsTo(senderId), 1, senderId).get(0);
        assertThat(call.path()).isEqualTo("/v23.0/" + sendingNode + "/messages");
        assertThat(call.header("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        assertThat(call.text("/recipient/id")).isEqualTo(senderId);
        assertThat(call.text("/messaging_type")).as("body " + call.body()).isEqualTo("RESPONSE");
        assertThat(call.text("/message/text")).isEqualTo(replyText);
        awaitSentOutboundMessage(event.conversationId(), replyText, call.answeredId());
    }

    // 4c
    @Test
    void agentsFileFromTheDeskReachesWhatsappAsAMediaUploadThenADocumentMessage() {
        String waId = newWaId();
        String question = "Please send my invoice " + waId;
        accepted(postSigned(WA_FD, Json.write(MetaWebhooks.whatsapp(WABA_ID, PHONE_NUMBER_ID_FD, DISPLAY_PHONE,
                List.of(new WaText(waId, "Customer " + waId, MetaWebhooks.wamid(), Instant.now(), question)),
                List.of()))));
        Poll.until(ARRIVAL, "a Freshdesk ticket '" + question + "'",
                () -> !freshdesk.ticketsWithSubject(question).isEmpty());
        long ticketId = freshdesk.ticketsWithSubject(question).get(0).path("id").asLong();
        byte[] pdf = ("%PDF-1.4 invoice for " + waId + "\n%%EOF\n").getBytes(StandardCharsets.UTF_8);
        freshdesk.agentReply(ticketId, "Here is your invoice",
                new FreshdeskApiFake.Upload("invoice.pdf", "application/pdf", pdf));

        accepted(hub.http().post("/hooks/" + FD, "{\"ticket_id\": " + ticketId + "}", FD_HOOK_HEADER,
                FD_HOOK_SECRET));

        GraphCall message = awaitCalls(() -> graph.whatsappCallsTo(waId), 1, waId).get(0);
        List<GraphCall> uploads = graph.mediaUploads(PHONE_NUMBER_ID_FD).stream()
                .filter(u -> Arrays.equals(u.part("file").getBody().asBytes(), pdf)).toList();
        assertThat(uploads).as("one upload of the agent's file").singleElement().satisfies(upload -> {
            assertThat(upload.header("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
            assertThat(upload.header("Content-Type")).startsWith("multipart/form-data; boundary=");
            assertThat(upload.part("messaging_product").getBody().asString()).isEqualTo("whatsapp");
            assertThat(upload.part("type").getBody().asString()).isEqualTo("application/pdf");
            assertThat(upload.part("file").getHeader("Content-Type").firstValue()).isEqualTo("application/pdf");
        });
        String mediaId = uploads.get(0).answeredId();
        assertThat(message.path()).isEqualTo("/v23.0/" + PHONE_NUMBER_ID_FD + "/messages");
        ObjectNode expected = Json.object().put("messaging_product", "whatsapp").put("recipient_type", "individual")
                .put("to", waId).put("type", "document");
        expected.putObject("document").put("id", mediaId).put("caption", "Here is your invoice")
                .put("filename", "invoice.pdf");
        assertThat(message.body()).as("the media message names the uploaded media").isEqualTo(expected);
        assertThat(uploads.get(0).event().getRequest().getLoggedDate())
                .as("the upload happens before the message").isBeforeOrEqualTo(message.event().getRequest().getLoggedDate());
    }

    private static String newWaId() {
        return "49151" + String.format("%08d", NEXT_ID.incrementAndGet());
    }

    private static ObjectNode whatsappText(String waId, String wamid, Instant timestamp, String text) {
        return MetaWebhooks.whatsapp(WABA_ID, PHONE_NUMBER_ID, DISPLAY_PHONE,
                List.of(new WaText(waId, "Customer " + waId, wamid, timestamp, text)), List.of());
    }

    private HttpResponse<String> postSigned(String instance, String rawBody) {
        return hub.http().post("/hooks/" + instance, rawBody,
                MetaWebhooks.SIGNATURE_HEADER, MetaWebhooks.sign(APP_SECRET, rawBody));
    }

    private HttpResponse<String> postStatus(String wamid, String status, String waId) {
        return postSigned(WA, Json.write(MetaWebhooks.whatsapp(WABA_ID, PHONE_NUMBER_ID, DISPLAY_PHONE, List.of(),
                List.of(new WaStatus(wamid, status, Instant.now(), waId)))));
    }

    private ReceivedRequest openWhatsappTicket(String instance, String phoneNumberId, String waId, Instant timestamp,
                                               String text) {
        String wamid = MetaWebhooks.wamid();
        accepted(postSigned(instance, Json.write(MetaWebhooks.whatsapp(WABA_ID, phoneNumberId, DISPLAY_PHONE,
                List.of(new WaText(waId, "Customer " + waId, wamid, timestamp, text)), List.of()))));
        ReceivedRequest first = awaitDeskMessage(wamid);
        assertThat(first.ticketRef()).isNull();
        awaitTicketLinked(first);
        return first;
    }

    private static String ticketOf(ReceivedRequest firstEvent) {
        return "T-" + firstEvent.conversationId();
    }

    private List<ReceivedRequest> deskRequestsForMessage(String channelMessageId) {
        return deskRequests().stream().filter(r -> channelMessageId.equals(r.channelMessageId())).toList();
    }

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

    private List<GraphCall> awaitCalls(Supplier<List<GraphCall>> calls, int count, String recipient) {
        try {
            Poll.until(ARRIVAL, count + " Graph API call(s) to " + recipient, () -> calls.get().size() >= count);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; Graph API calls: " + graph.calls().stream()
                    .map(c -> c.path() + " " + c.body()).toList() + "; dead letters: " + deadLetters(), e);
        }
        awaitQuiet(graph.server(), Duration.ofMillis(700));
        List<GraphCall> result = calls.get();
        assertThat(result).as("Graph API calls to " + recipient).hasSize(count);
        return result;
    }

    private String awaitSentOutboundMessage(String conversationId, String text, String resultRef) {
        String path = "/api/messages?limit=100&conversationId=" + conversationId;
        try {
            Poll.until(ARRIVAL, "the reply's CHANNEL delivery is recorded with resultRef " + resultRef,
                    () -> outboundMessage(conversationId, text)
                            .flatMap(m -> channelDelivery(m.at("/message/id").asText()))
                            .map(d -> resultRef.equals(Json.text(d, "/resultRef")))
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
            throw new AssertionError(e.getMessage() + "; dead letters: " + deadLetters() + "; Graph API calls: "
                    + graph.calls().stream().map(c -> c.path() + " " + c.body()).toList(), e);
        }
        return deadLettersOf(conversationId).get(0);
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    }
}
