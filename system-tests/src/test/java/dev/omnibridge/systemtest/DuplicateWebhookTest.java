package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Parallel;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A sender retrying a webhook (one after the other, or all at once) still makes one desk entry. */
class DuplicateWebhookTest extends SystemTestBase {

    @Test
    void messagePostedTwiceInSequenceIsAcceptedBothTimesAndDeliveredOnce() {
        String body = Messages.inbound("dup-seq-1", "dup-seq", "hello twice");
        assertThat(postToChannel(body).statusCode()).isBetween(200, 299);
        assertThat(postToChannel(body).statusCode()).isBetween(200, 299);

        assertDeliveredOnceBeforeSentinel("dup-seq", "dup-seq-1");
    }

    @Test
    void messagePostedFiveTimesConcurrentlyIsAcceptedEveryTimeAndDeliveredOnce() {
        String body = Messages.inbound("dup-conc-1", "dup-conc", "hello five times");
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        Parallel.run(5, i -> statuses.add(postToChannel(body).statusCode()));
        assertThat(statuses).hasSize(5).allSatisfy(status -> assertThat(status).isBetween(200, 299));

        assertDeliveredOnceBeforeSentinel("dup-conc", "dup-conc-1");
    }

    /**
     * Posts a later message on the same conversation and waits for it: a stored duplicate would have been
     * delivered before it, since one conversation's messages go out one at a time and in order.
     */
    private void assertDeliveredOnceBeforeSentinel(String threadKey, String channelMessageId) {
        assertThat(postToChannel(threadKey + "-sentinel", threadKey, "later").statusCode()).isEqualTo(200);
        awaitDeskAccepted(threadKey, 2, Duration.ofSeconds(30));
        awaitQuiet(desk, Duration.ofMillis(1500));

        List<ReceivedRequest> delivered = deskRequestsFor(threadKey);
        assertThat(delivered).extracting(ReceivedRequest::channelMessageId)
                .containsExactly(channelMessageId, threadKey + "-sentinel");
        JsonNode stored = hub.http().adminJson("/api/messages?limit=100&conversationId=" + delivered.get(0).conversationId());
        assertThat(stored.path("messages")).as("stored messages of " + threadKey + ": " + stored).hasSize(2);
    }
}
