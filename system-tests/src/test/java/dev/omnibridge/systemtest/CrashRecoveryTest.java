package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.Parallel;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

/** An acknowledged webhook survives kill -9 and reaches the desk, under one idempotency key. */
class CrashRecoveryTest extends SystemTestBase {
    private static final int CONVERSATIONS = 100;
    private static final int PER_CONVERSATION = 20;
    private static final int THREADS = 8;
    private static final int KILL_AFTER_ACKS = 500;

    @Test
    void everyAcknowledgedMessageReachesTheDeskAfterKillNineAndRestartUnderASingleIdempotencyKey() throws Exception {
        // A slightly slow desk keeps deliveries in flight when the hub dies.
        desk.stubFor(deskPost().atPriority(OVERRIDE).willReturn(ticketResponse(200).withFixedDelay(20)));

        Set<String> posted = ConcurrentHashMap.newKeySet();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch enoughAcks = new CountDownLatch(1);
        Thread killer = new Thread(() -> {
            try {
                if (enoughAcks.await(90, TimeUnit.SECONDS)) {
                    hub.kill9();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hub-killer");
        killer.start();

        Parallel.run(THREADS, thread -> {
            for (int seq = 0; seq < PER_CONVERSATION; seq++) {
                for (int conv = thread; conv < CONVERSATIONS; conv += THREADS) {
                    String id = "crash-c" + conv + "-m" + seq;
                    posted.add(id);
                    try {
                        HttpResponse<String> response = postToChannel(id, "crash-" + conv, "message " + seq);
                        if (response.statusCode() / 100 == 2) {
                            acknowledged.add(id);
                            if (acknowledged.size() >= KILL_AFTER_ACKS) {
                                enoughAcks.countDown();
                            }
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (UncheckedIOException hubIsDown) {
                        failed.incrementAndGet();
                    }
                }
            }
        });
        enoughAcks.countDown();
        killer.join(60_000);
        assertThat(hub.isAlive()).as("hub was killed while messages were being posted").isFalse();
        int deskBeforeRestart = desk.getAllServeEvents().size();

        hub.restart();
        Poll.until(Duration.ofSeconds(120), "every acknowledged message has reached the desk",
                () -> deliveredIds().containsAll(acknowledged));
        awaitQuiet(desk, Duration.ofSeconds(3));

        List<ReceivedRequest> received = deskRequests();
        Map<String, Set<String>> keysByMessage = received.stream().collect(groupingBy(r -> String.valueOf(r.channelMessageId()),
                mapping(ReceivedRequest::idempotencyKey, toSet())));
        Set<String> distinctKeys = received.stream().map(ReceivedRequest::idempotencyKey).collect(toSet());
        System.out.printf("crash recovery: posted=%d acknowledged=%d failed=%d deskRequestsBeforeRestart=%d "
                        + "deskRequests=%d distinctDelivered=%d distinctKeys=%d repeats=%d%n",
                posted.size(), acknowledged.size(), failed.get(), deskBeforeRestart, received.size(),
                keysByMessage.size(), distinctKeys.size(), received.size() - keysByMessage.size());

        assertThat(acknowledged.size()).as("acknowledged before the kill").isGreaterThanOrEqualTo(KILL_AFTER_ACKS);
        assertThat(keysByMessage.keySet()).as("delivered messages").containsAll(acknowledged).isSubsetOf(posted);
        assertThat(keysByMessage).as("Idempotency-Keys used per delivered message")
                .allSatisfy((id, keys) -> assertThat(keys).as(id).hasSize(1).doesNotContainNull());
        assertThat(distinctKeys).as("distinct Idempotency-Keys").hasSameSizeAs(keysByMessage.keySet());
    }

    private Set<String> deliveredIds() {
        return deskRequests().stream().map(ReceivedRequest::channelMessageId).collect(toSet());
    }
}
