package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.Parallel;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;

/** The real plugin zips are loaded and a busy channel is bridged to the desk exactly once, in order. */
class PluginLoadingAndDeliveryTest extends SystemTestBase {
    private static final int CONVERSATIONS = 50;
    private static final int PER_CONVERSATION = 20;
    private static final int THREADS = 8;
    private static final int TOTAL = CONVERSATIONS * PER_CONVERSATION;

    @Test
    void thousandConcurrentMessagesReachTheDeskExactlyOnceInConversationOrderWithTickets() {
        // The base class has waited for both instances to be RUNNING: the plugin zips were loaded.
        assertThat(hub.http().health().at("/instances/web/type").asText()).isEqualTo("webhook-channel");
        assertThat(hub.http().health().at("/instances/desk/type").asText()).isEqualTo("webhook-desk");

        // Each thread owns some conversations and posts each one's messages in order; threads interleave freely.
        List<String> rejected = Collections.synchronizedList(new ArrayList<>());
        Parallel.run(THREADS, thread -> {
            for (int seq = 0; seq < PER_CONVERSATION; seq++) {
                for (int conv = thread; conv < CONVERSATIONS; conv += THREADS) {
                    HttpResponse<String> response = postToChannel(messageId(conv, seq), "conv-" + conv, "message " + seq);
                    if (response.statusCode() != 200) {
                        rejected.add(describe(response));
                    }
                }
            }
        });
        assertThat(rejected).as("webhook answers other than 200").isEmpty();

        Poll.until(Duration.ofSeconds(120), "the desk has received " + TOTAL + " requests",
                () -> desk.getAllServeEvents().size() >= TOTAL);
        awaitQuiet(desk, Duration.ofSeconds(2));
        List<ReceivedRequest> received = deskRequests();

        assertThat(received).hasSize(TOTAL);
        assertThat(received).allSatisfy(r -> {
            assertThat(r.signedWith(DESK_SECRET)).as("valid X-Omnibridge-Signature").isTrue();
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.idempotencyKey()).as("Idempotency-Key").isNotBlank();
            assertThat(r.text("/schema")).isEqualTo("omnibridge.desk-event/v1");
            assertThat(r.text("/event")).isEqualTo("message.created");
            assertThat(r.text("/idempotencyKey")).isEqualTo(r.idempotencyKey());
            assertThat(r.text("/conversation/channel/instanceId")).isEqualTo(WEB);
        });
        assertThat(received).extracting(ReceivedRequest::channelMessageId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, CONVERSATIONS).boxed()
                        .flatMap(c -> IntStream.range(0, PER_CONVERSATION).mapToObj(s -> messageId(c, s))).toList());
        assertThat(received).extracting(ReceivedRequest::idempotencyKey).doesNotHaveDuplicates();

        Map<String, List<ReceivedRequest>> byConversation = received.stream()
                .collect(groupingBy(ReceivedRequest::threadKey, LinkedHashMap::new, toList()));
        assertThat(byConversation).hasSize(CONVERSATIONS);
        for (int conv = 0; conv < CONVERSATIONS; conv++) {
            List<ReceivedRequest> requests = byConversation.get("conv-" + conv);
            int c = conv;
            assertThat(requests).extracting(ReceivedRequest::channelMessageId).as("delivery order of conv-%d", conv)
                    .containsExactlyElementsOf(IntStream.range(0, PER_CONVERSATION).mapToObj(s -> messageId(c, s)).toList());
            String conversationId = requests.get(0).conversationId();
            assertThat(conversationId).isNotBlank();
            assertThat(requests).extracting(ReceivedRequest::conversationId).containsOnly(conversationId);
            assertThat(requests.get(0).body().has("ticketRef")).as("first message of conv-%d carries ticketRef", conv).isTrue();
            assertThat(requests.get(0).ticketRef()).as("first message of conv-%d opens a ticket", conv).isNull();
            assertThat(requests.subList(1, requests.size())).extracting(ReceivedRequest::ticketRef)
                    .as("later messages of conv-%d name the ticket", conv).containsOnly("T-" + conversationId);
        }
    }

    private static String messageId(int conversation, int seq) {
        return "c" + conversation + "-m" + seq;
    }
}
