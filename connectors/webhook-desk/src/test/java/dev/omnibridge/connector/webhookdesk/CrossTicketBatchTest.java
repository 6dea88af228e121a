package dev.omnibridge.connector.webhookdesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The {@code batchAcrossTickets} setting: while one request is in flight, deliveries of other conversations queue
 * and go together in the next request (a group commit), each caller getting exactly its own result or failure.
 * The desk is a WireMock receiver of the README's batch form; a request can be held open until the test lets it go.
 */
class CrossTicketBatchTest {
    private static final String SECRET = "desk-secret-789";
    /** The single-form answer: the event's own ticket (or a new one named after its conversation) and its key. */
    private static final String SINGLE_ANSWER = "{\"ticketRef\":\"{{#if (jsonPath request.body '$.ticketRef')}}"
            + "{{jsonPath request.body '$.ticketRef'}}{{else}}NEW-{{jsonPath request.body '$.conversation.id'}}"
            + "{{/if}}\",\"itemId\":\"{{jsonPath request.body '$.idempotencyKey'}}\"}";
    /** The batch answer: one entry per event, in order, as the README asks. */
    private static final String BATCH_ANSWER = "{\"results\":[{{#each (jsonPath request.body '$.events') as |e|}}"
            + "{\"ticketRef\":\"{{#if e.ticketRef}}{{e.ticketRef}}{{else}}NEW-{{e.conversation.id}}{{/if}}\","
            + "\"itemId\":\"{{e.idempotencyKey}}\"}{{#unless @last}},{{/unless}}{{/each}}]}";

    private static final Hold HOLD = new Hold();

