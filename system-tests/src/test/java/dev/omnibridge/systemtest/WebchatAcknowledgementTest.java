package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledgements on the webchat (HTTP, as the widget's polling fallback calls it): the visitor's first message
 * gets one answer from the bot in the chat, with the placeholders filled and its delivery through the chat done;
 * the next message none.
 */
class WebchatAcknowledgementTest extends SystemTestBase {
    private static final String CHAT = "chat";
    private static final String TOKEN_SECRET = "webchat-token-secret-for-ack-tests-0123456789ab";

    @Override
    protected HubProcess startHub() {
        return startHubWith("webchat");
    }

    @Override
    protected HubConfig config() {
        return standardConfig().instance(CHAT, "webchat", Map.of("tokenSecret", TOKEN_SECRET)).route(CHAT, DESK)
                .acknowledgements("enabled", true)
                .acknowledgementTemplate("en", "Hi {firstName:there}, an agent joins shortly (ref {reference}).",
                        "We are offline; ref {reference}.");
    }

    @BeforeAll
    void chatIsRunning() {
        awaitRunning(CHAT);
    }

    private void message(String token, String clientId, String text) {
        HttpResponse<String> r = hub.http().widget(CHAT, "POST", "messages", token,
                "{\"clientId\":\"" + clientId + "\",\"text\":\"" + text + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** What the widget shows from the bot. */
    private List<JsonNode> botMessages(String token) {
        JsonNode history = Json.parse(hub.http().widget(CHAT, "GET", "messages", token, null).body());
        return StreamSupport.stream(history.path("messages").spliterator(), false)
                .filter(m -> "bot".equals(m.path("from").asText())).toList();
    }

    @Test
    void theVisitorsFirstMessageGetsOneAnswerFromTheBotAndTheNextNone() {
        String token = hub.http().widgetSession(CHAT, "{\"name\":\"Wanda Visitor\"}");
        message(token, "wanda-0001", "Do you ship to Norway?");

        Poll.until(Duration.ofSeconds(20), "the acknowledgement is in the chat", () -> botMessages(token).size() == 1);
        String conversation = null;
        for (JsonNode c : hub.http().adminJson("/api/conversations?q=Wanda").path("conversations")) {
            conversation = c.path("id").asText();
        }
        assertThat(conversation).isNotNull();
        String hex = conversation.replace("-", "");
        assertThat(botMessages(token).get(0).path("text").asText()).isEqualTo("Hi Wanda, an agent joins shortly (ref "
                + hex.substring(hex.length() - 8).toUpperCase(Locale.ROOT) + ").");
        String id = conversation;
        Poll.until(Duration.ofSeconds(20), "the acknowledgement's delivery through the chat is done", () -> {
            for (JsonNode view : hub.http().adminJson("/api/messages?limit=100&conversationId=" + id).path("messages")) {
                for (JsonNode d : view.path("deliveries")) {
                    if ("CHANNEL".equals(d.path("kind").asText()) && "DONE".equals(d.path("status").asText())) {
                        return true;
                    }
                }
            }
            return false;
        });

        message(token, "wanda-0002", "Hello?");
        awaitDeskAcceptedFor(id, 3);
        assertThat(botMessages(token)).hasSize(1);
    }

    private void awaitDeskAcceptedFor(String conversationId, int count) {
        Poll.until(Duration.ofSeconds(20), count + " desk events of " + conversationId, () -> deskRequests().stream()
                .filter(r -> conversationId.equals(r.conversationId()) && r.event().getResponse().getStatus() / 100 == 2)
                .count() >= count);
        awaitQuiet(desk, Duration.ofSeconds(2));
    }
}
