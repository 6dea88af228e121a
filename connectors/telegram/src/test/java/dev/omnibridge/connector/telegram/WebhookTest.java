package dev.omnibridge.connector.telegram;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Message;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.telegram.Fixtures.SECRET;
import static dev.omnibridge.connector.telegram.Fixtures.hook;
import static dev.omnibridge.connector.telegram.Fixtures.path;
import static dev.omnibridge.connector.telegram.Fixtures.textUpdate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private TelegramConnector connector;
    private FakeConnectorContext ctx;

    @BeforeEach
    void start() throws Exception {
        Fixtures.ok(wm, "setWebhook", "true");
        ctx = Fixtures.context(Fixtures.settings(wm, "webhook"));
        connector = new TelegramConnector();
        connector.start(ctx);
    }

    @AfterEach
    void stop() throws Exception {
        connector.stop();
    }

    @Test
    void registersTheWebhookWithTheSecretToken() {
        wm.verify(postRequestedFor(urlEqualTo(path("setWebhook")))
                .withRequestBody(matchingJsonPath("$.url", equalTo("https://hub.example.com/hooks/tg")))
                .withRequestBody(matchingJsonPath("$.secret_token", equalTo(SECRET)))
                .withRequestBody(matchingJsonPath("$.drop_pending_updates", equalTo("false")))
                .withRequestBody(matchingJsonPath("$.allowed_updates[0]", equalTo("message")))
                .withRequestBody(matchingJsonPath("$.allowed_updates[1]", equalTo("edited_message"))));
    }

    @Test
    void rightSecretStoresTheMessage() {
        WebhookOutcome outcome = connector.onWebhook(hook(textUpdate(500, 7, "Hi there"), SECRET));
        assertThat(outcome.response().status()).isEqualTo(200);
        assertThat(outcome.inbound().messages()).singleElement().satisfies(m -> {
            assertThat(m.channelMessageId()).isEqualTo("42:7");
            assertThat(m.text()).isEqualTo("Hi there");
        });
        assertThat(outcome.inbound().offsets()).isEmpty();
    }

    @Test
    void wrongSecretIsRejectedWith403WithoutNamingTheSecret() {
        assertThatThrownBy(() -> connector.onWebhook(hook(textUpdate(500, 7, "Hi"), SECRET + "x")))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("does not match").doesNotContain(SECRET);
                });
        assertThat(ctx.submissions()).isEmpty();
    }

    @Test
    void missingSecretIsRejectedWith403() {
        assertThatThrownBy(() -> connector.onWebhook(hook(textUpdate(500, 7, "Hi"), null)))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("missing X-Telegram-Bot-Api-Secret-Token");
                });
    }

    @Test
    void otherUpdateTypesStoreNothing() {
        WebhookOutcome outcome = connector.onWebhook(hook("{\"update_id\":9,\"inline_query\":{\"id\":\"1\"}}",
                SECRET));
        assertThat(outcome.inbound().isEmpty()).isTrue();
        assertThat(outcome.response().status()).isEqualTo(200);
    }

    @Test
    void malformedBodyIs400() {
        assertThatThrownBy(() -> connector.onWebhook(hook("{not json", SECRET)))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void webhookModeNeedsASecret() {
        Map<String, Object> s = Fixtures.settings(wm, "webhook");
        s.remove("webhookSecret");
        assertThatThrownBy(() -> new TelegramConnector().start(Fixtures.context(s)))
                .hasMessageContaining("webhookSecret");
    }

    @Test
    void invalidSettingsAreReported() {
        Map<String, Object> s = Fixtures.settings(wm, "webhook");
        s.put("botToken", "not-a-token");
        s.put("webhookSecret", "spaces are not allowed");
        assertThatThrownBy(() -> Fixtures.context(s)).hasMessageContaining("botToken")
                .hasMessageContaining("webhookSecret").hasMessageNotContaining("not-a-token");
    }

    static Message single(WebhookOutcome outcome) {
        assertThat(outcome.inbound().messages()).hasSize(1);
        return outcome.inbound().messages().get(0);
    }
}