    @RegisterExtension
    static WireMockExtension desk = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(HOLD))
            .build();

    private WebhookDeskConnector connector;
    private final ExecutorService lanes = Executors.newCachedThreadPool();

    /** Holds the request carrying the idempotency key "hold" until {@link #release} (at most 20 s). */
    static final class Hold implements ResponseDefinitionTransformerV2 {
        volatile CountDownLatch arrived = new CountDownLatch(1);
        volatile CountDownLatch release = new CountDownLatch(1);

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            if (event.getRequest().getBodyAsString().contains("\"idempotencyKey\":\"hold\"")) {
                arrived.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return event.getResponseDefinition();
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }

        @Override
        public String getName() {
            return "hold";
        }
    }

    @BeforeEach
    void resetHold() {
        HOLD.arrived = new CountDownLatch(1);
        HOLD.release = new CountDownLatch(1);
    }

    @AfterEach
    void stop() {
        HOLD.release.countDown();
        if (HOLD.arrived.getCount() == 0) {
            // A held request is logged once answered: let it land in this test's journal, not the next one's.
            await(() -> requests().stream().anyMatch(r -> r.getBodyAsString().contains("\"idempotencyKey\":\"hold\"")),
                    "the held request logged");
        }
        if (connector != null) {
            connector.stop();
        }
        lanes.shutdownNow();
    }

    private void start(Map<String, String> extra) {
        WebhookDeskType type = new WebhookDeskType();
        connector = (WebhookDeskConnector) type.create();
        Map<String, String> settings = new java.util.HashMap<>(Map.of("url", desk.url("/desk"), "secret", SECRET,
                "timeout", "20s"));
        settings.putAll(extra);
        connector.start(new FakeConnectorContext("desk", type.config(), settings));
    }

    private void startAcross() {
        start(Map.of("batchSize", "10", "batchAcrossTickets", "true"));
    }

    private static void answerEveryForm() {
        desk.stubFor(post(urlEqualTo("/desk")).withRequestBody(matchingJsonPath("$.events"))
                .willReturn(okJson(BATCH_ANSWER).withTransformers("response-template")));
        desk.stubFor(post(urlEqualTo("/desk")).withRequestBody(matchingJsonPath("$.event"))
                .willReturn(okJson(SINGLE_ANSWER).withTransformers("response-template")));
    }

    /** A message of conversation {@code conv}; {@code ticketRef} null opens the ticket. */
    static DeskDelivery delivery(String conv, String ticketRef, String key) {
        Address ann = Address.email(conv + "@example.com");
        Conversation conversation = new Conversation(conv, new ChannelRef("webhook-channel", "web"), "thread-" + conv,
                "contact-" + conv, ann, ConversationStatus.OPEN,
                ticketRef == null ? Map.of() : Map.of("desk", ticketRef), Instant.parse("2025-03-01T10:15:30Z"));
        Contact contact = new Contact("contact-" + conv, "Ann", List.of(ann));
        Message message = Message.builder().id("msg-" + key).direction(Direction.INBOUND)
                .channel(new ChannelRef("webhook-channel", "web")).channelMessageId("m-" + key)
                .threadKey("thread-" + conv).conversationId(conv).author(Author.customer("Ann", ann))
                .text("text of " + key).receivedAt(Instant.parse("2025-03-01T10:15:30Z")).build();
        return new DeskDelivery(message, conversation, contact, ticketRef, key);
    }

    /** The first request, of conversation c0, held open by the desk: everything after it must queue. */
    private Future<DeskResult> holdFirstRequest() throws InterruptedException {
        Future<DeskResult> first = lanes.submit(() -> connector.deliver(delivery("c0", "T-0", "hold")));
        assertThat(HOLD.arrived.await(10, TimeUnit.SECONDS)).as("the first request reached the desk").isTrue();
        return first;
    }

    /** Starts a lane's delivery and waits until its events are queued behind the request in flight. */
    private Future<DeskResult> queue(DeskDelivery d) {
        int before = connector.queuedEvents();
        Future<DeskResult> f = lanes.submit(() -> connector.deliver(d));
        await(() -> connector.queuedEvents() == before + 1, "delivery " + d.idempotencyKey() + " queued");
        return f;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static List<LoggedRequest> requests() {
        return desk.findAll(postRequestedFor(urlEqualTo("/desk")));
    }

    private static JsonNode body(LoggedRequest request) throws IOException {
        return CanonicalJson.mapper().readTree(request.getBody());
    }

    /** The lane's own failure: its call ended with a DeliveryException. */
    private static DeliveryException failureOf(Future<?> f) {
        java.util.concurrent.ExecutionException e = catchThrowableOfType(
                java.util.concurrent.ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertThat(e).as("the call failed").isNotNull();
        assertThat(e.getCause()).isInstanceOf(DeliveryException.class);
        return (DeliveryException) e.getCause();
    }

    @Test
    void deliveriesOfThreeTicketsQueuedBehindASlowRequestGoInOneSecondRequestEachGettingItsOwnResult()
            throws Exception {
        answerEveryForm();
        startAcross();
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> a = queue(delivery("c1", "T-1", "k1"));
        Future<DeskResult> b = queue(delivery("c2", "T-2", "k2"));
        Future<DeskResult> c = queue(delivery("c3", "T-3", "k3"));

        HOLD.release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-0", "hold"));
        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-1", "k1"));
        assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-2", "k2"));
        assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-3", "k3"));
        List<LoggedRequest> requests = requests();
        assertThat(requests).hasSize(2);
        JsonNode second = body(requests.get(1));
        assertThat(second.get("schema").asText()).isEqualTo("omnibridge.desk-events/v1");
        assertThat(second.get("events")).extracting(e -> e.get("ticketRef").asText())
                .containsExactly("T-1", "T-2", "T-3");
        for (int i = 0; i < 3; i++) {
            // Each event is exactly the single form, carrying its own ticket and key.
            assertThat(second.get("events").get(i)).isEqualTo(CanonicalJson.mapper().readTree(
                    DeskEvents.messageCreated(delivery("c" + (i + 1), "T-" + (i + 1), "k" + (i + 1)))));
        }
        assertThat(requests.get(1).getHeader("X-Omnibridge-Signature"))
                .isEqualTo(TestWebhooks.signature(SECRET, requests.get(1).getBody()));
    }

    @Test
    void aMixedRequestsIdempotencyKeyNamesExactlyItsEventsInOrder() throws Exception {
        answerEveryForm();
        startAcross();
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> a = queue(delivery("c1", "T-1", "k1"));
        Future<DeskResult> b = queue(delivery("c2", "T-2", "k2"));
        HOLD.release.countDown();
        first.get(10, TimeUnit.SECONDS);
        a.get(10, TimeUnit.SECONDS);
        b.get(10, TimeUnit.SECONDS);

        byte[] digest = MessageDigest.getInstance("SHA-256").digest("k1\nk2\n".getBytes(StandardCharsets.UTF_8));
        assertThat(requests().get(0).getHeader("Idempotency-Key")).isEqualTo("hold");
        assertThat(requests().get(1).getHeader("Idempotency-Key"))
                .isEqualTo("batch-" + HexFormat.of().formatHex(digest));
    }

    @Test
    void anIdleDeliveryIsSentAtOnceAloneInTheSingleForm() throws Exception {
        answerEveryForm();
        startAcross();

        DeskResult result = lanes.submit(() -> connector.deliver(delivery("c1", "T-1", "k1")))
                .get(5, TimeUnit.SECONDS);

        assertThat(result).isEqualTo(new DeskResult("T-1", "k1"));
        assertThat(requests()).hasSize(1);
        assertThat(body(requests().get(0)).has("events")).isFalse();
        assertThat(requests().get(0).getHeader("Idempotency-Key")).isEqualTo("k1");
    }

    @Test
    void aPrefixAnswerFailsOnlyTheCallerOfTheFirstUnappliedEventAndSendsTheRestAgain() throws Exception {
        answerEveryForm();
        // The desk applies only the first of three events.
        desk.stubFor(post(urlEqualTo("/desk")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.events[2].idempotencyKey", equalTo("k3")))
                .willReturn(okJson("{\"results\":[{\"ticketRef\":\"T-1\",\"itemId\":\"only-k1\"}]}")));
        startAcross();
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> a = queue(delivery("c1", "T-1", "k1"));
        Future<DeskResult> b = queue(delivery("c2", "T-2", "k2"));
        Future<DeskResult> c = queue(delivery("c3", "T-3", "k3"));

        HOLD.release.countDown();

        first.get(10, TimeUnit.SECONDS);
        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-1", "only-k1"));
        DeliveryException failure = failureOf(b);
        assertThat(failure.isRetryable()).isTrue();
        assertThat(failure.concernsOneRecord()).as("the desk answered: its health is not in question").isTrue();
        assertThat(failure.delivered()).isEmpty();
        assertThat(c.get(10, TimeUnit.SECONDS)).as("not refused, only not reached: sent again")
                .isEqualTo(new DeskResult("T-3", "k3"));
        List<LoggedRequest> requests = requests();
        assertThat(requests).hasSize(3);
        JsonNode third = body(requests.get(2));
        assertThat(third.has("events")).as("the one left goes alone, single form").isFalse();
        assertThat(third.get("idempotencyKey").asText()).isEqualTo("k3");
    }

    @Test
    void aFiveOhThreeToAMixedRequestFailsOnlyItsFirstCallerAndSendsTheOthersAgain() throws Exception {
        // Every mixed request is refused; the single form is answered.
        answerEveryForm();
        desk.stubFor(post(urlEqualTo("/desk")).atPriority(1).withRequestBody(matchingJsonPath("$.events"))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "7")));
        startAcross();
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> c1 = queue(delivery("c1", "T-1", "k1"));
        Future<DeskResult> c2 = queue(delivery("c2", "T-2", "k2"));
        Future<DeskResult> c3 = queue(delivery("c3", "T-3", "k3"));

        HOLD.release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-0", "hold"));
        // One failure per request, as separate calls would have had: the hub's breaker sees one conversation fail
        // per refused request, not every conversation that happened to share it.
        for (Future<DeskResult> f : List.of(c1, c2)) {
            DeliveryException failure = failureOf(f);
            assertThat(failure.isRetryable()).isTrue();
            assertThat(failure.concernsOneRecord()).as("a 503 is about the desk, as for a single call").isFalse();
            assertThat(failure.retryAfter()).contains(Duration.ofSeconds(7));
            assertThat(failure.delivered()).isEmpty();
            assertThat(failure.getMessage()).contains("HTTP 503");
        }
        assertThat(c3.get(10, TimeUnit.SECONDS).ticketRef()).isEqualTo("T-3");
        List<String> forms = requests().stream().map(r -> r.getBodyAsString().contains("\"events\"")
                ? "mixed" : "single").toList();
        assertThat(forms).containsExactlyInAnyOrder("single", "mixed", "mixed", "single");
    }

    @Test
    void aFourHundredToAMixedRequestSendsEachConversationAgainAloneSoOnlyTheRefusedOneFails() throws Exception {
        answerEveryForm();
        desk.stubFor(post(urlEqualTo("/desk")).atPriority(1).withRequestBody(matchingJsonPath("$.events"))
                .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"nope\"}")));
        desk.stubFor(post(urlEqualTo("/desk")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.idempotencyKey", equalTo("k2")))
                .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"event.text: refused\"}")));
        startAcross();
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> a = queue(delivery("c1", "T-1", "k1"));
        Future<DeskResult> b = queue(delivery("c2", "T-2", "k2"));
        HOLD.release.countDown();
        first.get(10, TimeUnit.SECONDS);

        assertThat(a.get(10, TimeUnit.SECONDS).ticketRef()).isEqualTo("T-1");
        DeliveryException failure = failureOf(b);
        assertThat(failure.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(failure.getMessage()).contains("HTTP 422");
        // The mixed request, then each conversation's event alone in the single form.
        List<String> forms = requests().stream().map(r -> r.getBodyAsString().contains("\"events\"") ? "mixed"
                : "single").toList();
        assertThat(forms).containsSubsequence("mixed", "single", "single");
    }

    @Test
    void aTicketOpeningEventJoinsAMixedRequestAndGetsTheNewTicketFromItsEntry() throws Exception {
        answerEveryForm();
        startAcross();
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> a = queue(delivery("c1", "T-1", "k1"));
        Future<DeskResult> opening = queue(delivery("c2", null, "k2"));
        HOLD.release.countDown();
        first.get(10, TimeUnit.SECONDS);

        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-1", "k1"));
        assertThat(opening.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("NEW-c2", "k2"));
        JsonNode second = body(requests().get(1));
        assertThat(second.get("events")).hasSize(2);
        assertThat(second.get("events").get(1).get("ticketRef").isNull()).isTrue();
    }

    @Test
    void aTicketOpeningEventWhoseEntryNamesNoTicketFailsPermanentlyAndOnlyItsCaller() throws Exception {
        answerEveryForm();
        desk.stubFor(post(urlEqualTo("/desk")).atPriority(1).withRequestBody(matchingJsonPath("$.events"))
                .willReturn(okJson("{\"results\":[{\"itemId\":\"x1\"},{\"itemId\":\"x2\"},{\"itemId\":\"x3\"}]}")));
        startAcross();
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> a = queue(delivery("c1", "T-1", "k1"));
        Future<DeskResult> opening = queue(delivery("c2", null, "k2"));
        Future<DeskResult> c = queue(delivery("c3", "T-3", "k3"));
        HOLD.release.countDown();
        first.get(10, TimeUnit.SECONDS);

        assertThat(a.get(10, TimeUnit.SECONDS)).as("an entry without ticketRef keeps the event's own ticket")
                .isEqualTo(new DeskResult("T-1", "x1"));
        DeliveryException failure = failureOf(opening);
        assertThat(failure.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-3", "x3"));
        assertThat(requests()).hasSize(2);
    }

    @Test
    void aLanesBatchJoinsOthersWholeAndInOrder() throws Exception {
        answerEveryForm();
        startAcross();
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> a = queue(delivery("c1", "T-1", "k1"));
        int before = connector.queuedEvents();
        Future<List<DeskResult>> lane = lanes.submit(() -> connector.deliverAll(List.of(
                delivery("c2", "T-2", "k2a"), delivery("c2", "T-2", "k2b"), delivery("c2", "T-2", "k2c"))));
        await(() -> connector.queuedEvents() == before + 3, "the lane's batch queued");
        HOLD.release.countDown();
        first.get(10, TimeUnit.SECONDS);

        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-1", "k1"));
        assertThat(lane.get(10, TimeUnit.SECONDS)).containsExactly(new DeskResult("T-2", "k2a"),
                new DeskResult("T-2", "k2b"), new DeskResult("T-2", "k2c"));
        assertThat(body(requests().get(1)).get("events")).extracting(e -> e.get("idempotencyKey").asText())
                .containsExactly("k1", "k2a", "k2b", "k2c");
    }

    @Test
    void aPrefixEndingInsideALanesBatchHandsThatLaneItsAppliedPrefix() throws Exception {
        answerEveryForm();
        desk.stubFor(post(urlEqualTo("/desk")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.events[3].idempotencyKey", equalTo("k3")))
                .willReturn(okJson("{\"results\":[{\"itemId\":\"i1\"},{\"itemId\":\"i2a\"}]}")));
        startAcross();
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> a = queue(delivery("c1", "T-1", "k1"));
        int before = connector.queuedEvents();
        Future<List<DeskResult>> lane = lanes.submit(() -> connector.deliverAll(List.of(
                delivery("c2", "T-2", "k2a"), delivery("c2", "T-2", "k2b"))));
        await(() -> connector.queuedEvents() == before + 2, "the lane's batch queued");
        Future<DeskResult> c = queue(delivery("c3", "T-3", "k3"));
        HOLD.release.countDown();
        first.get(10, TimeUnit.SECONDS);

        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-1", "i1"));
        DeliveryException failure = failureOf(lane);
        assertThat(failure.isRetryable()).isTrue();
        assertThat(failure.delivered()).containsExactly(new DeskResult("T-2", "i2a"));
        assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-3", "k3"));
        List<String> sent = new ArrayList<>();
        for (LoggedRequest r : requests()) {
            JsonNode b = body(r);
            if (b.has("events")) {
                b.get("events").forEach(e -> sent.add(e.get("idempotencyKey").asText()));
            } else {
                sent.add(b.get("idempotencyKey").asText());
            }
        }
        assertThat(sent).as("k2b is not sent again by the connector: its lane retries it")
                .containsExactly("hold", "k1", "k2a", "k2b", "k3", "k3");
    }

    @Test
    void withTheSettingOffRequestsNeverMixTickets() throws Exception {
        answerEveryForm();
        start(Map.of("batchSize", "10"));
        Future<DeskResult> first = lanes.submit(() -> connector.deliver(delivery("c0", "T-0", "hold")));
        assertThat(HOLD.arrived.await(10, TimeUnit.SECONDS)).isTrue();
        // Without the setting nothing waits for the held request: each lane posts on its own.
        assertThat(lanes.submit(() -> connector.deliver(delivery("c1", "T-1", "k1"))).get(10, TimeUnit.SECONDS))
                .isEqualTo(new DeskResult("T-1", "k1"));
        assertThat(lanes.submit(() -> connector.deliver(delivery("c2", "T-2", "k2"))).get(10, TimeUnit.SECONDS))
                .isEqualTo(new DeskResult("T-2", "k2"));
        HOLD.release.countDown();
        first.get(10, TimeUnit.SECONDS);

        assertThat(requests()).hasSize(3).allSatisfy(r -> {
            try {
                assertThat(body(r).has("events")).isFalse();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void queuedCallersFailRetryablyWhenTheInstanceStops() throws Exception {
        answerEveryForm();
        startAcross();
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> a = queue(delivery("c1", "T-1", "k1"));

        connector.stop();

        DeliveryException failure = failureOf(a);
        assertThat(failure.isRetryable()).isTrue();
        HOLD.release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).as("the request in flight still ends for its caller")
                .isEqualTo(new DeskResult("T-0", "hold"));
        assertThat(requests()).hasSize(1);
        connector = null;
    }

    @Test
    void aCallerQueuedBehindARequestThatTimesOutIsSentNextWithoutWaitingForIt() throws Exception {
        answerEveryForm();
        start(Map.of("batchSize", "10", "batchAcrossTickets", "true", "timeout", "300ms"));
        // The desk holds the first request for 20 s; the hub gives up on it after 300 ms.
        Future<DeskResult> first = holdFirstRequest();
        Future<DeskResult> a = queue(delivery("c1", "T-1", "k1"));

        assertThat(failureOf(first).getMessage()).contains("timed out");
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(new DeskResult("T-1", "k1"));
        HOLD.release.countDown();
    }

    @Test
    void busyLanesKeepEachConversationsOrderInFewerRequestsThanMessages() throws Exception {
        desk.stubFor(post(urlEqualTo("/desk")).withRequestBody(matchingJsonPath("$.events"))
                .willReturn(okJson(BATCH_ANSWER).withTransformers("response-template").withFixedDelay(5)));
        desk.stubFor(post(urlEqualTo("/desk")).withRequestBody(matchingJsonPath("$.event"))
                .willReturn(okJson(SINGLE_ANSWER).withTransformers("response-template").withFixedDelay(5)));
        startAcross();
        int conversations = 8;
        int perConversation = 25;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < conversations; c++) {
            String conv = "c" + c;
            // Like a dispatcher lane: the next message only once the previous call returned.
            running.add(lanes.submit(() -> {
                go.await();
                String ticket = null;
                for (int m = 0; m < perConversation; m++) {
                    ticket = connector.deliver(delivery(conv, ticket, conv + "-" + m)).ticketRef();
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : running) {
            f.get(30, TimeUnit.SECONDS);
        }

        Map<String, List<Integer>> arrived = new java.util.HashMap<>();
        List<LoggedRequest> requests = requests();
        requests.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
        for (LoggedRequest r : requests) {
            JsonNode b = body(r);
            List<JsonNode> events = new ArrayList<>();
            if (b.has("events")) {
                b.get("events").forEach(events::add);
            } else {
                events.add(b);
            }
            for (JsonNode e : events) {
                String[] key = e.get("idempotencyKey").asText().split("-");
                arrived.computeIfAbsent(key[0], k -> new ArrayList<>()).add(Integer.parseInt(key[1]));
            }
        }
        List<Integer> inOrder = java.util.stream.IntStream.range(0, perConversation).boxed().toList();
        assertThat(arrived).hasSize(conversations);
        arrived.values().forEach(seq -> assertThat(seq).as("each conversation once each, in order")
                .isEqualTo(inOrder));
        assertThat(requests).as("requests for " + conversations * perConversation + " messages")
                .hasSizeLessThan(conversations * perConversation / 2);
    }
}
