package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.TelegramBotApiFake;
import dev.omnibridge.systemtest.support.TelegramBotApiFake.BotApiCall;
import dev.omnibridge.systemtest.support.TelegramUpdates;
import dev.omnibridge.systemtest.support.TelegramUpdates.PhotoSize;
import dev.omnibridge.systemtest.support.TelegramUpdates.TgUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.stream.StreamSupport;

import static dev.omnibridge.systemtest.support.TelegramUpdates.editedMessageUpdate;
import static dev.omnibridge.systemtest.support.TelegramUpdates.messageUpdate;
import static dev.omnibridge.systemtest.support.TelegramUpdates.textMessage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Telegram connector end to end: the packaged hub runs instance {@value #POLL} (type {@value #TYPE}, long polling)
 * and instance {@value #HOOK} (webhook mode), both routed to the webhook desk. Each has its own bot whose Bot API is a
 * {@link TelegramBotApiFake}, a WireMock in the test JVM standing in for api.telegram.org (getUpdates queue with
 * Telegram's offset semantics, getFile, file downloads, sendMessage). Every test writes from its own Telegram user, so
 * its chat, thread key and conversation are its own. Update ids grow across the class, as Telegram's do.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TelegramTest extends SystemTestBase {
    private static final String TYPE = "telegram";
    private static final String POLL = "tg";
    private static final String HOOK = "tg-hook";
    private static final String TOKEN = "123456789:AAH-test-token-ZZZ";
    private static final String HOOK_TOKEN = "987654321:AAH-webhook-token-YYY";
    private static final String WEBHOOK_SECRET = "tg-webhook-secret_4711";
    private static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    private static final Duration ARRIVAL = Duration.ofSeconds(20);
    private static final AtomicLong NEXT_UPDATE_ID = new AtomicLong(ThreadLocalRandom.current().nextLong(100, 900) * 1000);
    /** Telegram user ids (and so private chat ids), one per test. */
    private static final AtomicLong NEXT_USER = new AtomicLong(5_100_000_000L + ThreadLocalRandom.current().nextLong(1, 9000) * 100);

    private TelegramBotApiFake bot;
    private TelegramBotApiFake hookBot;

    @Override
    protected HubProcess startHub() {
        bot = TelegramBotApiFake.start(TOKEN);
        hookBot = TelegramBotApiFake.start(HOOK_TOKEN);
        return startHubWith("telegram");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> polling = new LinkedHashMap<>();
        polling.put("botToken", TOKEN);
        polling.put("mode", "polling");
        polling.put("apiBaseUrl", bot.baseUrl());
        polling.put("pollTimeout", "1s");
        polling.put("maxFileBytes", 1_048_576);
        polling.put("timeout", "5s");
        Map<String, Object> webhook = new LinkedHashMap<>();
        webhook.put("botToken", HOOK_TOKEN);
        webhook.put("mode", "webhook");
        webhook.put("apiBaseUrl", hookBot.baseUrl());
        webhook.put("webhookSecret", WEBHOOK_SECRET);
        webhook.put("maxFileBytes", 1_048_576);
        webhook.put("timeout", "5s");
        return standardConfig()
                .instance(POLL, TYPE, polling)
                .instance(HOOK, TYPE, webhook)
                .route(POLL, DESK)
                .route(HOOK, DESK);
    }

    @BeforeAll
    void telegramInstancesAreRunning() {
        awaitTelegramInstancesRunning();
    }

    @AfterAll
    void stopTelegramFakes() {
        if (bot != null) {
            bot.close();
        }
        if (hookBot != null) {
            hookBot.close();
        }
    }

    // 1
    @Test
    @Order(1)
    void polledTextMessageOpensATicketWithTheSenderAsChatUserAndTheChatIdAsThreadKey() {
        TgUser ann = newUser("Ann", "Lee", "annlee");
        long updateId = nextUpdateIds(1);

        bot.enqueue(messageUpdate(updateId, textMessage(101, ann, Instant.now(), "My order 4711 never arrived")));

        ReceivedRequest event = awaitDeskMessage(ann.id() + ":101");
        assertThat(event.signedWith(DESK_SECRET)).as("desk request signed").isTrue();
        assertThat(event.text("/schema")).isEqualTo("omnibridge.desk-event/v1");
        assertThat(event.text("/event")).isEqualTo("message.created");
        assertThat(event.ticketRef()).as("first message of a new conversation").isNull();
        assertThat(event.text("/conversation/channel/type")).isEqualTo(TYPE);
        assertThat(event.text("/conversation/channel/instanceId")).isEqualTo(POLL);
        assertThat(event.threadKey()).isEqualTo(String.valueOf(ann.id()));
        assertThat(event.text("/message/direction")).isEqualTo("INBOUND");
        assertThat(event.text("/message/channel/type")).isEqualTo(TYPE);
        assertThat(event.text("/message/threadKey")).isEqualTo(String.valueOf(ann.id()));
        assertThat(event.text("/message/text")).isEqualTo("My order 4711 never arrived");
        assertThat(event.text("/message/author/role")).isEqualTo("CUSTOMER");
        assertThat(event.text("/message/author/displayName")).isEqualTo("Ann Lee");
        assertThat(event.text("/message/author/address/kind")).isEqualTo("CHAT_USER");
        assertThat(event.text("/message/author/address/value")).isEqualTo(String.valueOf(ann.id()));
        assertThat(event.body().at("/message/metadata").path("telegram.username").asText())
                .as("metadata of " + event.body().at("/message")).isEqualTo("annlee");
        assertThat(event.body().at("/message/attachments")).as("a text message has no attachments").isEmpty();
        assertThat(event.body().at("/contact/addresses")).as("contact addresses of " + event.body().at("/contact"))
                .anySatisfy(a -> {
                    assertThat(a.path("kind").asText()).isEqualTo("CHAT_USER");
                    assertThat(a.path("value").asText()).isEqualTo(String.valueOf(ann.id()));
                });

        List<BotApiCall> calls = bot.allCalls();
        int firstDelete = indexOf(calls, "deleteWebhook");
        int firstPoll = indexOf(calls, "getUpdates");
        assertThat(firstDelete).as("deleteWebhook called at start; calls: " + methods(calls)).isNotNegative();
        assertThat(firstDelete).as("deleteWebhook before the first getUpdates; calls: " + methods(calls))
                .isLessThan(firstPoll);

        awaitQuiet(desk, Duration.ofSeconds(1));
        assertThat(deskRequestsFor(String.valueOf(ann.id()))).as("desk events of the new conversation").hasSize(1);
    }

    // 2
    @Test
    @Order(2)
    void nonContiguousBatchReachesTheDeskInOrderWithFetchedFilesAndIsConfirmedWithHighestIdPlusOne() {
        TgUser bob = newUser("Bob", "Marsh", "bobmarsh");
        long groupId = -4_000_000_000L - (bob.id() % 1_000_000_000L);
        ObjectNode group = TelegramUpdates.groupChat(groupId, "Acme orders");
        String threadKey = String.valueOf(groupId);
        long base = nextUpdateIds(11);
        Instant now = Instant.now();

        byte[] jpeg = jpeg();
        PhotoSize small = new PhotoSize("AgACAgIAAxkBAAI-small-" + base, "AQADsmall" + base, 1_200, 90, 67);
        PhotoSize medium = new PhotoSize("AgACAgIAAxkBAAI-medium-" + base, "AQADmedium" + base, 14_000, 320, 240);
        PhotoSize large = new PhotoSize("AgACAgIAAxkBAAI-large-" + base, "AQADlarge" + base, jpeg.length, 1280, 960);
        String photoPath = "photos/file_" + base + ".jpg";
        bot.serveFile(large.fileId(), large.fileUniqueId(), photoPath, "image/jpeg", jpeg);
        byte[] pdf = pdf("Invoice 4711");
        String documentFileId = "BQACAgIAAxkBAAI-doc-" + base;
        String documentPath = "documents/file_" + base + ".pdf";
        bot.serveFile(documentFileId, "AgADdoc" + base, documentPath, "application/octet-stream", pdf);

        ObjectNode photoMessage = TelegramUpdates.withPhoto(TelegramUpdates.message(201, bob, group, now),
                "The box arrived crushed", small, medium, large);
        ObjectNode documentMessage = TelegramUpdates.withDocument(TelegramUpdates.message(202, bob, group, now),
                documentFileId, "AgADdoc" + base, "..\\..\\scans/Invoice: 4711?.pdf", "application/pdf", pdf.length,
                null);
        ObjectNode reply = TelegramUpdates.replyingTo(
                TelegramUpdates.message(203, bob, group, now).put("text", "See the photo above"), photoMessage);

        bot.enqueue(messageUpdate(base, photoMessage), messageUpdate(base + 3, documentMessage),
                messageUpdate(base + 10, reply));

        List<ReceivedRequest> events = awaitDeskAcceptedOrExplain(threadKey, 3);
        assertThat(events).extracting(ReceivedRequest::channelMessageId).as("desk events in update order")
                .containsExactly(groupId + ":201", groupId + ":202", groupId + ":203");
        String conversationId = events.get(0).conversationId();
        assertThat(events).extracting(ReceivedRequest::conversationId).as("one conversation for the chat")
                .containsOnly(conversationId);
        assertThat(events).extracting(ReceivedRequest::ticketRef).as("ticket refs")
                .containsExactly(null, "T-" + conversationId, "T-" + conversationId);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.threadKey()).as("thread key is the group's chat id").isEqualTo(threadKey);
            assertThat(e.text("/message/author/address/value")).as("author is the sender, not the group")
                    .isEqualTo(String.valueOf(bob.id()));
            assertThat(e.text("/message/author/displayName")).isEqualTo("Bob Marsh");
        });

        ReceivedRequest photo = events.get(0);
        assertThat(photo.text("/message/text")).as("the caption is the text").isEqualTo("The box arrived crushed");
        JsonNode photoAttachments = photo.body().at("/message/attachments");
        assertThat(photoAttachments).as("attachments of " + photo.body().at("/message")).hasSize(1);
        assertAttachment(photoAttachments.get(0), "image/jpeg", jpeg);
        assertThat(bot.calls("getFile")).extracting(c -> c.param("file_id")).as("getFile calls")
                .contains(large.fileId()).doesNotContain(small.fileId(), medium.fileId());
        assertThat(bot.requestsFor(bot.filePathOf(photoPath))).as("download of the largest size").isNotEmpty();

        ReceivedRequest document = events.get(1);
        assertThat(document.text("/message/text")).as("a document without caption has no text").isNullOrEmpty();
        JsonNode documentAttachments = document.body().at("/message/attachments");
        assertThat(documentAttachments).as("attachments of " + document.body().at("/message")).hasSize(1);
        JsonNode documentAttachment = documentAttachments.get(0);
        assertAttachment(documentAttachment, "application/pdf", pdf);
        assertThat(Json.text(documentAttachment, "/fileName")).as("sanitized file name of " + documentAttachment)
                .isEqualTo("Invoice_ 4711_.pdf");

        ReceivedRequest replyEvent = events.get(2);
        assertThat(replyEvent.text("/message/text")).isEqualTo("See the photo above");
        assertThat(replyEvent.text("/message/replyTo")).isEqualTo(groupId + ":201");

        // The poll after the batch confirms it: offset = highest update_id + 1, not base + 3.
        Poll.until(ARRIVAL, "a getUpdates call after the one that served the batch", () -> {
            List<BotApiCall> polls = bot.calls("getUpdates");
            int served = indexOfServed(polls, base);
            return served >= 0 && served + 1 < polls.size();
        });
        List<BotApiCall> polls = bot.calls("getUpdates");
        int served = indexOfServed(polls, base);
        assertThat(polls.get(served).servedUpdateIds()).as("the batch was served in one answer")
                .containsExactly(base, base + 3, base + 10);
        assertThat(polls.get(served + 1).offset()).as("offset of the getUpdates after the batch; params "
                + polls.get(served + 1).params()).isEqualTo(base + 11);

        awaitQuiet(desk, Duration.ofSeconds(1));
        assertThat(deskRequestsFor(threadKey)).as("desk events of the group").hasSize(3);
    }

    // 3
    @Test
    @Order(3)
    void editedMessageReachesTheDeskAsMessageEditedLinkedToTheOriginalInTheSameTicket() {
        TgUser cleo = newUser("Cleo", "Park", "cleopark");
        String threadKey = String.valueOf(cleo.id());
        Instant sent = Instant.now().minusSeconds(120);
        ObjectNode original = textMessage(301, cleo, sent, "I ordered the blue one in size M");
        bot.enqueue(messageUpdate(nextUpdateIds(1), original));
        ReceivedRequest first = awaitDeskMessage(cleo.id() + ":301");

        bot.enqueue(editedMessageUpdate(nextUpdateIds(1),
                TelegramUpdates.edited(original, sent.plusSeconds(60), "I ordered the red one in size M")));

        List<ReceivedRequest> events = awaitDeskAcceptedOrExplain(threadKey, 2);
        ReceivedRequest edit = events.get(1);
        assertThat(edit.text("/event")).as("event of " + edit.body()).isEqualTo("message.edited");
        assertThat(edit.conversationId()).as("same conversation").isEqualTo(first.conversationId());
        assertThat(edit.ticketRef()).as("same ticket").isEqualTo("T-" + first.conversationId());
        assertThat(edit.text("/message/text")).isEqualTo("I ordered the red one in size M");
        JsonNode metadata = edit.body().at("/message/metadata");
        assertThat(metadata.path("omnibridge.editOf").asText()).as("metadata " + metadata).isEqualTo(cleo.id() + ":301");
        assertThat(metadata.path("omnibridge.editOfMessageId").asText()).as("metadata " + metadata)
                .isEqualTo(first.text("/message/id")).isNotBlank();
        assertThat(edit.text("/message/author/address/value")).isEqualTo(String.valueOf(cleo.id()));

        awaitQuiet(desk, Duration.ofSeconds(1));
        assertThat(deskRequestsFor(threadKey)).as("desk events of the chat").hasSize(2);
    }

    // 4
    @Test
    @Order(4)
    void agentReplyIsSentOnceWithSendMessageToTheCustomersChat() {
        TgUser dana = newUser("Dana", "Ivers", "danai");
        ReceivedRequest opened = openTicket(dana, 401, "Can I still change my delivery address?");
        String replyText = "Yes — send me the new address and I'll update the order.";

        accepted(postDeskReply(Messages.deskReply("T-" + opened.conversationId(), "tg-reply-" + dana.id(), replyText,
                false)));

        BotApiCall call = awaitSendMessages(dana.id(), 1).get(0);
        assertThat(call.httpMethod()).isEqualTo("POST");
        assertThat(call.header("Content-Type")).as("Content-Type").startsWith("application/json");
        assertThat(call.param("chat_id")).as("chat_id of " + call.params()).isEqualTo(String.valueOf(dana.id()));
        assertThat(call.param("text")).as("text of " + call.params()).isEqualTo(replyText);
        assertThat(call.status()).isEqualTo(200);
        assertThat(deadLettersOf(opened.conversationId())).as("dead letters of the conversation").isEmpty();
    }

    // 5
    @Test
    @Order(5)
    void webhookInstanceRegistersItsSecretAndStoresOnlyUpdatesCarryingIt() {
        List<BotApiCall> registrations = hookBot.calls("setWebhook");
        assertThat(registrations).as("setWebhook calls of the webhook bot").isNotEmpty();
        BotApiCall registration = registrations.get(registrations.size() - 1);
        assertThat(registration.param("url")).as("url of " + registration.params())
                .isEqualTo("http://localhost:" + URI.create(hub.baseUrl()).getPort() + "/hooks/" + HOOK);
        assertThat(registration.param("secret_token")).as("secret_token of setWebhook").isEqualTo(WEBHOOK_SECRET);
        assertThat(hookBot.calls("getUpdates")).as("a webhook instance does not poll").isEmpty();

        TgUser eve = newUser("Eve", "Olsen", "eveo");
        HttpResponse<String> good = postUpdate(messageUpdate(nextUpdateIds(1),
                textMessage(501, eve, Instant.now(), "Hello from the webhook")), WEBHOOK_SECRET);
        assertThat(good.statusCode()).as(describe(good)).isEqualTo(200);
        ReceivedRequest event = awaitDeskMessage(eve.id() + ":501");
        assertThat(event.text("/conversation/channel/instanceId")).isEqualTo(HOOK);
        assertThat(event.text("/message/text")).isEqualTo("Hello from the webhook");
        assertThat(event.threadKey()).isEqualTo(String.valueOf(eve.id()));

        TgUser finn = newUser("Finn", "Kaur", null);
        assertRefused(postUpdate(messageUpdate(nextUpdateIds(1),
                textMessage(601, finn, Instant.now(), "wrong secret")), "not-the-secret"), "wrong secret token");
        assertRefused(postUpdate(messageUpdate(nextUpdateIds(1),
                textMessage(602, finn, Instant.now(), "no secret")), null), "no secret token header");

        // The next genuine update of the same chat opens the conversation: nothing before it was stored.
        HttpResponse<String> genuine = postUpdate(messageUpdate(nextUpdateIds(1),
                textMessage(603, finn, Instant.now(), "genuine")), WEBHOOK_SECRET);
        assertThat(genuine.statusCode()).as(describe(genuine)).isEqualTo(200);
        ReceivedRequest opened = awaitDeskMessage(finn.id() + ":603");
        assertThat(opened.ticketRef()).as("the genuine update opens the conversation").isNull();
        awaitQuiet(desk, Duration.ofSeconds(1));
        assertThat(deskRequestsFor(String.valueOf(finn.id()))).extracting(ReceivedRequest::channelMessageId)
                .containsExactly(finn.id() + ":603");
        JsonNode stored = hub.http().adminJson("/api/messages?limit=100&conversationId=" + opened.conversationId());
        assertThat(stored.path("messages")).as("stored messages: " + stored).hasSize(1);
    }

    // 6
    @Test
    @Order(6)
    void replyToAUserWhoBlockedTheBotIsDeadLetteredAndTheNextReplyIsNotAttempted() {
        TgUser gus = newUser("Gus", "Moreau", "gusm");
        JsonNode deadLetter = firstReplyToABlockedUser(gus, 701, "Cancel my subscription please",
                "tg-blocked-1-" + gus.id(), "Done, it is cancelled.");
        String conversationId = Json.text(deadLetter, "/conversationId");
        String ticket = "T-" + conversationId;
        assertThat(Json.text(deadLetter, "/target")).as("target of " + deadLetter).isEqualTo(POLL);
        assertThat(Json.text(deadLetter, "/reason")).as("reason of " + deadLetter).containsIgnoringCase("blocked");
        assertThat(bot.sendMessagesTo(gus.id())).extracting(BotApiCall::status).as("sendMessage answers")
                .containsExactly(403);
        String path = "/api/conversations/" + conversationId;
        try {
            Poll.until(ARRIVAL, "conversation " + conversationId + " shows customerUnreachable",
                    () -> Json.text(hub.http().adminJson(path), "/customerUnreachable") != null);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; GET " + path + " answers " + hub.http().admin("GET", path).body(), e);
        }
        assertThat(Json.text(hub.http().adminJson(path), "/customerUnreachable")).containsIgnoringCase("blocked");

        JsonNode refused = replyAndAwaitDeadLetter(ticket, conversationId, "tg-blocked-2-" + gus.id(), "Anything else?",
                2);
        assertThat(Json.text(refused, "/reason")).as("reason of " + refused).contains("takes no messages (");
        awaitStable(() -> bot.sendMessagesTo(gus.id()).size(), Duration.ofSeconds(1));
        assertThat(bot.sendMessagesTo(gus.id())).as("sendMessage calls to the chat that blocked the bot").hasSize(1);
    }

    // 7
    @Test
    @Order(7)
    void afterARestartPollingResumesAtTheStoredOffsetAndAReservedOldUpdateIsNotDeliveredAgain() {
        TgUser hana = newUser("Hana", "Sato", "hanas");
        String threadKey = String.valueOf(hana.id());
        long beforeId = nextUpdateIds(1);
        ObjectNode before = messageUpdate(beforeId, textMessage(801, hana, Instant.now(), "before the restart"));
        bot.enqueue(before);
        ReceivedRequest first = awaitDeskMessage(hana.id() + ":801");
        Poll.until(ARRIVAL, "a getUpdates call confirms update " + beforeId,
                () -> bot.calls("getUpdates").stream().anyMatch(c -> Objects.equals(c.offset(), beforeId + 1)));

        hub.stop();
        int pollsBeforeRestart = bot.calls("getUpdates").size();
        long afterId = nextUpdateIds(1);
        bot.reserveOnNextPoll(before);
        bot.enqueue(messageUpdate(afterId, textMessage(802, hana, Instant.now(), "after the restart")));
        hub.restart();
        awaitTelegramInstancesRunning();

        ReceivedRequest second = awaitDeskMessage(hana.id() + ":802");
        List<BotApiCall> polls = bot.calls("getUpdates");
        assertThat(polls.size()).as("getUpdates calls after the restart").isGreaterThan(pollsBeforeRestart);
        BotApiCall firstAfterRestart = polls.get(pollsBeforeRestart);
        assertThat(firstAfterRestart.offset()).as("offset of the first getUpdates after the restart; params "
                + firstAfterRestart.params()).isEqualTo(beforeId + 1);
        assertThat(firstAfterRestart.servedUpdateIds()).as("that call re-served the old update with the new one")
                .containsExactly(beforeId, afterId);
        assertThat(second.conversationId()).as("same conversation after the restart").isEqualTo(first.conversationId());
        assertThat(second.ticketRef()).isEqualTo("T-" + first.conversationId());

        awaitQuiet(desk, Duration.ofMillis(1500));
        assertThat(deskRequestsFor(threadKey)).extracting(ReceivedRequest::channelMessageId)
                .as("the re-served update is not delivered again")
                .containsExactly(hana.id() + ":801", hana.id() + ":802");
        JsonNode stored = hub.http().adminJson("/api/messages?limit=100&conversationId=" + first.conversationId());
        assertThat(stored.path("messages")).as("stored messages: " + stored).hasSize(2);
        Poll.until(ARRIVAL, "a getUpdates call confirms update " + afterId,
                () -> bot.calls("getUpdates").stream().anyMatch(c -> Objects.equals(c.offset(), afterId + 1)));
    }

    // 8
    @Test
    @Order(8)
    void botTokensAndTheWebhookSecretAppearNowhereInTheHubLogOrItsAnswersEvenAfterFailedFileFetches() {
        // Error paths are where URLs (and so bot<token>) end up in messages: a download reset by the network and a
        // file_path that cannot be put into a URL.
        TgUser ida = newUser("Ida", "Berg", "idab");
        long base = nextUpdateIds(2);
        String resetFileId = "AgACAgIAAxkBAAI-reset-" + base;
        String resetPath = "photos/file_" + base + ".jpg";
        bot.serveFileAfterAReset(resetFileId, "AQADreset" + base, resetPath, "image/jpeg", jpeg());
        String badFileId = "BQACAgIAAxkBAAI-bad-" + base;
        bot.serveUnusableFilePath(badFileId, "AgADbad" + base, "documents/file|" + base + "^.pdf");
        Instant now = Instant.now();
        bot.enqueue(messageUpdate(base, TelegramUpdates.withPhoto(TelegramUpdates.message(901, ida, ida.privateChat(), now),
                        "photo after a reset", new PhotoSize(resetFileId, "AQADreset" + base, 2_000, 640, 480))),
                messageUpdate(base + 1, TelegramUpdates.withDocument(TelegramUpdates.message(902, ida, ida.privateChat(),
                        now), badFileId, "AgADbad" + base, "invoice.pdf", "application/pdf", 1_234, "unusable path")));
        Poll.until(ARRIVAL, "the poller has tried the reset download and the unusable file and polled again", () -> {
            List<BotApiCall> calls = bot.allCalls();
            int badGetFile = -1;
            for (int i = 0; i < calls.size(); i++) {
                if (calls.get(i).method().equals("getFile") && badFileId.equals(calls.get(i).param("file_id"))) {
                    badGetFile = i;
                }
            }
            return !bot.requestsFor(bot.filePathOf(resetPath)).isEmpty() && badGetFile >= 0
                    && calls.subList(badGetFile, calls.size()).stream().anyMatch(c -> c.method().equals("getUpdates"));
        });

        String log = hub.logTail(Integer.MAX_VALUE);
        assertThat(log).as("the hub log").contains("===== launch 1 of");
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("hub log", log);
        answers.put("GET /api/instances", adminBody("/api/instances"));
        answers.put("GET /health", hub.http().get("/health").body());
        answers.put("GET /metrics", hub.http().get("/metrics").body());
        answers.put("GET /api/dead-letters", adminBody("/api/dead-letters"));
        answers.put("GET /api/conversations", adminBody("/api/conversations?limit=1000"));
        List<String> secrets = List.of(TOKEN, "bot" + TOKEN, secretPart(TOKEN), HOOK_TOKEN, "bot" + HOOK_TOKEN,
                secretPart(HOOK_TOKEN), WEBHOOK_SECRET);
        answers.forEach((what, text) -> {
            for (String secret : secrets) {
                int at = text.indexOf(secret);
                assertThat(at).as(what + " contains \"" + secret + "\""
                        + (at < 0 ? "" : " at: ..." + text.substring(Math.max(0, at - 300),
                        Math.min(text.length(), at + secret.length() + 100)) + "...")).isNegative();
            }
        });
    }

    // 9
    @Test
    @Order(9)
    void aCustomerWhoUnblockedTheBotAndWritesAgainGetsTheNextReply() {
        TgUser jo = newUser("Jo", "Park", "jop");
        String conversationId = Json.text(firstReplyToABlockedUser(jo, 1001, "Where is my refund?",
                "tg-back-1-" + jo.id(), "It is on its way."), "/conversationId");
        String ticket = "T-" + conversationId;
        assertThat(Json.text(hub.http().adminJson("/api/conversations/" + conversationId),
                "/customerUnreachable")).containsIgnoringCase("blocked");

        bot.unblockedBy(jo.id());
        bot.enqueue(messageUpdate(nextUpdateIds(1), textMessage(1002, jo, Instant.now(), "I unblocked you, sorry")));
        awaitDeskMessage(jo.id() + ":1002");
        accepted(postDeskReply(Messages.deskReply(ticket, "tg-back-2-" + jo.id(), "No problem!", false)));

        List<BotApiCall> sends = awaitSendMessages(jo.id(), 2);
        assertThat(sends).extracting(BotApiCall::status).containsExactly(403, 200);
        assertThat(sends.get(1).param("text")).isEqualTo("No problem!");
        assertThat(Json.text(hub.http().adminJson("/api/conversations/" + conversationId),
                "/customerUnreachable")).isNull();
    }

    // 10
    @Test
    @Order(10)
    void aReplayedReplyReallyTriesAndAnOperatorCanClearTheMark() {
        TgUser kai = newUser("Kai", "Berg", "kaib");
        String conversationId = Json.text(firstReplyToABlockedUser(kai, 1101, "Please call me back",
                "tg-replay-1-" + kai.id(), "Calling you now."), "/conversationId");
        String ticket = "T-" + conversationId;
        JsonNode refused = replyAndAwaitDeadLetter(ticket, conversationId, "tg-replay-2-" + kai.id(), "Are you there?",
                2);
        assertThat(Json.text(refused, "/reason")).contains("takes no messages (");
        assertThat(bot.sendMessagesTo(kai.id())).as("only the first reply reached Telegram").hasSize(1);

        // The user unblocked the bot without writing; the operator replays the refused reply: a real attempt.
        bot.unblockedBy(kai.id());
        HttpResponse<String> replay = hub.http().admin("POST", "/api/dead-letters/" + refused.path("id").asLong()
                + "/replay");
        assertThat(replay.statusCode()).as(describe(replay)).isEqualTo(202);
        List<BotApiCall> sends = awaitSendMessages(kai.id(), 2);
        assertThat(sends).extracting(BotApiCall::status).containsExactly(403, 200);
        assertThat(sends.get(1).param("text")).isEqualTo("Are you there?");

        // Blocked again, then cleared by an operator: the next reply is handed to Telegram again.
        bot.blockedBy(kai.id());
        accepted(postDeskReply(Messages.deskReply(ticket, "tg-replay-3-" + kai.id(), "Still there?", false)));
        awaitDeadLetters(conversationId, 2);
        Poll.until(ARRIVAL, "the mark is back", () -> Json.text(hub.http().adminJson("/api/conversations/"
                + conversationId), "/customerUnreachable") != null);
        bot.unblockedBy(kai.id());
        HttpResponse<String> cleared = hub.http().admin("POST", "/api/conversations/" + conversationId
                + "/customer-reachable");
        assertThat(cleared.statusCode()).as(describe(cleared)).isEqualTo(200);
        assertThat(Json.parse(cleared.body()).path("cleared").asBoolean()).isTrue();
        accepted(postDeskReply(Messages.deskReply(ticket, "tg-replay-4-" + kai.id(), "Good to see you.", false)));
        List<BotApiCall> after = awaitSendMessages(kai.id(), 4);
        assertThat(after).extracting(BotApiCall::status).containsExactly(403, 200, 403, 200);
        assertThat(after.get(3).param("text")).isEqualTo("Good to see you.");
    }

    // 11
    @Test
    @Order(11)
    void aReplyToAGroupThatBecameASupergroupReachesTheSupergroupWhoseMessagesJoinTheSameConversation() {
        TgUser mo = newUser("Mo", "Reyes", "mor");
        long group = -mo.id();
        long supergroup = supergroupOf(group);
        bot.enqueue(messageUpdate(nextUpdateIds(1), TelegramUpdates.message(1201, mo,
                TelegramUpdates.groupChat(group, "Team " + mo.id()), Instant.now()).put("text", "Our team needs help")));
        ReceivedRequest opened = awaitDeskMessage(group + ":1201");
        awaitTicketLinked(opened);
        String conversationId = opened.conversationId();
        assertThat(opened.threadKey()).isEqualTo(String.valueOf(group));
        bot.migrated(group, supergroup);

        accepted(postDeskReply(Messages.deskReply("T-" + conversationId, "tg-super-1-" + mo.id(), "How can we help?",
                false)));

        List<BotApiCall> toSupergroup = awaitSendMessages(supergroup, 1);
        assertThat(toSupergroup.get(0).status()).isEqualTo(200);
        assertThat(toSupergroup.get(0).param("text")).isEqualTo("How can we help?");
        assertThat(bot.sendMessagesTo(group)).extracting(BotApiCall::status).containsExactly(400);
        Poll.until(ARRIVAL, "the conversation has the supergroup's chat id", () -> String.valueOf(supergroup).equals(
                Json.text(hub.http().adminJson("/api/conversations/" + conversationId), "/threadKey")));
        assertThat(deadLettersOf(conversationId)).isEmpty();

        bot.enqueue(messageUpdate(nextUpdateIds(1), TelegramUpdates.message(2, mo, supergroupChat(supergroup,
                "Team " + mo.id()), Instant.now()).put("text", "Thanks, it is about invoices")));
        ReceivedRequest next = awaitDeskMessage(supergroup + ":2");
        assertThat(next.conversationId()).as("the supergroup's message joins the conversation").isEqualTo(conversationId);
        assertThat(next.ticketRef()).isEqualTo("T-" + conversationId);

        accepted(postDeskReply(Messages.deskReply("T-" + conversationId, "tg-super-2-" + mo.id(), "Sure, invoices.",
                false)));
        awaitSendMessages(supergroup, 2);
        assertThat(bot.sendMessagesTo(group)).as("nothing more goes to the old group").hasSize(1);
    }

    // 12
    @Test
    @Order(12)
    void theUpgradeServiceMessagesMoveTheConversationBeforeTheSupergroupsFirstMessage() {
        TgUser noa = newUser("Noa", "Katz", "noak");
        long group = -noa.id();
        long supergroup = supergroupOf(group);
        String title = "Crew " + noa.id();
        bot.enqueue(messageUpdate(nextUpdateIds(1), TelegramUpdates.message(1301, noa,
                TelegramUpdates.groupChat(group, title), Instant.now()).put("text", "Hello from the group")));
        ReceivedRequest opened = awaitDeskMessage(group + ":1301");

        long first = nextUpdateIds(3);
        bot.enqueue(messageUpdate(first, TelegramUpdates.message(1302, noa, TelegramUpdates.groupChat(group, title),
                        Instant.now()).put("migrate_to_chat_id", supergroup)),
                messageUpdate(first + 1, TelegramUpdates.message(1, noa, supergroupChat(supergroup, title),
                        Instant.now()).put("migrate_from_chat_id", group)),
                messageUpdate(first + 2, TelegramUpdates.message(2, noa, supergroupChat(supergroup, title),
                        Instant.now()).put("text", "Hello from the supergroup")));

        ReceivedRequest next = awaitDeskMessage(supergroup + ":2");
        assertThat(next.conversationId()).isEqualTo(opened.conversationId());
        assertThat(next.ticketRef()).isEqualTo("T-" + opened.conversationId());
        assertThat(Json.text(hub.http().adminJson("/api/conversations/" + opened.conversationId()), "/threadKey"))
                .isEqualTo(String.valueOf(supergroup));
    }

    // --- helpers

    /** Supergroup ids are the group's digits behind -100, as Telegram's are. */
    private static long supergroupOf(long group) {
        return Long.parseLong("-100" + Math.abs(group));
    }

    private static ObjectNode supergroupChat(long id, String title) {
        return Json.object().put("id", id).put("title", title).put("type", "supergroup");
    }

    private void awaitTelegramInstancesRunning() {
        try {
            Poll.until(Duration.ofSeconds(30), POLL + " and " + HOOK + " are RUNNING", () -> {
                JsonNode instances = hub.http().health().path("instances");
                return instances.at("/" + POLL + "/state").asText().equals("RUNNING")
                        && instances.at("/" + HOOK + "/state").asText().equals("RUNNING");
            });
        } catch (AssertionError e) {
            hub.printLogTail("telegram instances not RUNNING");
            throw new AssertionError(e.getMessage() + "; health: " + hub.http().health(), e);
        }
    }

    private static TgUser newUser(String first, String last, String username) {
        return new TgUser(NEXT_USER.incrementAndGet(), first, last, username);
    }

    /** Reserves {@code count} consecutive update ids and returns the first. */
    private static long nextUpdateIds(int count) {
        return NEXT_UPDATE_ID.getAndAdd(count);
    }

    private static String secretPart(String token) {
        return token.substring(token.indexOf(':') + 1);
    }

    /**
     * Polls one text message from {@code user} and returns the desk's first event of the new conversation, once the
     * hub has linked the desk's ticket (a desk reply before that is set aside as a reply for an unknown ticket).
     */
    private ReceivedRequest openTicket(TgUser user, long messageId, String text) {
        bot.enqueue(messageUpdate(nextUpdateIds(1), textMessage(messageId, user, Instant.now(), text)));
        ReceivedRequest first = awaitDeskMessage(user.id() + ":" + messageId);
        assertThat(first.ticketRef()).isNull();
        awaitTicketLinked(first);
        return first;
    }

    /**
     * A user who blocked the bot opens a ticket and the desk answers: Telegram refuses the reply (403), and the hub
     * dead-letters it. Returns that first dead letter of the new conversation.
     */
    private JsonNode firstReplyToABlockedUser(TgUser user, long messageId, String text, String replyId,
                                              String replyText) {
        bot.blockedBy(user.id());
        String conversationId = openTicket(user, messageId, text).conversationId();
        return replyAndAwaitDeadLetter("T-" + conversationId, conversationId, replyId, replyText, 1);
    }

    /** A reply from the desk on {@code ticket}, and the {@code nth} dead letter of the conversation it makes. */
    private JsonNode replyAndAwaitDeadLetter(String ticket, String conversationId, String replyId, String text,
                                             int nth) {
        accepted(postDeskReply(Messages.deskReply(ticket, replyId, text, false)));
        return awaitDeadLetters(conversationId, nth).get(nth - 1);
    }

    /** What Telegram POSTs to the webhook: one Update, with the secret token header unless {@code secret} is null. */
    private HttpResponse<String> postUpdate(ObjectNode update, String secret) {
        return secret == null ? hub.http().post("/hooks/" + HOOK, Json.write(update))
                : hub.http().post("/hooks/" + HOOK, Json.write(update), SECRET_HEADER, secret);
    }

    private List<ReceivedRequest> deskRequestsForMessage(String channelMessageId) {
        return deskRequests().stream().filter(r -> channelMessageId.equals(r.channelMessageId())).toList();
    }

    /** Waits until the desk has accepted the message with this channel message id and returns that request. */
    private ReceivedRequest awaitDeskMessage(String channelMessageId) {
        try {
            Poll.until(ARRIVAL, "the desk has accepted the message " + channelMessageId, () -> deskRequestsForMessage(
                    channelMessageId).stream().anyMatch(r -> r.event().getResponse().getStatus() / 100 == 2));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + explainNothingArrived(), e);
        }
        return deskRequestsForMessage(channelMessageId).stream()
                .filter(r -> r.event().getResponse().getStatus() / 100 == 2).findFirst().orElseThrow();
    }

    private List<ReceivedRequest> awaitDeskAcceptedOrExplain(String threadKey, int count) {
        try {
            return awaitDeskAccepted(threadKey, count, ARRIVAL);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + explainNothingArrived(), e);
        }
    }

    private String explainNothingArrived() {
        List<BotApiCall> polls = bot.calls("getUpdates");
        List<BotApiCall> lastPolls = polls.subList(Math.max(0, polls.size() - 3), polls.size());
        return "; instances: " + hub.http().health().path("instances")
                + "; desk received message ids " + deskRequests().stream().map(ReceivedRequest::channelMessageId).toList()
                + "; last getUpdates calls (params -> served ids): "
                + lastPolls.stream().map(c -> c.params() + " -> " + c.servedUpdateIds()).toList()
                + "; other Bot API calls: " + bot.allCalls().stream().filter(c -> !c.method().equals("getUpdates"))
                .map(c -> c.method() + c.params() + " -> " + c.status()).toList()
                + "; inbound dead letters: " + hub.http().adminJson("/api/dead-letters").path("inboundDeadLetters")
                + "; skipped: " + hub.http().adminJson("/api/skipped").path("skipped");
    }

    /** Waits for {@code count} sendMessage calls to the chat, then a quiet second, and expects no more. */
    private List<BotApiCall> awaitSendMessages(long chatId, int count) {
        try {
            Poll.until(ARRIVAL, count + " sendMessage call(s) to chat " + chatId,
                    () -> bot.sendMessagesTo(chatId).size() >= count);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; sendMessage calls: " + bot.calls("sendMessage").stream()
                    .map(BotApiCall::params).toList() + "; dead letters: " + deadLetters(), e);
        }
        awaitStable(() -> bot.sendMessagesTo(chatId).size(), Duration.ofSeconds(1));
        List<BotApiCall> calls = bot.sendMessagesTo(chatId);
        assertThat(calls).as("sendMessage calls to chat " + chatId).hasSize(count);
        return calls;
    }

    /** Waits until {@code count} has not changed for {@code quiet} (at most 30 s): a quiet-period check. */
    private static void awaitStable(IntSupplier count, Duration quiet) {
        AtomicLong last = new AtomicLong(-1);
        AtomicLong changedAt = new AtomicLong(System.nanoTime());
        Poll.until(Duration.ofSeconds(30), "the count stays the same for " + quiet, () -> {
            long now = count.getAsInt();
            if (now != last.getAndSet(now)) {
                changedAt.set(System.nanoTime());
            }
            return System.nanoTime() - changedAt.get() >= quiet.toNanos();
        });
    }

    private List<JsonNode> deadLettersOf(String conversationId) {
        return StreamSupport.stream(deadLetters().spliterator(), false)
                .filter(d -> conversationId.equals(Json.text(d, "/conversationId"))).toList();
    }

    private List<JsonNode> awaitDeadLetters(String conversationId, int count) {
        try {
            Poll.until(ARRIVAL, count + " dead letter(s) for conversation " + conversationId,
                    () -> deadLettersOf(conversationId).size() >= count);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; dead letters: " + deadLetters() + "; sendMessage calls: "
                    + bot.calls("sendMessage").stream().map(c -> c.params() + " -> " + c.status()).toList(), e);
        }
        List<JsonNode> letters = new ArrayList<>(deadLettersOf(conversationId));
        letters.sort((a, b) -> Long.compare(a.path("id").asLong(), b.path("id").asLong()));
        return letters;
    }

    private String adminBody(String path) {
        HttpResponse<String> response = hub.http().admin("GET", path);
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
        return response.body();
    }

    /** Checks an attachment of a desk event against the bytes the fake served, and the hub's stored copy. */
    private void assertAttachment(JsonNode attachment, String mediaType, byte[] served) {
        String sha256 = sha256(served);
        assertThat(Json.text(attachment, "/mediaType")).as(attachment.toString()).isEqualTo(mediaType);
        assertThat(attachment.path("size").asLong()).as(attachment.toString()).isEqualTo(served.length);
        assertThat(Json.text(attachment, "/sha256")).as(attachment.toString()).isEqualTo(sha256);
        assertThat(Json.text(attachment, "/fileName")).as(attachment.toString()).isNotBlank()
                .doesNotContain("/", "\\", "..");
        HttpResponse<byte[]> stored = attachmentBytes(sha256);
        assertThat(stored.statusCode()).as("GET /api/attachments/" + sha256).isEqualTo(200);
        assertThat(stored.body()).as("stored bytes of " + attachment).isEqualTo(served);
    }

    /** {@code GET /api/attachments/<sha256>} as bytes (HubHttp reads bodies as text). */
    private HttpResponse<byte[]> attachmentBytes(String sha256) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/attachments/" + sha256))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + HubProcess.ADMIN_TOKEN).GET().build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(List<BotApiCall> calls, String method) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).method().equals(method)) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfServed(List<BotApiCall> polls, long updateId) {
        for (int i = 0; i < polls.size(); i++) {
            if (polls.get(i).status() == 200 && polls.get(i).servedUpdateIds().contains(updateId)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> methods(List<BotApiCall> calls) {
        return calls.stream().map(BotApiCall::method).distinct().toList();
    }

    private static void assertRefused(HttpResponse<String> response, String why) {
        assertThat(response.statusCode()).as(why + ": " + describe(response)).isEqualTo(403);
        assertThat(Json.parse(response.body()).path("error").asText()).as(why + ": " + describe(response)).isNotBlank();
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isBetween(200, 299);
    }

    /** A small real JPEG, different on every run. */
    private static byte[] jpeg() {
        BufferedImage image = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
        int colour = ThreadLocalRandom.current().nextInt(0xFFFFFF);
        for (int x = 0; x < 16; x++) {
            for (int y = 0; y < 12; y++) {
                image.setRGB(x, y, (x / 4 + y / 4) % 2 == 0 ? colour : 0xFFFFFF - colour);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpg", out)) {
                throw new IllegalStateException("no JPEG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A minimal one-page PDF with {@code text} and a random comment, so every run stores new bytes. */
    private static byte[] pdf(String text) {
        String pdf = "%PDF-1.4\n% " + ThreadLocalRandom.current().nextLong() + "\n"
                + "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                + "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                + "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >> endobj\n"
                + "4 0 obj << /Length 35 >> stream\nBT /F1 12 Tf 10 50 Td (" + text + ") Tj ET\nendstream endobj\n"
                + "trailer << /Root 1 0 R >>\n%%EOF\n";
        return pdf.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
