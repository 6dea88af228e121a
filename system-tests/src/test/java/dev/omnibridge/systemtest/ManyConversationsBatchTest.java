package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Parallel;
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
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged hub with a slow webhook desk that reads batches across tickets ({@code batchAcrossTickets}): several
 * busy conversations reach the desk each in its own order, every message once, in far fewer requests than messages,
 * requests carrying several conversations' events.
 */
class ManyConversationsBatchTest extends SystemTestBase {
    private static final int CONVERSATIONS = 5;
    private static final int PER_CONVERSATION = 30;

    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .delivery("initialBackoff", "200ms")
                .delivery("maxBackoff", "500ms")
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .instance(DESK, "webhook-desk", Map.of("url", desk.baseUrl() + DESK_PATH, "secret", DESK_SECRET,
                        "batchSize", 20, "batchAcrossTickets", true))
                .route(WEB, DESK);
    }

    @Test
    void busyConversationsReachASlowDeskInOrderOnceEachInFewerRequestsThanMessages() {
        // The README's answers: a new ticket per conversation, one results entry per event, in order; 50 ms each.
        desk.stubFor(deskPost().atPriority(OVERRIDE).withRequestBody(matchingJsonPath("$.events"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"results\":[{{#each (jsonPath request.body '$.events') as |e|}}"
                                + "{\"ticketRef\":\"T-{{e.conversation.id}}\",\"itemId\":\"{{e.idempotencyKey}}\"}"
                                + "{{#unless @last}},{{/unless}}{{/each}}]}")
                        .withTransformers("response-template").withFixedDelay(50)));
        desk.stubFor(deskPost().atPriority(OVERRIDE).withRequestBody(matchingJsonPath("$.event"))
                .willReturn(ticketResponse(200).withFixedDelay(50)));
        String run = unique("across");
        Map<String, List<String>> posted = new HashMap<>();
        for (int c = 0; c < CONVERSATIONS; c++) {
            posted.put(run + "-c" + c, new ArrayList<>());
        }
        // One poster per conversation, each message acknowledged before the next: the order the hub stores.
        Parallel.run(CONVERSATIONS, c -> {
            String thread = run + "-c" + c;
            for (int m = 0; m < PER_CONVERSATION; m++) {
                String id = thread + "-m" + m;
                assertThat(postToChannel(id, thread, "message " + m).statusCode()).isEqualTo(200);
                synchronized (posted) {
                    posted.get(thread).add(id);
                }
            }
        });

        int messages = CONVERSATIONS * PER_CONVERSATION;
        Poll.until(Duration.ofSeconds(60), "every message reached the desk",
                () -> accepted(run).values().stream().mapToInt(List::size).sum() >= messages);
        awaitQuiet(desk, Duration.ofSeconds(1));

        Map<String, List<String>> arrived = accepted(run);
        assertThat(arrived.keySet()).containsExactlyInAnyOrderElementsOf(posted.keySet());
        posted.forEach((thread, ids) -> assertThat(arrived.get(thread))
                .as("conversation %s: in the order acknowledged, each once", thread).containsExactlyElementsOf(ids));
        List<ReceivedRequest> requests = requests(run);
        assertThat(requests).allSatisfy(r -> assertThat(r.signedWith(DESK_SECRET)).isTrue());
        assertThat(requests).as("requests for %d messages", messages).hasSizeLessThan(messages / 2);
        assertThat(requests).as("some request carries several conversations")
                .anySatisfy(r -> assertThat(threads(r)).hasSizeGreaterThan(1));
    }

    private List<ReceivedRequest> requests(String run) {
        return deskRequests().stream().filter(r -> threads(r).stream().anyMatch(t -> t.startsWith(run))).toList();
    }

    /** Each conversation's events the desk accepted, single or batched, in the order received. */
    private Map<String, List<String>> accepted(String run) {
        Map<String, List<String>> byThread = new HashMap<>();
        for (ReceivedRequest r : requests(run)) {
            if (r.event().getResponse().getStatus() != 200) {
                continue;
            }
            for (JsonNode e : events(r)) {
                byThread.computeIfAbsent(e.at("/conversation/threadKey").asText(), t -> new ArrayList<>())
                        .add(e.at("/message/channelMessageId").asText());
            }
        }
        return byThread;
    }

    private static List<JsonNode> events(ReceivedRequest r) {
        List<JsonNode> events = new ArrayList<>();
        if (r.body().has("events")) {
            r.body().path("events").forEach(events::add);
        } else {
            events.add(r.body());
        }
        return events;
    }

    private static Set<String> threads(ReceivedRequest r) {
        Set<String> threads = new HashSet<>();
        events(r).forEach(e -> threads.add(e.at("/conversation/threadKey").asText()));
        return threads;
    }
}
