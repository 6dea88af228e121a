package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Identity verification in the packaged hub: a site that signs its logged-in user's email with the chat's
 * {@code identitySecret} gets that email onto the customer's contact, so desks find the requester by email; the same
 * email typed into the pre-chat form (unverified) stays message metadata. HTTP only, as the widget calls it.
 */
class WebchatIdentityTest extends SystemTestBase {
    private static final String CHAT = "chat";
    private static final String INBOX = "inbox";
    private static final String TOKEN_SECRET = "webchat-token-secret-for-identity-tests-0123456789";
    private static final String IDENTITY_SECRET = "site-identity-secret-for-system-tests-0123456789";
    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    @Override
    protected HubProcess startHub() {
        return startHubWith("webchat");
    }

    @Override
    protected HubConfig config() {
        return standardConfig()
                .instance(CHAT, "webchat", Map.of("tokenSecret", TOKEN_SECRET, "identitySecret", IDENTITY_SECRET))
                .instance(INBOX, "console-inbox", Map.of())
                .route(CHAT, INBOX);
    }

    @BeforeAll
    void instancesRun() {
        awaitRunning(CHAT, INBOX);
    }

    @Test
    void aVerifiedVisitorsEmailIsOnTheContactAnUnverifiedOneIsNot() throws Exception {
        String verified = "vera.verified@customer.test";
        String token = session("{\"name\":\"Vera\",\"userEmail\":\"" + verified + "\",\"userHash\":\""
                + hmacHex(IDENTITY_SECRET, verified) + "\"}");
        message(token, "verified-01", "I am logged in on the shop");

        String unverified = "ulla.unverified@customer.test";
        String anonymous = session("{\"name\":\"Ulla\",\"email\":\"" + unverified + "\"}");
        message(anonymous, "unverified-1", "I only typed my email");

        JsonNode vera = conversationOf("Vera");
        assertThat(addresses(vera)).contains(verified);
        assertThat(vera.path("customer").path("value").asText()).isEqualTo(verified);

        JsonNode ulla = conversationOf("Ulla");
        assertThat(addresses(ulla)).doesNotContain(unverified);
        assertThat(ulla.path("customer").path("kind").asText()).isEqualTo("CHAT_USER");

        HttpResponse<String> forged = visitor("session", null, "{\"userEmail\":\"" + verified + "\",\"userHash\":\""
                + hmacHex("not-the-identity-secret-0123456789abcdef", verified) + "\"}");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(Json.parse(forged.body()).path("error").asText()).contains("userHash does not match");
    }

    // --- helpers

    private String session(String body) {
        return hub.http().widgetSession(CHAT, body);
    }

    private void message(String token, String clientId, String text) {
        HttpResponse<String> r = visitor("messages", token,
                "{\"clientId\":\"" + clientId + "\",\"text\":\"" + text + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private HttpResponse<String> visitor(String path, String token, String body) {
        return hub.http().widget(CHAT, "POST", path, token, body);
    }

    /** {@code GET /api/conversations/{id}} of the conversation whose contact is called {@code name}. */
    private JsonNode conversationOf(String name) {
        String[] id = new String[1];
        Poll.until(ARRIVAL, "a conversation of " + name, () -> {
            for (JsonNode c : hub.http().adminJson("/api/conversations").path("conversations")) {
                if (c.path("contactName").asText().equals(name)) {
                    id[0] = c.path("id").asText();
                    return true;
                }
            }
            return false;
        });
        return hub.http().adminJson("/api/conversations/" + id[0]);
    }

    private static List<String> addresses(JsonNode conversation) {
        return StreamSupport.stream(conversation.path("contact").path("addresses").spliterator(), false)
                .map(a -> a.path("value").asText()).toList();
    }

    private static String hmacHex(String secret, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }
}
