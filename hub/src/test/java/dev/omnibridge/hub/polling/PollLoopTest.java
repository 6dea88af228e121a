package dev.omnibridge.hub.polling;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.PollException;
import dev.omnibridge.spi.PollRequest;
import dev.omnibridge.spi.PollResult;
import dev.omnibridge.spi.PollSchedule;
import dev.omnibridge.spi.PolledSource;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's polling loop, one round at a time ({@link PollLoop#step()}) on a clock the test moves, against the
 * connector test kit's in-memory store (dedupe by channel id, offsets saved with what they came with).
 */
class PollLoopTest {
    private static final Instant T0 = Instant.parse("2026-12-05T01:00:00Z");
    private static final PollSchedule SCHEDULE = PollSchedule.builder().interval(Duration.ofSeconds(5))
            .backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)).offsetKeys("cursor").build();

    private final MutableClock clock = new MutableClock(T0);
    private final FakeConnectorContext context = new FakeConnectorContext("poller", ConfigDef.create(), Map.of());
    /** What each poll does, in order; a poll beyond them finds nothing. */
    private final Deque<PolledSource> script = new ArrayDeque<>();
    private final List<PollRequest> requests = new ArrayList<>();
    private final PolledSource source = request -> {
        requests.add(request);
        PolledSource next = script.poll();
        return next == null ? PollResult.nothing() : next.poll(request);
    };

    private PollLoop loop(double random) {
        return new PollLoop("poller", "items", source, SCHEDULE, context, clock, new Backoff(() -> random), () -> {
        });
    }

    private void failWith(Exception e, int times) {
        for (int i = 0; i < times; i++) {
            script.add(request -> {
                throw e;
            });
        }
    }

    private static Message message(String id) {
        return Message.builder().direction(Direction.INBOUND).channel(new ChannelRef("test", "poller"))
                .channelMessageId(id).threadKey("t-1").author(Author.customer("Ann", Address.chatUser("1")))
                .text("hello").receivedAt(T0).build();
    }

    private static PolledSource batch(String messageId, String cursor) {
        return request -> PollResult.builder().inbound(Inbound.messages(List.of(message(messageId))))
                .offset("cursor", cursor).describedAs("items up to " + cursor).build();
    }

    @Test
    void failuresInARowDoubleTheBackoffUpToTheCapAndASuccessStartsItAgain() throws Exception {
        PollLoop loop = loop(0.0);
        failWith(PollException.retryable("vendor answered HTTP 502"), 5);

        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waits.add(loop.step());
        }
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(8));
        assertThat(requests).extracting(PollRequest::consecutiveFailures).containsExactly(0, 1, 2, 3, 4);

        assertThat(loop.step()).as("a poll that finds nothing waits the interval").isEqualTo(Duration.ofSeconds(5));
        failWith(PollException.retryable("vendor answered HTTP 502"), 1);
        assertThat(loop.step()).as("the next failure starts from the first wait again").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterShortensAWaitByAtMostAFifthAndNeverLengthensItPastTheCap() throws Exception {
        PollLoop loop = loop(1.0);
        failWith(PollException.retryable("timeout"), 6);
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(loop.step());
        }
        assertThat(waits).containsExactly(Duration.ofMillis(800), Duration.ofMillis(1600), Duration.ofMillis(3200),
                Duration.ofMillis(6400), Duration.ofMillis(6400), Duration.ofMillis(6400));
    }

    @Test
    void aServersRetryAfterIsHonouredEvenAboveTheCap() throws Exception {
        PollLoop loop = loop(0.5);
        script.add(request -> {
            throw PollException.retryAfter("HTTP 429: too many requests", Duration.ofSeconds(42));
        });
        script.add(request -> {
            throw PollException.retryAfter("HTTP 429: too many requests", Duration.ofMillis(10));
        });
        script.add(request -> {
            throw PollException.retryAfter("HTTP 429", Duration.ofDays(30));
        });

        assertThat(loop.step()).isEqualTo(Duration.ofSeconds(42));
        assertThat(loop.step()).as("a shorter retry-after does not shorten the backoff")
                .isEqualTo(Duration.ofMillis(1800));
        assertThat(loop.step()).as("at most a day").isEqualTo(PollSchedule.LONGEST_RETRY_AFTER);
    }

    @Test
    void aProblemThatNeedsAttentionWaitsTheLongestBackoffAtOnce() throws Exception {
        PollLoop loop = loop(0.0);
        script.add(request -> {
            throw PollException.needsAttention("the vendor rejected the token (HTTP 401)");
        });
        assertThat(loop.step()).isEqualTo(Duration.ofSeconds(8));
        assertThat(context.currentProblem()).contains("the vendor rejected the token (HTTP 401)");
    }

    @Test
    void theOffsetIsStoredWithItsBatchInOneSubmitAndTheNextPollAsksFromIt() throws Exception {
        PollLoop loop = loop(0.0);
        AtomicBoolean acknowledged = new AtomicBoolean();
        script.add(request -> PollResult.builder().inbound(Inbound.messages(List.of(message("m-1"))))
                .offset("cursor", "17").onStored(() -> acknowledged.set(context.offsets().containsKey("cursor")))
                .build());

        assertThat(loop.step()).as("after a batch the next poll comes at once").isZero();
        assertThat(context.submissions()).singleElement().satisfies(in -> {
            assertThat(in.messages()).extracting(Message::channelMessageId).containsExactly("m-1");
            assertThat(in.offsets()).containsEntry("cursor", "17");
        });
        assertThat(acknowledged).as("acknowledged only once stored").isTrue();

        loop.step();
        assertThat(requests.get(0).offset("cursor")).isEmpty();
        assertThat(requests.get(1).offset("cursor")).contains("17");
    }

    @Test
    void aFailedStoreIsAFailedPollAndTheSameOffsetIsPolledAgainWithoutAcknowledging() throws Exception {
        PollLoop loop = loop(0.0);
        context.submit(Inbound.none().withOffsets(Map.of("cursor", "16")));
        AtomicBoolean acknowledged = new AtomicBoolean();
        script.add(request -> PollResult.builder().inbound(Inbound.messages(List.of(message("m-1"))))
                .offset("cursor", "17").describedAs("items up to 17").onStored(() -> acknowledged.set(true)).build());
        script.add(batch("m-1", "17"));
        context.failNextSubmit(new IllegalStateException("store is down"));

        assertThat(loop.step()).isEqualTo(Duration.ofSeconds(1));
        assertThat(acknowledged).isFalse();
        assertThat(context.currentProblem()).hasValueSatisfying(p -> assertThat(p)
                .contains("storing items up to 17 failed").contains("store is down"));
        loop.step();

        assertThat(requests).extracting(r -> r.offset("cursor").orElseThrow()).containsExactly("16", "16");
        assertThat(context.messages()).extracting(Message::channelMessageId).containsExactly("m-1");
        assertThat(context.offsets()).containsEntry("cursor", "17");
        assertThat(context.currentProblem()).as("resolved by the poll that worked").isEmpty();
    }

    @Test
    void healthShowsFailuresTheBackoffAndTheLastSuccess() throws Exception {
        PollLoop loop = loop(0.0);
        failWith(new java.io.IOException("connect to https://api.example.com?token=SECRET failed"), 2);

        loop.step();
        clock.advance(Duration.ofSeconds(1));
        loop.step();
        PollerHealth failing = loop.health();
        assertThat(failing.name()).isEqualTo("items");
        assertThat(failing.state()).isEqualTo("BACKING_OFF");
        assertThat(failing.consecutiveFailures()).isEqualTo(2);
        assertThat(failing.failures()).isEqualTo(2);
        assertThat(failing.lastFailureAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(failing.lastSuccessAt()).isNull();
        assertThat(failing.lastFailure()).as("an unclassified failure shows its type only")
                .isEqualTo("polling items failed: IOException");
        assertThat(context.problems()).noneMatch(p -> p.contains("SECRET"));

        clock.advance(Duration.ofSeconds(2));
        loop.step();
        PollerHealth recovered = loop.health();
        assertThat(recovered.consecutiveFailures()).isZero();
        assertThat(recovered.failures()).isEqualTo(2);
        assertThat(recovered.lastSuccessAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(recovered.lastPollAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(context.currentProblem()).isEmpty();
    }

    @Test
    void aHeldPollIsNeitherASuccessNorAFailure() throws Exception {
        PollLoop loop = loop(0.0);
        failWith(PollException.retryable("daily API request limit reached"), 1);
        script.add(request -> PollResult.held(Duration.ofMinutes(15)));

        loop.step();
        assertThat(loop.step()).isEqualTo(Duration.ofMinutes(15));
        assertThat(context.currentProblem()).contains("daily API request limit reached");
        assertThat(loop.health().consecutiveFailures()).isEqualTo(1);
        assertThat(loop.health().lastSuccessAt()).isNull();
    }

    @Test
    void stopWaitsForTheResultBeingStoredAndNoPollFollows() throws Exception {
        CompletableFuture<Void> store = new CompletableFuture<>();
        CountDownLatch storing = new CountDownLatch(1);
        GatedContext gated = new GatedContext(context, store, storing);
        AtomicBoolean acknowledged = new AtomicBoolean();
        script.add(request -> PollResult.builder().inbound(Inbound.messages(List.of(message("m-1"))))
                .offset("cursor", "1").onStored(() -> acknowledged.set(true)).build());
        PollLoop loop = new PollLoop("poller", "items", source, SCHEDULE, gated, clock, new Backoff(() -> 0.0),
                () -> {
                });
        loop.start(getClass().getClassLoader());
        assertThat(storing.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(loop::stop);
        Thread.sleep(200);   // stop() must still be waiting: the batch is not stored yet
        assertThat(stopped).isNotDone();
        assertThat(loop.health().state()).isEqualTo("STORING");

        store.complete(null);
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(acknowledged).as("the stored batch was acknowledged before stop returned").isTrue();
        assertThat(loop.health().state()).isEqualTo("STOPPED");
        assertThat(requests).as("no poll after the stop").hasSize(1);
    }

    @Test
    void stopInterruptsAPollWaitingOnTheNetwork() throws Exception {
        CountDownLatch polling = new CountDownLatch(1);
        script.add(request -> {
            polling.countDown();
            Thread.sleep(60_000);   // a long poll
            return PollResult.nothing();
        });
        PollLoop loop = loop(0.0);
        loop.start(getClass().getClassLoader());
        assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        loop.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(loop.health().state()).isEqualTo("STOPPED");
        assertThat(context.problems()).as("stopping is no failure").isEmpty();
    }

    @Test
    void stopWakesAPollThatAnInterruptCannotEnd() throws Exception {
        CountDownLatch polling = new CountDownLatch(1);
        CountDownLatch wokenUp = new CountDownLatch(1);
        PolledSource idling = new PolledSource() {
            @Override
            public PollResult poll(PollRequest request) {
                polling.countDown();
                // like an IMAP IDLE: blocked on the network, deaf to interrupts
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (wokenUp.getCount() > 0 && System.nanoTime() < deadline) {
                    try {
                        wokenUp.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException ignored) {
                        // not how this wait ends
                    }
                }
                return PollResult.nothing();
            }

            @Override
            public void wakeup() {
                wokenUp.countDown();
            }
        };
        PollLoop loop = new PollLoop("poller", "idle", idling, SCHEDULE, context, clock, new Backoff(() -> 0.0),
                () -> {
                });
        loop.start(getClass().getClassLoader());
        assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        loop.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(loop.health().state()).isEqualTo("STOPPED");
        assertThat(context.problems()).as("stopping is no failure").isEmpty();
    }
}
