package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.MetaGraphApiFake;
import dev.omnibridge.systemtest.support.MetaGraphApiFake.GraphCall;
import dev.omnibridge.systemtest.support.MetaWebhooks;
import dev.omnibridge.systemtest.support.MetaWebhooks.WaText;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledgements on WhatsApp (Cloud API fake): a message inside the 24-hour window gets one free-form text with the
 * placeholders filled, the next none; a message written more than 24 hours ago (a webhook Meta delivered late) gets
 * none, no template either, and the timeline says why.
 */
class WhatsAppAcknowledgementTest extends SystemTestBase {
    private static final String WA = "wa";
    private static final String APP_SECRET = "3f1c0ffee0ddba11meta-app-secret";
    private static final String WABA_ID = "102290129340398";
    private static final String PHONE_NUMBER_ID = "106540352242922";
    private static final String DISPLAY_PHONE = "15550783881";

    private MetaGraphApiFake graph;

    @Override
    protected HubProcess startHub() {
        graph = MetaGraphApiFake.start();
        graph.whatsappNumber(PHONE_NUMBER_ID);
        return startHubWith("meta");
    }

    @Override
    protected HubConfig config() {
        Map<String, Object> wa = new LinkedHashMap<>();
        wa.put("appSecret", APP_SECRET);
        wa.put("verifyToken", "verify-me_4711");
        wa.put("accessToken", "EAAGm0PX4ZCpsBAtest-access-token");
        wa.put("graphApiBaseUrl", graph.baseUrl());
        wa.put("phoneNumberId", PHONE_NUMBER_ID);
        wa.put("templateName", "service_follow_up");
        return standardConfig().instance(WA, "whatsapp", wa).route(WA, DESK)
                .acknowledgements("enabled", true)
                .acknowledgementTemplate("en", "Hi {firstName:there}, thanks! Ref {reference} on {channel}.",
                        "Closed now; ref {reference}.");
    }

    @BeforeAll
    void whatsappIsRunning() {
        awaitRunning(WA);
    }

    @AfterAll
    void stopGraphFake() {
        if (graph != null) {
            graph.close();
        }
    }

    private void webhook(WaText text) {
        String body = Json.write(MetaWebhooks.whatsapp(WABA_ID, PHONE_NUMBER_ID, DISPLAY_PHONE, List.of(text),
                List.of()));
        var answer = hub.http().post("/hooks/" + WA, body, MetaWebhooks.SIGNATURE_HEADER,
                MetaWebhooks.sign(APP_SECRET, body));
        assertThat(answer.statusCode()).as(describe(answer)).isEqualTo(200);
    }

    private List<String> timeline(String conversationId) {
        JsonNode events = hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversationId)
                .path("automation");
        return StreamSupport.stream(events.spliterator(), false).map(e -> e.path("detail").asText()).toList();
    }

    @Test
    void aMessageInsideTheWindowGetsOneAcknowledgementAndTheNextNone() {
        String waId = "4915100007001";
        webhook(new WaText(waId, "Ann Lee", MetaWebhooks.wamid(), Instant.now().minusSeconds(5), "Order 4711?"));

        Poll.until(Duration.ofSeconds(20), "the acknowledgement reaches the Cloud API",
                () -> graph.whatsappCallsTo(waId).size() == 1);
        GraphCall ack = graph.whatsappCallsTo(waId).get(0);
        String conversation = awaitConversationOf(WA, "+" + waId, Duration.ofSeconds(10));
        String hex = conversation.replace("-", "");
        assertThat(ack.text("/type")).isEqualTo("text");
        assertThat(ack.text("/text/body")).isEqualTo("Hi Ann, thanks! Ref "
                + hex.substring(hex.length() - 8).toUpperCase(java.util.Locale.ROOT) + " on WhatsApp.");

        webhook(new WaText(waId, "Ann Lee", MetaWebhooks.wamid(), Instant.now().minusSeconds(1), "Hello?"));
        awaitDeskAccepted(waId, 3, Duration.ofSeconds(20));
        awaitQuiet(graph.server(), Duration.ofSeconds(2));
        assertThat(graph.whatsappCallsTo(waId)).hasSize(1);
    }

    @Test
    void aMessageWrittenMoreThan24HoursAgoGetsNoAcknowledgementNorATemplate() {
        String waId = "4915100007002";
        webhook(new WaText(waId, "Bea", MetaWebhooks.wamid(), Instant.now().minus(Duration.ofHours(25)),
                "Any news on my claim?"));

        awaitDeskAccepted(waId, 1, Duration.ofSeconds(20));
        String conversation = awaitConversationOf(WA, "+" + waId, Duration.ofSeconds(10));
        Poll.until(Duration.ofSeconds(10), "the reason is in the timeline", () -> !timeline(conversation).isEmpty());
        awaitQuiet(graph.server(), Duration.ofSeconds(2));
        assertThat(graph.whatsappCallsTo(waId)).as("no text, no template").isEmpty();
        assertThat(timeline(conversation)).singleElement().asString()
                .startsWith("the channel's reply window has closed (24 hours");
    }
}
