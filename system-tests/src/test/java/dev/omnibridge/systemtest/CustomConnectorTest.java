package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.systemtest.support.ExternalConnectorBuild;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connector written outside this repository's build loads into a running hub and works end to end: the LINE example
 * (examples/custom-connector) is built with {@code mvn package} in its own process against the published plugin API
 * and connector parent (ExternalConnectorBuild), its zip goes into the hub's plugins directory with the reference
 * plugins, and instance {@value #LINE} (type {@code line}) talks to a WireMock shaped like LINE's Messaging API.
 * A customer's signed LINE webhook reaches the webhook desk; the agent's reply is pushed to the LINE user with the
 * channel access token; a forged or unsigned webhook is refused and stores nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustomConnectorTest extends SystemTestBase {
    private static final String LINE = "line-main";
    private static final String CHANNEL_SECRET_VALUE = "line-channel-secret-5Kq2";
    private static final String ACCESS_TOKEN = "line-access-token-Zr81";
    private static final String PUSH_PATH = "/v2/bot/message/push";
    private static final Duration ARRIVAL = Duration.ofSeconds(20);

    private WireMockServer lineApi;
    private Path lineZip;

    /** The hub starts with the reference plugins only: the LINE zip is dropped in while it runs. */
    @Override
    protected HubProcess startHub() {
        lineZip = ExternalConnectorBuild.pluginZip("custom-connector");
        lineApi = new WireMockServer(options().dynamicPort());
        lineApi.start();
        lineApi.stubFor(post(urlEqualTo(PUSH_PATH)).willReturn(okJson(
                "{\"sentMessages\":[{\"id\":\"461230966842064897\",\"quoteToken\":\"IStG5h1Tz7b\"}]}")));
        HubConfig config = config();
        logScan.secrets(config.secrets());
        return HubProcess.start(getClass().getSimpleName(), config, new ArrayList<>(HubProcess.referencePlugins()));
    }

    @Override
    protected HubConfig config() {
        return standardConfig()
                .instance(LINE, "line", Map.of(
                        "channelSecret", CHANNEL_SECRET_VALUE,
                        "channelAccessToken", ACCESS_TOKEN,
                        "apiBase", lineApi.baseUrl(),
                        "timeout", "5s"))
                .route(LINE, DESK);
    }

    /**
     * Until its plugin is there the instance cannot start (FAILED, naming the missing type); the zip dropped into the
     * running hub's plugins directory is picked up by the hub's watch, which starts the instance.
     */
    @BeforeAll
    void lineInstanceRunsOnceItsZipIsDroppedIntoTheRunningHub() throws Exception {
        JsonNode before = hub.http().health().path("instances").path(LINE);
        assertThat(before.path("state").asText()).isEqualTo("FAILED");
        assertThat(before.path("lastError").asText()).contains("connector type 'line'");
        Path tmp = hub.pluginsDir().resolve(".incoming.tmp");
        Files.copy(lineZip, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, hub.pluginsDir().resolve(lineZip.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        awaitRunning(LINE);
        JsonNode plugins = hub.http().health().path("plugins").path("list");
        assertThat(plugins.findValuesAsText("id")).contains("line");
    }

    @AfterAll
    void stopLineApi() {
        if (lineApi != null) {
            lineApi.stop();
        }
    }

    @Test
    @Order(1)
    void aSignedLineMessageReachesTheDeskOnceAndTheAgentsReplyIsPushedToTheUser() {
        String user = "U" + unique("line").replace("-", "");
        String question = "Where is my parcel 7781?";
        String reply = "It left our warehouse this morning.";
        logScan.addresses(user).texts(question, reply);
        String body = textEvent("01JLINEEVENT" + user.substring(5, 13), user, question);

        HttpResponse<String> first = postLine(body, signature(CHANNEL_SECRET_VALUE, body));
        HttpResponse<String> redelivered = postLine(body, signature(CHANNEL_SECRET_VALUE, body));

        assertThat(first.statusCode()).as(describe(first)).isEqualTo(200);
        assertThat(redelivered.statusCode()).as(describe(redelivered)).isEqualTo(200);
        ReceivedRequest event = awaitDeskAccepted(user, 1, ARRIVAL).get(0);
        assertThat(event.text("/conversation/channel/type")).isEqualTo("line");
        assertThat(event.text("/conversation/channel/instanceId")).isEqualTo(LINE);
        assertThat(event.text("/message/text")).isEqualTo(question);
        assertThat(event.text("/message/author/address/value")).isEqualTo(user);

        awaitTicketLinked(event);
        HttpResponse<String> answered = postDeskReply(Messages.deskReply("T-" + event.conversationId(),
                "line-reply-" + user, reply, false));
        assertThat(answered.statusCode() / 100).as(describe(answered)).isEqualTo(2);

        Poll.until(ARRIVAL, "LINE receives the push for " + user, () -> !pushesTo(user).isEmpty());
        LoggedRequest push = pushesTo(user).get(0);
        assertThat(push.getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        assertThat(push.getHeader("X-Line-Retry-Key")).as("retry key").matches("[0-9a-f-]{36}");
        var json = Json.parse(push.getBodyAsString());
        assertThat(json.at("/messages/0/type").asText()).isEqualTo("text");
        assertThat(json.at("/messages/0/text").asText()).isEqualTo(reply);
        assertThat(deskRequestsFor(user)).as("the redelivered event is stored once").hasSize(1);
    }

    @Test
    @Order(2)
    void aForgedOrUnsignedLineWebhookIsRefusedAndStoresNothing() {
        String user = "U" + unique("forged").replace("-", "");
        String text = "Please refund order 9921";
        logScan.addresses(user).texts(text);
        String body = textEvent("01JFORGED" + user.substring(7, 15), user, text);

        HttpResponse<String> forged = postLine(body, signature("not-the-channel-secret", body));
        HttpResponse<String> unsigned = hub.http().post("/hooks/" + LINE, body);

        assertThat(forged.statusCode()).as(describe(forged)).isEqualTo(401);
        assertThat(unsigned.statusCode()).as(describe(unsigned)).isEqualTo(401);
        String page = hub.http().adminJson("/api/conversations").toString();
        assertThat(page).as("conversations").doesNotContain(user);
    }

    private HttpResponse<String> postLine(String body, String signature) {
        return hub.http().post("/hooks/" + LINE, body, "x-line-signature", signature);
    }

    private List<LoggedRequest> pushesTo(String user) {
        return lineApi.findAll(postRequestedFor(urlEqualTo(PUSH_PATH))).stream()
                .filter(r -> user.equals(Json.parse(r.getBodyAsString()).path("to").asText())).toList();
    }

    /** A LINE webhook body with one text message event from a user (LINE's webhook event object fields). */
    private static String textEvent(String eventId, String userId, String text) {
        return "{\"destination\":\"U0000000000000000000000000000dest\",\"events\":[{\"type\":\"message\","
                + "\"message\":{\"type\":\"text\",\"id\":\"5092432353" + eventId.length() + "\",\"quoteToken\":\"q\","
                + "\"text\":\"" + text + "\"},\"webhookEventId\":\"" + eventId + "\","
                + "\"deliveryContext\":{\"isRedelivery\":false},\"timestamp\":" + System.currentTimeMillis() + ","
                + "\"source\":{\"type\":\"user\",\"userId\":\"" + userId + "\"},\"replyToken\":\"r-" + eventId
                + "\",\"mode\":\"active\"}]}";
    }

    /** {@code x-line-signature}: Base64(HMAC-SHA256(body, channel secret)). */
    private static String signature(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
