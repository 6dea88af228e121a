package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 while a batch of a busy conversation is in flight at a webhook desk with {@code batchSize} > 1: after the
 * restart every message reaches the desk, each under the one idempotency key it always had (the held batch's events
 * come again under theirs), and the conversation's order holds.
 */
class CrashDuringBatchTest extends SystemTestBase {
    private static final int FOLLOW_UPS = 40;
    private static final int HOLD_MILLIS = 120_000;

    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .delivery("initialBackoff", "200ms")
                .delivery("maxBackoff", "1s")
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .instance(DESK, "webhook-desk", Map.of("url", desk.baseUrl() + DESK_PATH, "secret", DESK_SECRET,
                        "batchSize", 20))
                .route(WEB, DESK);
    }

    @Test
    void aBatchInFlightAtKillNineArrivesAgainUnderTheSameKeysAndInOrder() {
        String thread = unique("crash-batch");
        List<String> posted = new ArrayList<>();
        String first = thread + "-first";
        assertThat(postToChannel(first, thread, "opens the ticket").statusCode()).isEqualTo(200);
        posted.add(first);
        ReceivedRequest opened = awaitDeskAccepted(thread, 1, Duration.ofSeconds(30)).get(0);
        awaitTicketLinked(opened);

        // The next follow-up keeps the desk busy for a while, so the ones after it queue up and go as one batch,
        // which the desk then holds unanswered until the hub is killed.
        String slow = thread + "-m0";
        StubMapping slowSingle = desk.stubFor(deskPost().atPriority(OVERRIDE)
                .withRequestBody(matchingJsonPath("$.message.channelMessageId", equalTo(slow)))
                .willReturn(ticketResponse(200).withFixedDelay(3000)));
        StubMapping held = desk.stubFor(deskPost().atPriority(OVERRIDE).withRequestBody(matchingJsonPath("$.events"))
                .willReturn(batchAnswer().withFixedDelay(HOLD_MILLIS)));
        for (int i = 0; i < FOLLOW_UPS; i++) {
            String id = thread + "-m" + i;
            assertThat(postToChannel(id, thread, "message " + i).statusCode()).isEqualTo(200);
            posted.add(id);
        }
        Poll.until(Duration.ofSeconds(30), "the desk holds a batch of " + thread,
                () -> requestsOf(thread).stream().anyMatch(r -> r.body().has("events")));
        hub.kill9();
        List<ReceivedRequest> beforeKill = requestsOf(thread);
        ReceivedRequest heldBatch = beforeKill.stream().filter(r -> r.body().has("events")).findFirst().orElseThrow();
        assertThat(heldBatch.body().path("events").size()).as("events in the held batch").isGreaterThan(1);
        int servedBeforeRestart = desk.getAllServeEvents().size();

        desk.removeStub(held);
        desk.removeStub(slowSingle);
        desk.stubFor(deskPost().atPriority(OVERRIDE).withRequestBody(matchingJsonPath("$.events"))
                .willReturn(batchAnswer()));
        hub.restart();
        List<String> heldIds = new ArrayList<>();
        heldBatch.body().path("events").forEach(e -> heldIds.add(e.at("/message/channelMessageId").asText()));
        int before = beforeKill.size();
        Poll.until(Duration.ofSeconds(90), "every message of " + thread + " reached the desk after the restart",
                () -> {
                    List<ReceivedRequest> now = requestsOf(thread);
                    return delivered(now).keySet().containsAll(posted) && delivered(now.subList(before, now.size()))
                            .keySet().containsAll(heldIds);
                });
        awaitQuiet(desk, Duration.ofSeconds(2));

        List<ReceivedRequest> all = requestsOf(thread);
        Map<String, Set<String>> keysByMessage = new HashMap<>();
        for (JsonNode event : events(all)) {
            keysByMessage.computeIfAbsent(event.at("/message/channelMessageId").asText(), k -> new HashSet<>())
                    .add(event.path("idempotencyKey").asText());
        }
        assertThat(keysByMessage).as("keys per message").allSatisfy((id, keys) -> assertThat(keys).as(id).hasSize(1));
        Set<String> distinct = new HashSet<>();
        keysByMessage.values().forEach(distinct::addAll);
        assertThat(distinct).as("one key per message").hasSize(posted.size());

        List<ReceivedRequest> afterRestart = all.subList(beforeKill.size(), all.size());
        assertThat(desk.getAllServeEvents().size()).isGreaterThan(servedBeforeRestart);
        List<String> again = events(afterRestart).stream().map(e -> e.at("/message/channelMessageId").asText())
                .toList();
        assertThat(again).as("the held batch's events come again").containsAll(heldIds);
        // After the restart the desk gets the rest once each, in the order the messages were posted.
        assertThat(again).doesNotHaveDuplicates();
        List<String> inPostingOrder = posted.stream().filter(again::contains).toList();
        assertThat(again).containsExactlyElementsOf(inPostingOrder);
        assertThat(again).as("nothing skipped").containsExactlyElementsOf(posted.subList(posted.indexOf(again.get(0)),
                posted.size()));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder batchAnswer() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"results\":[{{#each (jsonPath request.body '$.events') as |e|}}"
                        + "{\"itemId\":\"{{e.idempotencyKey}}\"}{{#unless @last}},{{/unless}}{{/each}}]}")
                .withTransformers("response-template");
    }

    private List<ReceivedRequest> requestsOf(String thread) {
        return deskRequests().stream().filter(r -> {
            JsonNode event = r.body().has("events") ? r.body().path("events").path(0) : r.body();
            return thread.equals(event.at("/conversation/threadKey").asText(null));
        }).toList();
    }

    private static List<JsonNode> events(List<ReceivedRequest> requests) {
        List<JsonNode> events = new ArrayList<>();
        for (ReceivedRequest r : requests) {
            if (r.body().has("events")) {
                r.body().path("events").forEach(events::add);
            } else {
                events.add(r.body());
            }
        }
        return events;
    }

    /** Message ids and keys of the events in these requests. */
    private static Map<String, String> delivered(List<ReceivedRequest> requests) {
        Map<String, String> keys = new HashMap<>();
        for (JsonNode event : events(requests)) {
            keys.put(event.at("/message/channelMessageId").asText(), event.path("idempotencyKey").asText());
        }
        return keys;
    }
}
