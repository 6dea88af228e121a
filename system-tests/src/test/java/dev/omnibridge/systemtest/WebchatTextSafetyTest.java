package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text that disguises itself with bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and friends) reaches neither
 * the desk nor the operator console: the hub removes them where text enters it. HTTP only, as the widget calls it.
 */
class WebchatTextSafetyTest extends SystemTestBase {
    private static final String CHAT = "chat";
    private static final String INBOX = "inbox";
    private static final String TOKEN_SECRET = "webchat-token-secret-for-text-safety-0123456789";
    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    @Override
    protected HubProcess startHub() {
        return startHubWith("webchat");
    }

    @Override
    protected HubConfig config() {
        return standardConfig()
                .instance(CHAT, "webchat", Map.of("tokenSecret", TOKEN_SECRET))
                .instance(INBOX, "console-inbox", Map.of())
                .route(CHAT, DESK, INBOX);
    }

    @BeforeAll
    void instancesRun() {
        awaitRunning(CHAT, INBOX, DESK);
    }

    @Test
    void aRightToLeftOverrideInAChatMessageReachesTheDeskAndTheConsoleNeutralised() {
        String token = session("{\"name\":\"Eve \\u202Enimda\"}");
        // JSON escapes, so no control character sits in this source. Shown as sent, the override turns "fdp.exe" into
        // "exe.pdf"; the other controls reorder or isolate what follows them.
        String disguised = "Refund to \\u202Efdp.exe\\u202C now, \\u2067isolated\\u2069 \\u202Dleft\\u202A!";
        HttpResponse<String> sent = visitor("messages", token,
                "{\"clientId\":\"bidi-0001\",\"text\":\"" + disguised + "\"}");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        String clean = "Refund to fdp.exe now, isolated left!";

        Poll.until(ARRIVAL, "the desk has the chat message", () -> deskMessage().isPresent());
        ReceivedRequest atDesk = deskMessage().orElseThrow();
        assertThat(atDesk.text("/message/text")).isEqualTo(clean);
        assertThat(atDesk.text("/message/author/displayName")).isEqualTo("Eve nimda");

        JsonNode conversation = hub.http().adminJson("/api/conversations").path("conversations").get(0);
        assertThat(conversation.path("contactName").asText()).as("console list").isEqualTo("Eve nimda");
        JsonNode messages = hub.http().adminJson("/api/messages?conversationId=" + conversation.path("id").asText())
                .path("messages");
        assertThat(messages.get(0).at("/message/text").asText()).as("console conversation").isEqualTo(clean);
    }

    private Optional<ReceivedRequest> deskMessage() {
        return deskRequests().stream().filter(r -> "INBOUND".equals(r.text("/message/direction")))
                .filter(r -> r.event().getResponse().getStatus() / 100 == 2).findFirst();
    }

    private String session(String body) {
        return hub.http().widgetSession(CHAT, body);
    }

    private HttpResponse<String> visitor(String path, String token, String body) {
        return hub.http().widget(CHAT, "POST", path, token, body);
    }
}
