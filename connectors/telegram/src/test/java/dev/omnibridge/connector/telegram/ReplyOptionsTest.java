package dev.omnibridge.connector.telegram;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Choice;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.webhook.WebhookOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.telegram.Fixtures.SECRET;
import static dev.omnibridge.connector.telegram.Fixtures.await;
import static dev.omnibridge.connector.telegram.Fixtures.hook;
import static dev.omnibridge.connector.telegram.Fixtures.okJson;
import static dev.omnibridge.connector.telegram.Fixtures.path;
import static dev.omnibridge.connector.telegram.Fixtures.updates;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reply options as an inline keyboard (sendMessage's reply_markup) and a press on one (a callback_query update) as a
 * customer message with {@link Choices#CHOSEN}; payloads shaped from https://core.telegram.org/bots/api
 * (InlineKeyboardMarkup, InlineKeyboardButton, CallbackQuery, answerCallbackQuery, editMessageReplyMarkup).
 */
class ReplyOptionsTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ChannelRef CHANNEL = new ChannelRef("telegram", "tg");
    private TelegramConnector connector;

    @AfterEach
    void stop() throws Exception {
        if (connector != null) {
            connector.stop();
        }
    }

    private FakeConnectorContext start(String mode) throws Exception {
        Fixtures.ok(wm, "setWebhook", "true");
        Fixtures.ok(wm, "deleteWebhook", "true");
        Fixtures.ok(wm, "answerCallbackQuery", "true");
        Fixtures.ok(wm, "editMessageReplyMarkup", "{\"message_id\":77,\"chat\":{\"id\":42,\"type\":\"private\"},"
                + "\"date\":1735689999,\"text\":\"Did this answer your question?\"}");
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).atPriority(10).willReturn(okJson(updates())));
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, mode));
        connector = new TelegramConnector(Duration.ofMillis(50));
        connector.start(ctx);
        return ctx;
    }

    private static OutboundMessage offering(String text, List<Choice> choices) {
        Message m = Message.builder().direction(Direction.OUTBOUND).channel(CHANNEL).channelMessageId("out-1")
                .threadKey("42").author(new Author(Role.BOT, "Omnibridge", null)).text(text)
                .metadata(Choices.offer(Map.of(), choices)).build();
        Conversation c = new Conversation("conv-1", CHANNEL, "42", "contact-1", Address.chatUser("42"),
                ConversationStatus.OPEN, Map.of(), Instant.now());
        return new OutboundMessage(m, c, "idem-" + text.hashCode());
    }

    private static final String SENT = "{\"ok\":true,\"result\":{\"message_id\":77,\"chat\":{\"id\":42,"
            + "\"type\":\"private\"},\"date\":1735689999,\"text\":\"x\"}}";

    @Test
    void optionsAreAnInlineKeyboardWhoseButtonsSendTheChoiceIdBack() throws Exception {
        start("webhook");
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(okJson(SENT)));
        assertThat(connector.capabilities().maxButtons()).isEqualTo(10);

        connector.send(offering("Did this answer your question?", List.of(new Choice("yes", "Yes"),
                new Choice("no", "No"))));
        connector.send(offering("Which order?", List.of(new Choice("o-1", "Order 1001 (blue shoes)"),
                new Choice("o-2", "Order 1002 (red scarf)"))));

        wm.verify(postRequestedFor(urlEqualTo(path("sendMessage"))).withRequestBody(equalToJson(
                "{\"chat_id\":42,\"text\":\"Did this answer your question?\",\"reply_markup\":{\"inline_keyboard\":"
                        + "[[{\"text\":\"Yes\",\"callback_data\":\"yes\"},{\"text\":\"No\",\"callback_data\":\"no\"}]]}}")));
        // Long labels get a row each.
        wm.verify(postRequestedFor(urlEqualTo(path("sendMessage"))).withRequestBody(equalToJson(
                "{\"chat_id\":42,\"text\":\"Which order?\",\"reply_markup\":{\"inline_keyboard\":"
                        + "[[{\"text\":\"Order 1001 (blue shoes)\",\"callback_data\":\"o-1\"}],"
                        + "[{\"text\":\"Order 1002 (red scarf)\",\"callback_data\":\"o-2\"}]]}}")));
    }

    @Test
    void anIdLongerThanCallbackDataTakesIsSentAsNumberedText() throws Exception {
        start("webhook");
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(okJson(SENT)));
        String longId = "x".repeat(65);
        connector.send(offering("Pick one", List.of(new Choice(longId, "First"), new Choice("b", "Second"))));
        wm.verify(postRequestedFor(urlEqualTo(path("sendMessage"))).withRequestBody(notContaining("reply_markup"))
                .withRequestBody(matchingJsonPath("$.text", equalTo("Pick one\n\n1. First\n2. Second"))));
    }

    /** A CallbackQuery from Ann (user 42) on the bot's message 77 that carried a yes/no keyboard. */
    private static String press(long updateId, String queryId, String data, String keyboardMessage) {
        return "{\"update_id\":" + updateId + ",\"callback_query\":{\"id\":\"" + queryId + "\",\"from\":"
                + Fixtures.user(42, "Ann", "Lee", "annlee") + ",\"message\":" + keyboardMessage
                + ",\"chat_instance\":\"-7190001234567890123\",\"data\":\"" + data + "\"}}";
    }

    private static final String WITH_KEYBOARD = "{\"message_id\":77,\"from\":{\"id\":999,\"is_bot\":true,"
            + "\"first_name\":\"Support\",\"username\":\"acme_support_bot\"},\"chat\":" + Fixtures.privateChat(42)
            + ",\"date\":1735689999,\"text\":\"Did this answer your question?\",\"reply_markup\":{\"inline_keyboard\":"
            + "[[{\"text\":\"Yes\",\"callback_data\":\"yes\"},{\"text\":\"No\",\"callback_data\":\"no\"}]]}}";

    @Test
    void aPressIsACustomerMessageWithTheChoiceAndTheQueryIsAnsweredAndTheKeyboardRemoved() throws Exception {
        start("webhook");
        WebhookOutcome outcome = connector.onWebhook(hook(press(600, "4382bfdwdsb323b2d9", "no", WITH_KEYBOARD),
                SECRET));

        Message pick = outcome.inbound().messages().get(0);
        assertThat(pick.text()).isEqualTo("No");
        assertThat(pick.metadata()).containsEntry(Choices.CHOSEN, "no");
        assertThat(pick.threadKey()).isEqualTo("42");
        assertThat(pick.author().address()).isEqualTo(Address.chatUser("42"));
        assertThat(pick.author().displayName()).isEqualTo("Ann Lee");
        assertThat(pick.replyTo()).isEqualTo("42:77");
        assertThat(pick.channelMessageId()).isEqualTo("callback:4382bfdwdsb323b2d9");
        // The Bot API runs the method named in the webhook's response: the query is answered once stored.
        assertThat(outcome.response().status()).isEqualTo(200);
        assertThat(new String(outcome.response().body(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"method\":\"answerCallbackQuery\",\"callback_query_id\":\"4382bfdwdsb323b2d9\"}");
        await(() -> !wm.findAll(postRequestedFor(urlEqualTo(path("editMessageReplyMarkup")))).isEmpty(),
                "keyboard removed");
        wm.verify(postRequestedFor(urlEqualTo(path("editMessageReplyMarkup")))
                .withRequestBody(equalToJson("{\"chat_id\":42,\"message_id\":77}")));
    }

    @Test
    void dataTheMessageDidNotOfferIsNotAPickButTheQueryIsStillAnswered() throws Exception {
        start("webhook");
        WebhookOutcome forged = connector.onWebhook(hook(press(601, "q-forged", "drop-table", WITH_KEYBOARD),
                SECRET));
        assertThat(forged.inbound().messages()).isEmpty();
        assertThat(forged.inbound().skipped()).singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("did not offer"));
        assertThat(new String(forged.response().body(), StandardCharsets.UTF_8)).contains("q-forged");

        // Too old for Telegram to include it: an InaccessibleMessage (date 0), so only the id's shape is checked.
        String old = "{\"message_id\":70,\"chat\":" + Fixtures.privateChat(42) + ",\"date\":0}";
        assertThat(connector.onWebhook(hook(press(602, "q-old", "4", old), SECRET)).inbound().messages())
                .singleElement().satisfies(m -> assertThat(m.metadata()).containsEntry(Choices.CHOSEN, "4"));
        assertThat(connector.onWebhook(hook(press(603, "q-odd", "<script>", old), SECRET)).inbound().messages())
                .isEmpty();
    }

    @Test
    void pollingAsksForCallbackQueriesAndAnswersAPressOnceStored() throws Exception {
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).atPriority(1).withRequestBody(notContaining("\"offset\""))
                .willReturn(okJson(updates(press(700, "q-poll", "yes", WITH_KEYBOARD)))));
        FakeConnectorContext ctx = start("polling");

        await(() -> !wm.findAll(postRequestedFor(urlEqualTo(path("answerCallbackQuery")))).isEmpty(), "answer");
        assertThat(ctx.messages()).singleElement().satisfies(m -> {
            assertThat(m.text()).isEqualTo("Yes");
            assertThat(m.metadata()).containsEntry(Choices.CHOSEN, "yes");
        });
        wm.verify(postRequestedFor(urlEqualTo(path("answerCallbackQuery")))
                .withRequestBody(equalToJson("{\"callback_query_id\":\"q-poll\"}")));
        wm.verify(postRequestedFor(urlEqualTo(path("getUpdates")))
                .withRequestBody(matchingJsonPath("$.allowed_updates[2]", equalTo("callback_query"))));
    }
}
