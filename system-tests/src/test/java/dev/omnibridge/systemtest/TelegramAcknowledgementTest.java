package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.TelegramBotApiFake;
import dev.omnibridge.systemtest.support.TelegramBotApiFake.BotApiCall;
import dev.omnibridge.systemtest.support.TelegramUpdates.TgUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.omnibridge.systemtest.support.TelegramUpdates.messageUpdate;
import static dev.omnibridge.systemtest.support.TelegramUpdates.textMessage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledgements on Telegram (long polling against a Bot API fake): the first message of a chat gets one
 * sendMessage with the placeholders filled, the next within the quiet period none.
 */
class TelegramAcknowledgementTest extends SystemTestBase {
    private static final String TG = "tg";
    private static final String TOKEN = "123456789:AAH-test-token-ZZZ";

    private TelegramBotApiFake bot;

    @Override
    protected HubProcess startHub() {
        bot = TelegramBotApiFake.start(TOKEN);
        return startHubWith("telegram");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> polling = new LinkedHashMap<>();
        polling.put("botToken", TOKEN);
        polling.put("mode", "polling");
        polling.put("apiBaseUrl", bot.baseUrl());
        polling.put("pollTimeout", "1s");
        polling.put("timeout", "5s");
        return standardConfig().instance(TG, "telegram", polling).route(TG, DESK)
                .acknowledgements("enabled", true)
                .acknowledgementTemplate("en", "Hi {firstName:there}! Ref {reference} on {channel}.",
                        "Closed now; ref {reference}.");
    }

    @BeforeAll
    void telegramIsRunning() {
        awaitRunning(TG);
    }

    @AfterAll
    void stopBotFake() {
        if (bot != null) {
            bot.close();
        }
    }

    private List<BotApiCall> sendsTo(long chatId) {
        return bot.calls("sendMessage").stream().filter(c -> String.valueOf(chatId).equals(c.param("chat_id")))
                .toList();
    }

    @Test
    void theFirstMessageOfAChatGetsOneAcknowledgementAndTheNextNone() {
        TgUser ann = new TgUser(5_190_000_001L, "Ann", "Lee", "annlee");
        bot.enqueue(messageUpdate(880_001, textMessage(101, ann, Instant.now(), "My order 4711 never arrived")));

        Poll.until(Duration.ofSeconds(20), "the acknowledgement reaches the Bot API", () -> sendsTo(ann.id()).size() == 1);
        String conversation = awaitConversationOf(TG, String.valueOf(ann.id()), Duration.ofSeconds(10));
        String hex = conversation.replace("-", "");
        assertThat(sendsTo(ann.id()).get(0).param("text")).isEqualTo("Hi Ann! Ref "
                + hex.substring(hex.length() - 8).toUpperCase(Locale.ROOT) + " on Telegram.");

        bot.enqueue(messageUpdate(880_002, textMessage(102, ann, Instant.now(), "Hello?")));
        awaitDeskAccepted(String.valueOf(ann.id()), 3, Duration.ofSeconds(20));
        awaitQuiet(desk, Duration.ofSeconds(2));
        assertThat(sendsTo(ann.id())).hasSize(1);
    }
}
