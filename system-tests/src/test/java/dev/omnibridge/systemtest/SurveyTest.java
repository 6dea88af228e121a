package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.TelegramBotApiFake;
import dev.omnibridge.systemtest.support.TelegramUpdates.TgUser;
import dev.omnibridge.systemtest.support.TwilioApiFake;
import dev.omnibridge.systemtest.support.TwilioHubClient;
import dev.omnibridge.systemtest.support.TwilioWebhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static dev.omnibridge.systemtest.support.TelegramUpdates.messageUpdate;
import static dev.omnibridge.systemtest.support.TelegramUpdates.textMessage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Satisfaction surveys (issue 21) on webchat, Telegram and SMS (Twilio), one hub for all three: a conversation the
 * desk resolves (twice) gets exactly one survey on its own channel a second later; the customer's rating reaches the
 * desk as an internal note tagged {@code csat-N} with the rating in its metadata, and is not forwarded as a message;
 * an answer that is no rating reaches the desk as the normal customer message it is.
 */
class SurveyTest extends SystemTestBase {
    private static final String CHAT = "chat";
    private static final String TG = "tg";
    private static final String SMS = "sms";
    private static final String CHAT_SECRET = "webchat-token-secret-for-survey-tests-0123456789";
    private static final String TG_TOKEN = "123456789:AAH-survey-token-ZZZ";
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99";
    private static final String BUSINESS_NUMBER = "+14155550100";
    /** The built-in English question (its options may be buttons or numbered lines under it, per channel). */
    private static final String QUESTION = "How satisfied are you with the help you received?";

    private TelegramBotApiFake bot;
    private TwilioApiFake twilio;
    private TwilioHubClient twilioHooks;

    @Override
    protected HubProcess startHub() {
        bot = TelegramBotApiFake.start(TG_TOKEN);
        twilio = TwilioApiFake.start(ACCOUNT_SID);
        HubProcess started = startHubWith("webchat", "telegram", "twilio");
        twilioHooks = new TwilioHubClient(started);
        return started;
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> polling = new LinkedHashMap<>();
        polling.put("botToken", TG_TOKEN);
        polling.put("mode", "polling");
        polling.put("apiBaseUrl", bot.baseUrl());
        polling.put("pollTimeout", "1s");
        polling.put("timeout", "5s");
        return standardConfig()
                .instance(CHAT, "webchat", Map.of("tokenSecret", CHAT_SECRET)).route(CHAT, DESK)
                .instance(TG, "telegram", polling).route(TG, DESK)
                .instance(SMS, "twilio-sms", twilio.smsSettings(ACCOUNT_SID, AUTH_TOKEN)).route(SMS, DESK)
                .section("surveys", """
                          csat:
                            enabled: true
                            delay: 1s
                            commentWindow: 1h
                        """);
    }

    @BeforeAll
    void channelsAreRunning() {
        awaitRunning(CHAT, TG, SMS);
    }

    @AfterAll
    void stopFakes() {
        if (bot != null) {
            bot.close();
        }
        if (twilio != null) {
            twilio.close();
        }
    }

    @Test
    void aResolvedWebchatConversationGetsOneSurveyAndTheRatingAndCommentReachTheDesk() {
        logScan.texts("Where is my parcel, please?", "Quick and friendly, thank you");
        String token = hub.http().widgetSession(CHAT, "{\"name\":\"Sally Survey\"}");
        chat(token, "sally-0001", "Where is my parcel, please?");
        String conversation = conversationNamed("Sally");
        resolveTwice(conversation);

        Poll.until(Duration.ofSeconds(20), "the survey is in the chat", () -> surveysInChat(token) == 1);
        chat(token, "sally-0002", "5");
        ReceivedRequest rating = awaitNote(conversation, "csat-5");
        assertThat(rating.text("/message/text")).startsWith("Customer satisfaction: 5/5");
        assertThat(rating.text("/message/metadata/omnibridge.survey.rating")).isEqualTo("5");
        assertThat(rating.text("/message/metadata/omnibridge.survey.kind")).isEqualTo("csat");

        chat(token, "sally-0003", "Quick and friendly, thank you");
        ReceivedRequest comment = awaitNote(conversation, "survey", "omnibridge.survey.comment");
        assertThat(comment.text("/message/metadata/omnibridge.survey.comment"))
                .isEqualTo("Quick and friendly, thank you");
        assertThat(customerMessagesAtDesk(conversation)).as("the rating and comment are notes, not messages")
                .containsExactly("Where is my parcel, please?");
        assertThat(surveysInChat(token)).isEqualTo(1);
    }

