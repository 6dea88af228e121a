package dev.omnibridge.systemtest;

import dev.omnibridge.systemtest.support.Parallel;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An acknowledged webhook survives kill -9 and reaches the desk, under one idempotency key. One delivery is made
 * certain to be in flight at the kill: the desk holds it unanswered (longer than the test takes) and the hub is
 * killed once the desk has it; after the restart it arrives once more, under the same key.
 *
 * <p>SIGKILL is not a power cut: the operating system still writes what the hub handed it. Power-loss safety is a
 * matter of the store's settings, see the README ("Durability").
 */
class CrashRecoveryTest extends SystemTestBase {
    private static final int CONVERSATIONS = 100;
    private static final int PER_CONVERSATION = 20;
    private static final int THREADS = 8;
    private static final int KILL_AFTER_ACKS = 500;
    private static final String HELD = "crash-held-m0";
    // Longer than the test runs: the desk never answers the held delivery before the kill.
    private static final int HOLD_MILLIS = 120_000;

    @Test
    void everyAcknowledgedMessageReachesTheDeskAfterKillNineAndRestartUnderASingleIdempotencyKey() throws Exception {
        // A slightly slow desk keeps deliveries in flight when the hub dies.
        desk.stubFor(deskPost().atPriority(OVERRIDE + 1).willReturn(ticketResponse(200).withFixedDelay(20)));
        StubMapping hold = desk.stubFor(deskPost().atPriority(OVERRIDE)
                .withRequestBody(matchingJsonPath("$.message.channelMessageId", equalTo(HELD)))
                .willReturn(ticketResponse(200).withFixedDelay(HOLD_MILLIS)));

        Set<String> posted = ConcurrentHashMap.newKeySet();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch enoughAcks = new CountDownLatch(1);
        AtomicReference<String> heldAck = new AtomicReference<>();
        AtomicLong heldInFlightAt = new AtomicLong();
        AtomicLong killedAt = new AtomicLong();
        Thread killer = new Thread(() -> {
            try {
                if (enoughAcks.await(90, TimeUnit.SECONDS)) {
                    // Under load, one more message whose delivery the desk will hold: kill once the desk has it.
                    posted.add(HELD);
                    heldAck.set(postToChannel(HELD, "crash-held", "held at the kill").statusCode() + "");
                    Poll.until(Duration.ofSeconds(8), "the desk holds the delivery of " + HELD,
                            () -> deskRequests().stream().anyMatch(r -> HELD.equals(r.channelMessageId())));
                    heldInFlightAt.set(System.nanoTime());
                    beforeKill();
                    hub.kill9();
                    killedAt.set(System.nanoTime());
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
        assertThat(heldAck.get()).as("the held message was acknowledged").startsWith("2");
        assertThat(killedAt.get()).as("killed once the desk held a delivery").isPositive();
        assertThat(Duration.ofNanos(killedAt.get() - heldInFlightAt.get()))
                .as("killed while the desk was still holding it unanswered")
                .isLessThan(Duration.ofMillis(HOLD_MILLIS));
        List<ReceivedRequest> heldBefore = requestsFor(HELD);
        assertThat(heldBefore).as("deliveries of the held message before the kill").hasSize(1);
        int deskBeforeRestart = desk.getAllServeEvents().size();

        desk.removeStub(hold);
        hub.restart();
        Poll.until(Duration.ofSeconds(120), "every acknowledged message has reached the desk",
                () -> deliveredIds().containsAll(acknowledged) && requestsFor(HELD).size() >= 2);
        awaitQuiet(desk, Duration.ofSeconds(3));

        List<ReceivedRequest> held = requestsFor(HELD);
        assertThat(held).as("the held message: in flight at the kill, then once after the restart").hasSize(2);
        assertThat(held).extracting(ReceivedRequest::idempotencyKey).as("its Idempotency-Keys").doesNotContainNull()
                .containsOnly(heldBefore.get(0).idempotencyKey());

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

    /** Runs on the killer thread just before the SIGKILL, while the desk holds a delivery; nothing by default. */
    protected void beforeKill() {
    }

    private List<ReceivedRequest> requestsFor(String channelMessageId) {
        return deskRequests().stream().filter(r -> channelMessageId.equals(r.channelMessageId())).toList();
    }

    private Set<String> deliveredIds() {
        return deskRequests().stream().map(ReceivedRequest::channelMessageId).collect(toSet());
    }
}
