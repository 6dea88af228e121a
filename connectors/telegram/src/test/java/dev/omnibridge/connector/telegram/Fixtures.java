package dev.omnibridge.connector.telegram;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.webhook.WebhookRequest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/** Bot API payloads shaped from https://core.telegram.org/bots/api and a connector wired to WireMock. */
final class Fixtures {
    static final String TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    static final String SECRET = "s3cret-Token_for-webhooks";

    private Fixtures() {
    }

    static String path(String method) {
        return "/bot" + TOKEN + "/" + method;
    }

    static Map<String, Object> settings(WireMockExtension wm, String mode) {
        Map<String, Object> s = new HashMap<>();
        s.put("botToken", TOKEN);
        s.put("apiBaseUrl", wm.baseUrl());
        s.put("mode", mode);
        s.put("pollTimeout", "0s");
        s.put("timeout", "3s");
        if (mode.equals("webhook")) {
            s.put("webhookSecret", SECRET);
            s.put("webhookUrl", "https://hub.example.com/hooks/tg");
        }
        return s;
    }

    static FakeConnectorContext context(Map<String, Object> settings) {
        return new FakeConnectorContext("tg", new TelegramType().config(), settings);
    }

    static void ok(WireMockExtension wm, String method, String resultJson) {
        wm.stubFor(post(urlEqualTo(path(method))).willReturn(okJson("{\"ok\":true,\"result\":" + resultJson + "}")));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(json);
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error(int code, String description,
                                                                                 Integer retryAfter) {
        return aResponse().withStatus(code).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":false,\"error_code\":" + code + ",\"description\":\"" + description + "\""
                        + (retryAfter == null ? "" : ",\"parameters\":{\"retry_after\":" + retryAfter + "}") + "}");
    }

    static String user(long id, String first, String last, String username) {
        return "{\"id\":" + id + ",\"is_bot\":false,\"first_name\":\"" + first + "\""
                + (last == null ? "" : ",\"last_name\":\"" + last + "\"")
                + (username == null ? "" : ",\"username\":\"" + username + "\"") + ",\"language_code\":\"en\"}";
    }

    static String privateChat(long id) {
        return "{\"id\":" + id + ",\"first_name\":\"Ann\",\"last_name\":\"Lee\",\"username\":\"annlee\","
                + "\"type\":\"private\"}";
    }

    /** A private-chat message from Ann Lee (user 42) with the given extra Message fields. */
    static String message(long messageId, String extraFields) {
        return "{\"message_id\":" + messageId + ",\"from\":" + user(42, "Ann", "Lee", "annlee") + ",\"chat\":"
                + privateChat(42) + ",\"date\":1735689600" + (extraFields.isEmpty() ? "" : "," + extraFields) + "}";
    }

    static String update(long updateId, String message) {
        return "{\"update_id\":" + updateId + ",\"message\":" + message + "}";
    }

    static String textUpdate(long updateId, long messageId, String text) {
        return update(updateId, message(messageId, "\"text\":\"" + text + "\""));
    }

    static String updates(String... updates) {
        return "{\"ok\":true,\"result\":[" + String.join(",", updates) + "]}";
    }

    static WebhookRequest hook(String body, String secret) {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("Content-Type", List.of("application/json"));
        if (secret != null) {
            headers.put("X-Telegram-Bot-Api-Secret-Token", List.of(secret));
        }
        return TestWebhooks.request("tg", "POST", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