    @Test
    void aResolvedTelegramChatGetsOneSurveyAndAnAnswerThatIsNoRatingIsANormalMessage() {
        logScan.texts("My order 4711 never arrived", "Also, the box was damaged");
        TgUser tom = new TgUser(5_190_000_021L, "Tom", "Rate", "tomrate");
        bot.enqueue(messageUpdate(890_001, textMessage(201, tom, Instant.now(), "My order 4711 never arrived")));
        String conversation = awaitConversationOf(TG, String.valueOf(tom.id()), Duration.ofSeconds(20));
        resolveTwice(conversation);

        Poll.until(Duration.ofSeconds(20), "the survey reaches the Bot API", () -> surveysTo(tom.id()) == 1);
        bot.enqueue(messageUpdate(890_002, textMessage(202, tom, Instant.now(), "Also, the box was damaged")));
        Poll.until(Duration.ofSeconds(20), "the answer that is no rating reaches the desk as a message",
                () -> customerMessagesAtDesk(conversation).contains("Also, the box was damaged"));

        bot.enqueue(messageUpdate(890_003, textMessage(203, tom, Instant.now(), "👍")));
        ReceivedRequest rating = awaitNote(conversation, "csat-4");
        assertThat(rating.text("/message/metadata/omnibridge.survey.rating")).isEqualTo("4");
        assertThat(customerMessagesAtDesk(conversation)).doesNotContain("👍");
        assertThat(surveysTo(tom.id())).isEqualTo(1);
    }

    @Test
    void aResolvedSmsConversationGetsOneSurveyFromTheBusinessNumberAndItsRatingReachesTheDesk() {
        String customer = "+14155557021";
        logScan.addresses(customer);
        assertThat(sms(customer, "My refund is late").statusCode()).isEqualTo(200);
        String conversation = awaitConversationOf(SMS, customer, Duration.ofSeconds(20));
        resolveTwice(conversation);

        Poll.until(Duration.ofSeconds(20), "the survey reaches Twilio", () -> surveysBySms(customer).size() == 1);
        assertThat(surveysBySms(customer).get(0).param("From")).isEqualTo(BUSINESS_NUMBER);
        assertThat(sms(customer, "4/5").statusCode()).isEqualTo(200);
        ReceivedRequest rating = awaitNote(conversation, "csat-4");
        assertThat(rating.body().at("/message/tags").toString()).contains("\"csat\"", "\"survey\"");
        // The comment question follows the rating; the survey itself went out once.
        Poll.until(Duration.ofSeconds(20), "the comment question reaches Twilio",
                () -> twilio.messageCallsTo(customer).size() == 2);
        assertThat(surveysBySms(customer)).hasSize(1);
    }

    // The desk resolves the ticket twice (a repeated webhook, a second "solved"): still one survey.
    private void resolveTwice(String conversation) {
        awaitDeskDeliveriesDone(conversation);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = postDeskReply("{\"ticketRef\":\"T-" + conversation + "\",\"status\":\"RESOLVED\"}");
            assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
        }
    }

    private void chat(String token, String clientId, String text) {
        HttpResponse<String> r = hub.http().widget(CHAT, "POST", "messages", token,
                "{\"clientId\":\"" + clientId + "\",\"text\":" + Json.write(text) + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private String conversationNamed(String name) {
        String[] id = new String[1];
        Poll.until(Duration.ofSeconds(20), "the conversation of " + name, () -> {
            for (JsonNode c : hub.http().adminJson("/api/conversations?q=" + name).path("conversations")) {
                id[0] = c.path("id").asText();
            }
            return id[0] != null;
        });
        return id[0];
    }

    private long surveysInChat(String token) {
        JsonNode history = Json.parse(hub.http().widget(CHAT, "GET", "messages", token, null).body());
        return StreamSupport.stream(history.path("messages").spliterator(), false)
                .filter(m -> "bot".equals(m.path("from").asText()))
                .filter(m -> m.path("text").asText().startsWith(QUESTION)).count();
    }

    private long surveysTo(long chatId) {
        return bot.sendMessagesTo(chatId).stream().filter(c -> c.param("text") != null
                && c.param("text").startsWith(QUESTION)).count();
    }

    private List<TwilioApiFake.ApiCall> surveysBySms(String customer) {
        return twilio.messageCallsTo(customer).stream().filter(c -> c.param("Body") != null
                && c.param("Body").startsWith(QUESTION)).toList();
    }

    private HttpResponse<String> sms(String from, String body) {
        return twilioHooks.postSigned("/hooks/" + SMS, AUTH_TOKEN, twilioHooks.defaultWebhookUrl(SMS),
                TwilioWebhooks.inboundSms(TwilioWebhooks.sid("SM"), ACCOUNT_SID, from, BUSINESS_NUMBER, body));
    }

    /** The texts of the customer messages the desk accepted for the conversation, in order. */
    private List<String> customerMessagesAtDesk(String conversation) {
        return deskRequests().stream().filter(r -> conversation.equals(r.conversationId()))
                .filter(r -> r.event().getResponse().getStatus() / 100 == 2)
                .filter(r -> "INBOUND".equals(r.text("/message/direction")))
                .map(r -> r.text("/message/text")).toList();
    }

    /** Waits for the desk's internal note of the conversation carrying {@code tag} (and the metadata key). */
    private ReceivedRequest awaitNote(String conversation, String tag, String... metadataKeys) {
        ReceivedRequest[] found = new ReceivedRequest[1];
        Poll.until(Duration.ofSeconds(20), "a note tagged " + tag + " at the desk", () -> {
            for (ReceivedRequest r : deskRequests()) {
                if (conversation.equals(r.conversationId()) && "INTERNAL".equals(r.text("/message/direction"))
                        && r.body().at("/message/tags").toString().contains("\"" + tag + "\"")
                        && java.util.Arrays.stream(metadataKeys).allMatch(k -> r.body().at("/message/metadata")
                        .has(k))) {
                    found[0] = r;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
