package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Parallel;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged hub with a webhook desk that takes batches ({@code batchSize} 20): a busy conversation reaches the
 * desk in the order the hub stored it, every message once with its own key, in far fewer requests; the message that
 * opens the ticket goes alone in the single form.
 */
class BusyConversationBatchTest extends SystemTestBase {
    private static final int MESSAGES = 300;
    private static final int BATCH_SIZE = 20;
    private static final int THREADS = 8;

    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .delivery("initialBackoff", "200ms")
                .delivery("maxBackoff", "500ms")
                .delivery("maxAttempts", 1000)
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .instance(DESK, "webhook-desk", Map.of("url", desk.baseUrl() + DESK_PATH, "secret", DESK_SECRET,
                        "batchSize", BATCH_SIZE))
                .route(WEB, DESK);
    }

    @Test
    void aBusyConversationReachesTheDeskInOrderOnceEachInBatches() {
        String thread = unique("busy");
        String first = thread + "-first";
        // The desk cannot open the ticket until every message is posted: they all pile up behind the first one.
        StubMapping busy = desk.stubFor(deskPost().atPriority(OVERRIDE)
                .withRequestBody(matchingJsonPath("$.message.channelMessageId", equalTo(first)))
                .willReturn(aResponse().withStatus(503)));
        desk.stubFor(deskPost().atPriority(OVERRIDE).withRequestBody(matchingJsonPath("$.events"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"results\":[{{#each (jsonPath request.body '$.events') as |e|}}"
                                + "{\"itemId\":\"{{e.idempotencyKey}}\"}{{#unless @last}},{{/unless}}{{/each}}]}")
                        .withTransformers("response-template").withFixedDelay(20)));
        assertThat(postToChannel(first, thread, "first").statusCode()).isEqualTo(200);
        Poll.until(Duration.ofSeconds(20), "the desk has refused the first message",
                () -> deskRequests().stream().anyMatch(r -> thread.equals(threadOf(r))));
        Set<String> posted = ConcurrentHashMap.newKeySet();
        posted.add(first);
        Parallel.run(THREADS, t -> {
            for (int i = t; i < MESSAGES - 1; i += THREADS) {
                String id = thread + "-m" + i;
                assertThat(postToChannel(id, thread, "message " + i).statusCode()).isEqualTo(200);
                posted.add(id);
            }
        });
        desk.removeStub(busy);

        Poll.until(Duration.ofSeconds(60), "every message of " + thread + " reached the desk",
                () -> deliveredEvents(thread).size() >= MESSAGES);
        awaitQuiet(desk, Duration.ofSeconds(1));

        List<ReceivedRequest> requests = deskRequests().stream().filter(r -> thread.equals(threadOf(r))).toList();
        assertThat(requests).allSatisfy(r -> assertThat(r.signedWith(DESK_SECRET)).isTrue());
        assertThat(requests.get(0).body().has("events")).as("the first message goes alone, single form").isFalse();
        assertThat(requests.get(0).text("/ticketRef")).isNull();
        List<JsonNode> events = deliveredEvents(thread);
        // The conversation's order is the order the hub stored (acknowledged) its messages in.
        List<String> stored = new ArrayList<>();
        hub.http().adminJson("/api/messages?limit=1000&conversationId=" + requests.get(0).conversationId())
                .path("messages").forEach(v -> stored.add(v.path("message").path("channelMessageId").asText()));
        assertThat(stored).containsExactlyInAnyOrderElementsOf(posted);
        assertThat(events).extracting(e -> e.at("/message/channelMessageId").asText())
                .as("in the order stored, each once").containsExactlyElementsOf(stored);
        Set<String> keys = new HashSet<>();
        events.forEach(e -> keys.add(e.path("idempotencyKey").asText()));
        assertThat(keys).as("one key per message").hasSize(MESSAGES);
        assertThat(requests.stream().filter(r -> r.event().getResponse().getStatus() == 200))
                .as("requests the desk accepted").hasSizeLessThan(MESSAGES / 3);
        assertThat(requests.stream().filter(r -> r.body().has("events")))
                .allSatisfy(r -> assertThat(r.body().path("events").size()).isBetween(2, BATCH_SIZE));
    }

    private static String threadOf(ReceivedRequest r) {
        JsonNode body = r.body();
        JsonNode event = body.has("events") ? body.path("events").path(0) : body;
        return event.at("/conversation/threadKey").asText(null);
    }

    /** The events the desk accepted for the thread, single or batched, in the order received. */
    private List<JsonNode> deliveredEvents(String thread) {
        List<JsonNode> events = new ArrayList<>();
        for (ReceivedRequest r : deskRequests()) {
            if (!thread.equals(threadOf(r)) || r.event().getResponse().getStatus() != 200) {
                continue;
            }
            if (r.body().has("events")) {
                r.body().path("events").forEach(events::add);
            } else {
                events.add(r.body());
            }
        }
        return events;
    }
}
