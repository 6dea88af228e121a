package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.IngestReport;
import dev.omnibridge.hub.store.Reachability;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class DispatcherTest {
    private static final Map<String, List<String>> ROUTES = Map.of("web", List.of("desk"),
            "multi", List.of("desk", "desk2"));

    @TempDir
    Path dir;

    private DeliveryRig rig;

    @BeforeEach
    void open() {
        openStore();
    }

    private void openStore() {
        rig = new DeliveryRig(dir, ch -> ROUTES.getOrDefault(ch, List.of()));
    }

    private void closeStore() {
        rig.close();
    }

    @AfterEach
    void close() {
        closeStore();
    }

    private Dispatcher dispatcher(FakeTargets targets, int maxAttempts) {
        return dispatcher(targets, maxAttempts, HubConfig.Delivery.DEFAULT_WINDOW, new Metrics());
    }

    private Dispatcher dispatcher(FakeTargets targets, int maxAttempts, int window, Metrics metrics) {
        return dispatcher(targets, maxAttempts, window, metrics,
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)));
    }

    private Dispatcher dispatcher(FakeTargets targets, int maxAttempts, int window, Metrics metrics,
                                  Backoff backoff) {
        return rig.serve(new Dispatcher(rig.store, rig.journal, targets, metrics, backoff, maxAttempts, 8,
                Clock.systemUTC(), window));
    }

    private static Message message(String instance, String thread, String text) {
        return Message.builder().channel(new ChannelRef("webhook-channel", instance))
                .channelMessageId(thread + "/" + text).threadKey(thread)
                .author(Author.customer("Ann", Address.email(thread.replaceAll("[^a-z0-9]", "") + "@example.com")))
                .text(text).build();
    }

    private CompletableFuture<IngestReport> submit(String instance, String thread, String text) {
        return rig.journal.submit(rig.writer.work(instance,
                Inbound.messages(List.of(message(instance, thread, text)))));
    }

    private String ingest(String thread, String text) throws Exception {
        return submit("web", thread, text).get(10, TimeUnit.SECONDS).storedMessageIds().get(0);
    }

    private long count(String sql) {
        try (Connection c = rig.db.connection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String deliveryColumn(String column, String messageId, String target) {
        try (Connection c = rig.db.connection(); PreparedStatement ps = c.prepareStatement("SELECT " + column
                + " FROM (SELECT id, message_id, target_instance, attempts, last_error, CAST(NULL AS VARCHAR(500)) AS "
                + "result_ref FROM outbox UNION ALL SELECT id, message_id, target_instance, attempts, NULL, result_ref "
                + "FROM delivery_results UNION ALL SELECT id, message_id, target_instance, attempts, reason, NULL FROM "
                + "dead_letters) d WHERE message_id = ? AND target_instance = ?")) {
            ps.setString(1, messageId);
            ps.setString(2, target);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "<no row>";
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitAllDone(long expected) {
        Poll.until(expected + " deliveries done",
                () -> count("SELECT COUNT(*) FROM delivery_results WHERE status = 'DONE'") == expected,
                () -> count("SELECT COUNT(*) FROM delivery_results WHERE status = 'DONE'") + " done");
    }

    private List<DeliveryStore.DeadLetter> deadLetters() {
        try {
            return rig.store.deadLetters(100);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void conversationsAreDeliveredInOrderWhileDifferentConversationsRunInParallel() throws Exception {
        FakeTargets targets = new FakeTargets();
        targets.workMillis = 1;
        dispatcher(targets, 10);

        int conversations = 20;
        int perConversation = 25;
        store("web", messages(conversations, perConversation), 20);
        awaitAllDone((long) conversations * perConversation);

        List<String> expected = IntStream.range(0, perConversation).mapToObj(n -> "m" + n).toList();
        assertThat(targets.deskTextsByThread()).hasSize(conversations)
                .allSatisfy((thread, texts) -> assertThat(texts).as(thread).isEqualTo(expected));
        assertThat(targets.sameConversationOverlapped).as("two deliveries of one conversation at once").isFalse();
        assertThat(targets.maxInFlight.get()).as("deliveries in flight at once").isGreaterThan(1);
    }

    @Test
    void firstDeliveryOfAConversationOpensATicketAndLaterOnesCarryItsRef() throws Exception {
        FakeTargets targets = new FakeTargets();
        dispatcher(targets, 10);

        store("web", messages(3, 5), 10);
        awaitAllDone(15);

        Map<String, List<DeskDelivery>> byConversation = targets.deskByConversation();
        assertThat(byConversation).hasSize(3);
        byConversation.forEach((conversationId, deliveries) -> {
            assertThat(deliveries.get(0).ticketRef()).isNull();
            assertThat(deliveries.get(0).opensTicket()).isTrue();
            assertThat(deliveries.subList(1, deliveries.size())).extracting(DeskDelivery::ticketRef)
                    .containsOnly("T-" + conversationId);
            assertThat(deliveries).allSatisfy(d -> {
                assertThat(d.conversation().id()).isEqualTo(conversationId);
                assertThat(d.contact().addresses()).isNotEmpty();
            });
        });
    }

    @Test
    void retryableFailureIsRetriedUntilItIsDelivered() throws Exception {
        FakeTargets targets = new FakeTargets();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        targets.desk = d -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw DeliveryException.retryable("HTTP 503: busy", null);
            }
            return FakeTargets.ticket(d);
        };
        dispatcher(targets, 10);

        String id = ingest("thread-1", "hello");
        awaitAllDone(1);

        assertThat(targets.deskAttempts).hasSize(3);
        assertThat(targets.deskAttempts).extracting(DeskDelivery::idempotencyKey).containsOnly(
                "omnibridge-" + id + "-desk");
        assertThat(deliveryColumn("attempts", id, "desk")).isEqualTo("3");
        assertThat(deliveryColumn("last_error", id, "desk")).isNull();
        assertThat(deliveryColumn("result_ref", id, "desk")).isEqualTo("item-" + id);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void retryingMessageHoldsItsConversationButNotOthers() throws Exception {
        FakeTargets targets = new FakeTargets();
        AtomicBoolean deskFixed = new AtomicBoolean();
        targets.desk = d -> {
            if (d.conversation().threadKey().equals("stuck") && !deskFixed.get()) {
                throw DeliveryException.retryable("HTTP 503", null);
            }
            return FakeTargets.ticket(d);
        };
        dispatcher(targets, 1000);

        ingest("stuck", "s1");
        ingest("stuck", "s2");
        ingest("free", "f1");
        ingest("free", "f2");
        Poll.until("the other conversation delivered",
                () -> targets.deskTextsByThread().getOrDefault("free", List.of()).size() == 2);
        Poll.until("the stuck conversation retried", () -> targets.deskAttempts.stream()
                .filter(d -> d.message().text().equals("s1")).count() >= 2);

        assertThat(targets.deskAttempts).noneMatch(d -> d.message().text().equals("s2"));
        deskFixed.set(true);
        awaitAllDone(4);
        assertThat(targets.deskTextsByThread().get("stuck")).containsExactly("s1", "s2");
        assertThat(targets.deskTextsByThread().get("free")).containsExactly("f1", "f2");
    }

    @Test
    void unexpectedRuntimeExceptionIsRetriedLikeANetworkError() throws Exception {
        FakeTargets targets = new FakeTargets();
        AtomicBoolean failed = new AtomicBoolean();
        targets.desk = d -> {
            if (failed.compareAndSet(false, true)) {
                throw new IllegalStateException("connection reset");
            }
            return FakeTargets.ticket(d);
        };
        dispatcher(targets, 10);

        ingest("thread-1", "hello");
        awaitAllDone(1);

        assertThat(targets.deskAttempts).hasSize(2);
    }

    @Test
    void permanentFailureIsDeadLetteredWithItsReasonWhileTheLaneMovesOn() throws Exception {
        FakeTargets targets = new FakeTargets();
        targets.desk = d -> {
            if (d.message().text().equals("poison")) {
                throw DeliveryException.permanent("HTTP 400: field 'subject' is too long");
            }
            return FakeTargets.ticket(d);
        };
        Dispatcher dispatcher = dispatcher(targets, 10);

        ingest("thread-1", "first");
        String poison = ingest("thread-1", "poison");
        ingest("thread-1", "after");
        Poll.until("the message after the poison one delivered",
                () -> targets.deskTextsByThread().getOrDefault("thread-1", List.of()).contains("after"));

        assertThat(targets.deskTextsByThread().get("thread-1")).containsExactly("first", "after");
        assertThat(targets.deskAttempts).filteredOn(d -> d.message().text().equals("poison")).hasSize(1);
        Poll.until("dead letter recorded", () -> !deadLetters().isEmpty());
        assertThat(deadLetters()).singleElement().satisfies(dl -> {
            assertThat(dl.messageId()).isEqualTo(poison);
            assertThat(dl.target()).isEqualTo("desk");
            assertThat(dl.attempts()).isEqualTo(1);
            assertThat(dl.reason()).isEqualTo("HTTP 400: field 'subject' is too long");
            assertThat(dl.failedAt()).isNotNull();
        });
        Poll.until("dead-letter gauge updated", () -> dispatcher.deadCount() == 1);
    }

    @Test
    void exhaustingMaxAttemptsDeadLettersWithTheAttemptCount() throws Exception {
        FakeTargets targets = new FakeTargets();
        targets.desk = d -> {
            throw DeliveryException.retryAfter("HTTP 429: slow down", Duration.ofMillis(1));
        };
        Dispatcher dispatcher = dispatcher(targets, 3);

        String id = ingest("thread-1", "hello");
        Poll.until("dead letter recorded", () -> !deadLetters().isEmpty());

        assertThat(deadLetters()).singleElement().satisfies(dl -> {
            assertThat(dl.messageId()).isEqualTo(id);
            assertThat(dl.attempts()).isEqualTo(3);
            assertThat(dl.reason()).startsWith("gave up after 3 attempts").contains("HTTP 429: slow down");
        });
        assertThat(targets.deskAttempts).hasSize(3);
        Poll.until("dead-letter gauge updated", () -> dispatcher.deadCount() == 1);
    }

    @Test
    void replayedDeadLetterIsDeliveredAndLeavesTheDeadLetterList() throws Exception {
        FakeTargets targets = new FakeTargets();
        AtomicBoolean broken = new AtomicBoolean(true);
        targets.desk = d -> {
            if (broken.get()) {
                throw DeliveryException.permanent("HTTP 422: unknown field");
            }
            return FakeTargets.ticket(d);
        };
        Dispatcher dispatcher = dispatcher(targets, 10);
        String id = ingest("thread-1", "hello");
        Poll.until("dead letter recorded", () -> !deadLetters().isEmpty());
        long deadId = deadLetters().get(0).id();
        Poll.until("dead-letter gauge updated", () -> dispatcher.deadCount() == 1);

        broken.set(false); // the desk got fixed
        assertThat(dispatcher.replay(deadId)).isTrue();
        awaitAllDone(1);

        assertThat(deadLetters()).isEmpty();
        assertThat(dispatcher.deadCount()).isZero();
        assertThat(targets.deskTextsByThread().get("thread-1")).containsExactly("hello");
        assertThat(deliveryColumn("result_ref", id, "desk")).isEqualTo("item-" + id);
        assertThat(dispatcher.replay(deadId)).as("no longer a dead letter").isFalse();
        assertThat(dispatcher.replay(987_654)).as("no such dead letter").isFalse();
    }

    @Test
    void deskReplyIsSentThroughTheConversationsChannelAndItsChannelIdRecorded() throws Exception {
        FakeTargets targets = new FakeTargets();
        dispatcher(targets, 10);
        ingest("thread-1", "hello");
        awaitAllDone(1);
        String ticket = targets.deskAttempts.get(0).conversation().id();

        IngestReport reply = rig.journal.submit(rig.writer.work("desk", Inbound.replies(List.of(
                new DeskReply("T-" + ticket, "c-1", Author.agent("Alice"), "Hi Ann", null, null, null, null)))))
                .get(10, TimeUnit.SECONDS);
        String replyId = reply.storedMessageIds().get(0);
        awaitAllDone(2);

        assertThat(targets.channelAttempts).singleElement().satisfies(out -> {
            assertThat(targets.channelInstances).containsExactly("web");
            assertThat(out.message().text()).isEqualTo("Hi Ann");
            assertThat(out.conversation().threadKey()).isEqualTo("thread-1");
            assertThat(out.idempotencyKey()).isEqualTo("omnibridge-" + replyId + "-web");
        });
        assertThat(deliveryColumn("result_ref", replyId, "web")).isEqualTo("sent-" + replyId);
    }

    /** A conversation on "web" whose customer the channel reported as {@code status}; returns its ticket. */
    private String conversationMarked(String thread, java.util.function.Function<Address, AddressStatus> status,
                                      FakeTargets targets) throws Exception {
        long done = count("SELECT COUNT(*) FROM delivery_results WHERE status = 'DONE'");
        ingest(thread, "hello");
        awaitAllDone(done + 1);
        DeskDelivery first = targets.deskAttempts.get(targets.deskAttempts.size() - 1);
        rig.journal.submit(rig.writer.work("web", Inbound.none().withAddressStatuses(List.of(
                status.apply(first.conversation().customer()))))).get(10, TimeUnit.SECONDS);
        return "T-" + first.conversation().id();
    }

    private void reply(String ticket, String replyId, String text) throws Exception {
        rig.journal.submit(rig.writer.work("desk", Inbound.replies(List.of(new DeskReply(ticket, replyId,
                Author.agent("Alice"), text, null, null, null, null))))).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCustomerWhoWritesAgainAfterAFailedSendIsReachableAgain() throws Exception {
        FakeTargets targets = new FakeTargets();
        dispatcher(targets, 10);
        String ticket = conversationMarked("thread-gone", a -> AddressStatus.unreachable(a, "chat not found"),
                targets);
        reply(ticket, "c-gone-1", "Are you there?");
        Poll.until("the reply is dead-lettered", () -> deadLetters().size() == 1, () -> deadLetters().toString());
        assertThat(targets.channelAttempts).isEmpty();

        ingest("thread-gone", "I am back");
        reply(ticket, "c-gone-2", "Welcome back");

        Poll.until("the next reply is sent", () -> targets.channelAttempts.size() == 1, () -> "none yet");
        assertThat(targets.channelAttempts.get(0).message().text()).isEqualTo("Welcome back");
    }

    @Test
    void anOptOutLastsUntilAnOptInEvenWhenTheCustomerWritesAgain() throws Exception {
        FakeTargets targets = new FakeTargets();
        dispatcher(targets, 10);
        String ticket = conversationMarked("thread-stop2", a -> AddressStatus.optedOut(a, "opted out with STOP"),
                targets);

        ingest("thread-stop2", "where is my order");
        reply(ticket, "c-stop2-1", "It ships today");

        Poll.until("the reply is dead-lettered", () -> deadLetters().size() == 1, () -> deadLetters().toString());
        assertThat(targets.channelAttempts).isEmpty();
        assertThat(deadLetters().get(0).reason()).contains("opted out with STOP");
    }

    /**
     * Whether the customer's address takes messages only matters to a send to the channel; a desk gets the
     * customer's messages whatever their address's state, so its deliveries skip that read.
     */
    @Test
    void onlyAChannelDeliveryReadsWhetherTheCustomersAddressTakesMessages() throws Exception {
        FakeTargets targets = new FakeTargets();
        dispatcher(targets, 10);
        conversationMarked("thread-stop3", a -> AddressStatus.optedOut(a, "opted out with STOP"), targets);
        DeskDelivery delivered = targets.deskAttempts.get(targets.deskAttempts.size() - 1);
        String messageId = delivered.message().id();
        String conversationId = delivered.conversation().id();
        java.time.Instant now = java.time.Instant.now();

        DeliveryStore.Context toDesk = rig.store.context(new DeliveryTask(1, messageId, conversationId, "desk",
                DeliveryTask.TargetKind.DESK, 0, null, now));
        DeliveryStore.Context toChannel = rig.store.context(new DeliveryTask(2, messageId, conversationId, "web",
                DeliveryTask.TargetKind.CHANNEL, 0, null, now));

        assertThat(toDesk.customerUnreachable()).isNull();
        dev.omnibridge.model.Conversation conversation = toDesk.conversation();
        assertThat(conversation.id()).isEqualTo(conversationId);
        assertThat(conversation.channel()).isEqualTo(new ChannelRef("webhook-channel", "web"));
        assertThat(conversation.threadKey()).isEqualTo("thread-stop3");
        assertThat(conversation.customer()).isEqualTo(Address.email("threadstop3@example.com"));
        assertThat(conversation.status()).isEqualTo(dev.omnibridge.model.ConversationStatus.OPEN);
        assertThat(conversation.createdAt()).isNotNull();
        assertThat(conversation.deskTickets()).containsEntry("desk", "T-" + conversationId);
        assertThat(toDesk.ticketRef()).isEqualTo("T-" + conversationId);
        assertThat(toDesk.contact().id()).isEqualTo(conversation.contactId());
        assertThat(toDesk.contact().addresses()).contains(Address.email("threadstop3@example.com"));
        assertThat(toChannel.conversation()).isEqualTo(conversation);
        assertThat(toDesk.message().id()).isEqualTo(messageId);
        assertThat(toChannel.customerUnreachable()).contains("opted out with STOP");
    }

    @Test
    void replayingADeadLetterToAnUnreachableCustomerReallyTriesTheChannel() throws Exception {
        FakeTargets targets = new FakeTargets();
        Dispatcher dispatcher = dispatcher(targets, 10);
        String ticket = conversationMarked("thread-replay", a -> AddressStatus.unreachable(a, "chat not found"),
                targets);
        reply(ticket, "c-replay-1", "Are you there?");
        Poll.until("the reply is dead-lettered", () -> deadLetters().size() == 1, () -> deadLetters().toString());
        assertThat(targets.channelAttempts).isEmpty();

        assertThat(dispatcher.replay(deadLetters().get(0).id())).isTrue();

        Poll.until("the replay is sent", () -> targets.channelAttempts.size() == 1, () -> "not tried");
        assertThat(targets.channelAttempts.get(0).message().text()).isEqualTo("Are you there?");
        Poll.until("the dead letter is gone", () -> deadLetters().isEmpty(), () -> deadLetters().toString());
    }

    /**
     * An operator (or a script) may replay a dead letter the moment it shows in the list. The DEAD row is visible
     * as soon as its commit is; the dispatcher must by then have let go of the row in memory, or the replay is
     * taken for a row it still holds and never tried (a lost delivery until a restart).
     */
    @Test
    void aDeadLetterReplayedTheMomentItIsDeadLetteredIsDelivered() throws Exception {
        FakeTargets targets = new FakeTargets();
        Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
        targets.desk = d -> {
            if (refusedOnce.add(d.message().id())) {
                throw DeliveryException.permanent("HTTP 422: the desk refused the message");
            }
            return FakeTargets.ticket(d);
        };
        Dispatcher dispatcher = dispatcher(targets, 10);
        int conversations = 40;
        java.util.concurrent.ExecutorService operators = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Boolean>> replayed = new ArrayList<>();
            for (int i = 0; i < conversations; i++) {
                String thread = "thread-replay-at-once-" + i;
                replayed.add(operators.submit(() -> {
                    long delivery = Long.parseLong(deliveryColumn("id", ingest(thread, "hello"), "desk"));
                    long deadline = System.nanoTime() + Poll.DEFAULT_TIMEOUT.toNanos();
                    // replay() answers false until the row is a dead letter: replay as soon as it is one.
                    while (!dispatcher.replay(delivery)) {
                        if (System.nanoTime() > deadline) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> r : replayed) {
                assertThat(r.get(60, TimeUnit.SECONDS)).as("replayed").isTrue();
            }
        } finally {
            operators.shutdownNow();
        }

        Poll.until("every replayed delivery delivered", () -> targets.deskDelivered.size() == conversations,
                () -> targets.deskDelivered.size() + " delivered, "
                        + count("SELECT COUNT(*) FROM outbox") + " pending in the store");
        assertThat(deadLetters()).isEmpty();
        assertThat(targets.deskAttempts).hasSize(2 * conversations);
    }

    @Test
    void anOperatorClearsAnOptOutAndTheNextReplyGoesOut() throws Exception {
        FakeTargets targets = new FakeTargets();
        dispatcher(targets, 10);
        String ticket = conversationMarked("thread-op", a -> AddressStatus.optedOut(a, "opted out with STOP"),
                targets);
        String conversation = ticket.substring(2);
        Reachability reachability = new Reachability(rig.journal, Clock.systemUTC());

        assertThat(reachability.clear(conversation)).isEqualTo(Reachability.Cleared.CLEARED);
        assertThat(reachability.clear(conversation)).isEqualTo(Reachability.Cleared.WAS_REACHABLE);
        assertThat(reachability.clear("no-such-conversation")).isEqualTo(Reachability.Cleared.NO_CONVERSATION);
        reply(ticket, "c-op-1", "Hello again");

        Poll.until("the reply is sent", () -> targets.channelAttempts.size() == 1, () -> deadLetters().toString());
    }

    @Test
    void aReplyToAnOptedOutCustomerIsDeadLetteredWithoutTryingTheChannelAndAnOptInLetsTheNextOneThrough()
            throws Exception {
        FakeTargets targets = new FakeTargets();
        dispatcher(targets, 10);
        ingest("thread-stop", "STOP");
        awaitAllDone(1);
        String ticket = targets.deskAttempts.get(0).conversation().id();
        Address customer = targets.deskAttempts.get(0).conversation().customer();
        rig.journal.submit(rig.writer.work("web", Inbound.none().withAddressStatuses(List.of(
                AddressStatus.optedOut(customer, "opted out with STOP"))))).get(10, TimeUnit.SECONDS);

        rig.journal.submit(rig.writer.work("desk", Inbound.replies(List.of(new DeskReply("T-" + ticket, "c-stop-1",
                Author.agent("Alice"), "Are you there?", null, null, null, null))))).get(10, TimeUnit.SECONDS);
        Poll.until("the reply is dead-lettered", () -> deadLetters().size() == 1, () -> deadLetters().toString());

        assertThat(targets.channelAttempts).isEmpty();
        assertThat(deadLetters().get(0).reason()).contains("takes no messages").contains("opted out with STOP");

        rig.journal.submit(rig.writer.work("web", Inbound.none().withAddressStatuses(List.of(
                AddressStatus.optedIn(customer))))).get(10, TimeUnit.SECONDS);
        rig.journal.submit(rig.writer.work("desk", Inbound.replies(List.of(new DeskReply("T-" + ticket, "c-stop-2",
                Author.agent("Alice"), "Welcome back", null, null, null, null))))).get(10, TimeUnit.SECONDS);
        Poll.until("the next reply is sent", () -> targets.channelAttempts.size() == 1, () -> "none yet");
        assertThat(targets.channelAttempts.get(0).message().text()).isEqualTo("Welcome back");
    }

    @Test
    void idempotencyKeyIsStableForAMessageAndTargetAndDiffersBetweenTargets() throws Exception {
        FakeTargets targets = new FakeTargets();
        AtomicBoolean failedOnce = new AtomicBoolean();
        targets.desk = d -> {
            if (failedOnce.compareAndSet(false, true)) {
                throw DeliveryException.retryable("timeout", null);
            }
            return FakeTargets.ticket(d);
        };
        dispatcher(targets, 10);

        String id = submit("multi", "thread-1", "hello").get(10, TimeUnit.SECONDS).storedMessageIds().get(0);
        awaitAllDone(2);

        assertThat(targets.deskAttempts).hasSize(3);
        Map<String, Set<String>> keysByTarget = new ConcurrentHashMap<>();
        for (int i = 0; i < targets.deskAttempts.size(); i++) {
            keysByTarget.computeIfAbsent(targets.deskInstances.get(i), k -> ConcurrentHashMap.newKeySet())
                    .add(targets.deskAttempts.get(i).idempotencyKey());
        }
        assertThat(keysByTarget).containsOnlyKeys("desk", "desk2");
        assertThat(keysByTarget.get("desk")).singleElement().asString().contains(id);
        assertThat(keysByTarget.get("desk2")).singleElement().asString().contains(id);
        assertThat(keysByTarget.get("desk")).doesNotContainAnyElementsOf(keysByTarget.get("desk2"));
    }

    @Test
    void recoverAfterARestartDeliversWhatWasPendingInOrderWithTheSameIdempotencyKeys() throws Exception {
        // First run: the desk is down; one message is stored while the dispatcher is not even running.
        FakeTargets down = new FakeTargets();
        down.desk = d -> {
            throw DeliveryException.retryable("HTTP 502: bad gateway", null);
        };
        Dispatcher first = dispatcher(down, 1000);
        String a1 = ingest("thread-a", "a1");
        ingest("thread-a", "a2");
        Poll.until("a first failed attempt", () -> !down.deskAttempts.isEmpty());
        first.close();
        rig.holdDeliveries();
        ingest("thread-b", "b1");
        ingest("thread-a", "a3");

        // Restart on the same database file.
        closeStore();
        openStore();
        FakeTargets up = new FakeTargets();
        Dispatcher second = dispatcher(up, 1000);
        second.recover();
        awaitAllDone(4);

        assertThat(up.deskTextsByThread()).containsEntry("thread-a", List.of("a1", "a2", "a3"))
                .containsEntry("thread-b", List.of("b1"));
        assertThat(up.deskAttempts).filteredOn(d -> d.message().id().equals(a1))
                .extracting(DeskDelivery::idempotencyKey)
                .containsExactly(down.deskAttempts.get(0).idempotencyKey());
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void recoverWhileATaskIsAlreadyQueuedDoesNotDeliverItTwice() throws Exception {
        // Hub.start starts the instances (webhooks, pollers) before Dispatcher.recover(): a message stored in
        // between is both enqueued by the writer and read back by recover().
        FakeTargets targets = new FakeTargets();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        targets.desk = d -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FakeTargets.ticket(d);
        };
        Dispatcher dispatcher = dispatcher(targets, 10);
        ingest("thread-1", "hello");
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        dispatcher.recover();
        release.countDown();
        awaitAllDone(1);
        ingest("thread-1", "marker"); // queued behind anything left in the lane
        awaitAllDone(2);

        assertThat(targets.deskTextsByThread().get("thread-1")).containsExactly("hello", "marker");
    }

    @Test
    void aLaneMovesOnBeforeItsOutcomeIsCommittedAndCarriesTheTicketItJustOpened() throws Exception {
        FakeTargets targets = new FakeTargets();
        Dispatcher dispatcher = dispatcher(targets, 10);
        List<DeliveryTask> tasks = new CopyOnWriteArrayList<>();
        rig.scheduleTo(tasks::add);
        ingest("thread-1", "m1");
        ingest("thread-1", "m2");
        CountDownLatch release = blockJournal();

        tasks.forEach(dispatcher::enqueue);
        Poll.until("both delivered while nothing is committed", () -> targets.deskDelivered.size() == 2);

        assertThat(count("SELECT COUNT(*) FROM delivery_results WHERE status = 'DONE'")).isZero();
        String conversationId = targets.deskDelivered.get(0).conversation().id();
        assertThat(targets.deskDelivered).extracting(DeskDelivery::ticketRef)
                .containsExactly(null, "T-" + conversationId);
        release.countDown();
        awaitAllDone(2);
        assertThat(count("SELECT COUNT(*) FROM desk_tickets WHERE ticket_ref = 'T-" + conversationId + "'"))
                .isEqualTo(1);
    }

    @Test
    void closeWaitsForOutcomesThatAreNotCommittedYet() throws Exception {
        FakeTargets targets = new FakeTargets();
        Dispatcher dispatcher = dispatcher(targets, 10);
        List<DeliveryTask> tasks = new CopyOnWriteArrayList<>();
        rig.scheduleTo(tasks::add);
        ingest("thread-1", "m1");
        ingest("thread-1", "m2");
        ingest("thread-2", "m3");
        CountDownLatch release = blockJournal();
        tasks.forEach(dispatcher::enqueue);
        Poll.until("all delivered", () -> targets.deskDelivered.size() == 3);

        Thread closing = new Thread(dispatcher::close);
        closing.start();
        closing.join(300);
        assertThat(closing.isAlive()).as("close() returned while outcomes were unrecorded").isTrue();
        release.countDown();
        closing.join(20_000);

        assertThat(closing.isAlive()).isFalse();
        assertThat(count("SELECT COUNT(*) FROM delivery_results WHERE status = 'DONE'")).isEqualTo(3);
    }

    /** Stores the messages (thread, text) with no dispatcher running, as a backlog left by an earlier run. */
    private void backlog(String instance, List<String[]> threadAndText) throws Exception {
        rig.holdDeliveries();
        store(instance, threadAndText, 30);
    }

    /** Submits all (thread, text) messages of {@code instance} at once and waits until every one is stored. */
    private void store(String instance, List<String[]> threadAndText, int seconds) throws Exception {
        List<CompletableFuture<IngestReport>> stored = new ArrayList<>();
        for (String[] m : threadAndText) {
            stored.add(submit(instance, m[0], m[1]));
        }
        CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get(seconds, TimeUnit.SECONDS);
    }

    private static List<String[]> messages(int threads, int perThread) {
        return messages(threads, 0, perThread);
    }

    /** Texts m{from}..m{to - 1} on threads thread-0.., round-robin: every thread's m{n} before any m{n + 1}. */
    private static List<String[]> messages(int threads, int from, int to) {
        List<String[]> list = new ArrayList<>();
        for (int n = from; n < to; n++) {
            for (int t = 0; t < threads; t++) {
                list.add(new String[] {"thread-" + t, "m" + n});
            }
        }
        return list;
    }

    private static long gauge(Metrics metrics, String state) {
        return (long) metrics.registry().get("omnibridge.deliveries").tag("state", state).gauge().value();
    }

    @Test
    void aBacklogLargerThanTheWindowIsTakenIntoMemoryOnlyAWindowAtATime() throws Exception {
        backlog("web", messages(200, 1));
        FakeTargets targets = new FakeTargets();
        AtomicBoolean deskUp = new AtomicBoolean(false);
        targets.desk = d -> {
            if (!deskUp.get()) {
                throw DeliveryException.retryable("HTTP 503: service unavailable", null);
            }
            return FakeTargets.ticket(d);
        };
        Metrics metrics = new Metrics();
        Dispatcher dispatcher = dispatcher(targets, 1000, 20, metrics);
        dispatcher.recover();

        Poll.until("every held message tried a few times", () -> targets.deskAttempts.size() >= 100);
        Set<String> tried = ConcurrentHashMap.newKeySet();
        targets.deskAttempts.forEach(d -> tried.add(d.message().id()));
        assertThat(tried).as("messages taken into memory while the desk is down").hasSize(20);
        assertThat(gauge(metrics, "pending")).isEqualTo(200);

        deskUp.set(true);
        awaitAllDone(200);
        assertThat(targets.deskDelivered).extracting(d -> d.message().id()).doesNotHaveDuplicates().hasSize(200);
        Poll.until("the pending gauge back to zero", () -> gauge(metrics, "pending") == 0);
        assertThat(gauge(metrics, "retrying")).isZero();
    }

    @Test
    void aPagedBacklogIsDeliveredOnceInOrderPerConversation() throws Exception {
        List<String[]> all = messages(10, 8);
        for (int n = 0; n < 60; n++) {
            all.add(new String[] {"long", "l" + n});
        }
        backlog("web", all);
        FakeTargets targets = new FakeTargets();
        Dispatcher dispatcher = dispatcher(targets, 10, 20, new Metrics());
        dispatcher.recover();
        awaitAllDone(all.size());

        List<String> expected = IntStream.range(0, 8).mapToObj(n -> "m" + n).toList();
        Map<String, List<String>> byThread = targets.deskTextsByThread();
        assertThat(byThread.get("long")).isEqualTo(IntStream.range(0, 60).mapToObj(n -> "l" + n).toList());
        IntStream.range(0, 10).forEach(t -> assertThat(byThread.get("thread-" + t)).isEqualTo(expected));
        assertThat(targets.deskDelivered).hasSize(all.size());
    }

    @Test
    void aStuckLongConversationDoesNotTakeTheWindowFromTheOthers() throws Exception {
        List<String[]> all = new ArrayList<>();
        for (int n = 0; n < 100; n++) {
            all.add(new String[] {"stuck", "s" + n});
        }
        all.addAll(messages(30, 2));
        backlog("web", all);
        FakeTargets targets = new FakeTargets();
        targets.desk = d -> {
            if (d.conversation().threadKey().equals("stuck")) {
                throw DeliveryException.retryable("HTTP 502: bad gateway", null);
            }
            return FakeTargets.ticket(d);
        };
        Dispatcher dispatcher = dispatcher(targets, 1000, 40, new Metrics());
        dispatcher.recover();

        awaitAllDone(60);
        assertThat(targets.deskTextsByThread()).doesNotContainKey("stuck").hasSize(30);
    }

    @Test
    void messagesStoredWhileTheBacklogIsReadKeepTheirConversationsOrder() throws Exception {
        backlog("web", messages(5, 20));
        FakeTargets targets = new FakeTargets();
        targets.workMillis = 1;
        Dispatcher dispatcher = dispatcher(targets, 10, 10, new Metrics());
        dispatcher.recover();
        store("web", messages(5, 20, 40), 30);
        awaitAllDone(200);

        List<String> expected = IntStream.range(0, 40).mapToObj(n -> "m" + n).toList();
        assertThat(targets.deskTextsByThread()).hasSize(5)
                .allSatisfy((thread, texts) -> assertThat(texts).as(thread).isEqualTo(expected));
        assertThat(targets.deskDelivered).hasSize(200);
    }

    @Test
    void aDownDeskWithAFullWindowDoesNotHoldUpAnotherTarget() throws Exception {
        backlog("multi", messages(50, 1));
        FakeTargets targets = new FakeTargets();
        targets.down.add("desk");
        Dispatcher dispatcher = dispatcher(targets, 1000, 10, new Metrics());
        dispatcher.recover();
        for (int t = 0; t < 10; t++) {
            submit("multi", "live-" + t, "new").get(10, TimeUnit.SECONDS);
        }

        Poll.until("desk2 has everything", () -> count("SELECT COUNT(*) FROM delivery_results WHERE status = 'DONE' "
                + "AND target_instance = 'desk2'") == 60);
        assertThat(count("SELECT COUNT(*) FROM delivery_results WHERE status = 'DONE' AND target_instance = 'desk'"))
                .isZero();
    }

    // The hub's default backoff (hub.delivery.initialBackoff 1s, maxBackoff 5m): what an outage really meets.
    private static final Backoff HUB_DEFAULT_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    /** Milliseconds since {@code start} of each desk attempt, recorded as the desk sees them. */
    private static List<Long> attemptTimes(List<Long> nanos, long start) {
        return nanos.stream().map(t -> TimeUnit.NANOSECONDS.toMillis(t - start)).sorted().toList();
    }

    @Test
    void aBacklogFlowsWithinSecondsOfTheDeskAnsweringAgainAndTheDeskIsNotStormedWhileDown() throws Exception {
        FakeTargets targets = new FakeTargets();
        AtomicBoolean deskUp = new AtomicBoolean(false);
        targets.desk = d -> {
            if (!deskUp.get()) {
                throw DeliveryException.retryable("HTTP 503: service unavailable", null);
            }
            return FakeTargets.ticket(d);
        };
        Dispatcher dispatcher = dispatcher(targets, 1000, HubConfig.Delivery.DEFAULT_WINDOW, new Metrics(),
                HUB_DEFAULT_BACKOFF);
        int conversations = 200;
        store("web", messages(conversations, 1), 30);

        // Long enough that each conversation's own backoff has grown to 8-16 s; -Ddrain.outageSeconds=90 for the
        // outage of the issue.
        long outageSeconds = Long.getLong("drain.outageSeconds", 15);
        Thread.sleep(TimeUnit.SECONDS.toMillis(outageSeconds));
        int attemptsWhileDown = targets.deskAttempts.size();
        assertThat(dispatcher.pausedTargets()).containsKey("desk");

        deskUp.set(true);
        long recovered = System.nanoTime();
        Poll.until("a first delivery after the desk recovered", () -> !targets.deskDelivered.isEmpty());
        long firstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered);
        Poll.until("the whole backlog delivered", () -> targets.deskDelivered.size() >= conversations,
                () -> targets.deskDelivered.size() + " delivered");
        long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered);
        System.out.printf("outage %d s, %d conversations: %d desk attempts while down; after recovery first delivery "
                + "in %d ms, backlog drained in %d ms%n", outageSeconds, conversations, attemptsWhileDown, firstMillis,
                drainMillis);

        // No storm: the first failures of the conversations in flight (8 workers) open the breaker, then about one
        // probe a second; without the breaker every conversation retries on its own, some 800 attempts.
        assertThat(attemptsWhileDown).as("desk attempts during a %d s outage", outageSeconds)
                .isLessThanOrEqualTo(3 + 8 + (int) outageSeconds + 10);
        // Regression bounds with margin for a loaded machine (the probe interval is 1 s).
        assertThat(firstMillis).as("first delivery after recovery, ms").isLessThan(3_000);
        assertThat(drainMillis).as("whole backlog after recovery, ms").isLessThan(6_000);
        awaitAllDone(conversations);
        assertThat(targets.deskDelivered).extracting(d -> d.message().id()).doesNotHaveDuplicates();
        assertThat(dispatcher.pausedTargets()).isEmpty();
    }

    @Test
    void whileTheDeskAsksToComeBackLaterItIsProbedNoSoonerThanItSaid() throws Exception {
        FakeTargets targets = new FakeTargets();
        AtomicBoolean deskUp = new AtomicBoolean(false);
        List<Long> attempts = new CopyOnWriteArrayList<>();
        targets.desk = d -> {
            attempts.add(System.nanoTime());
            if (!deskUp.get()) {
                throw DeliveryException.retryAfter("HTTP 429: too many requests", Duration.ofSeconds(3));
            }
            return FakeTargets.ticket(d);
        };
        dispatcher(targets, 1000, HubConfig.Delivery.DEFAULT_WINDOW, new Metrics(), HUB_DEFAULT_BACKOFF);
        long start = System.nanoTime();
        store("web", messages(20, 1), 30);

        Thread.sleep(8_000);
        List<Long> whileDown = attemptTimes(attempts, start);
        deskUp.set(true);
        Poll.until("the backlog delivered", () -> targets.deskDelivered.size() == 20);

        // The first failures come at once; after them the desk is asked again only once its 3 s have passed, and
        // then once per 3 s (without the breaker, all 20 conversations come back together every 3 s).
        long firstBurstEnd = whileDown.get(0) + 1_000;
        List<Long> later = whileDown.stream().filter(t -> t > firstBurstEnd).toList();
        assertThat(later).as("attempts after the first failures, ms since start: %s", whileDown).isNotEmpty();
        assertThat(later.get(0) - whileDown.stream().filter(t -> t <= firstBurstEnd).max(Long::compare).orElseThrow())
                .as("first probe after the failures, ms since the last of them (all times: %s)", whileDown)
                .isGreaterThanOrEqualTo(2_900);
        for (int i = 1; i < later.size(); i++) {
            assertThat(later.get(i) - later.get(i - 1)).as("gap between probes, ms (all times: %s)", whileDown)
                    .isGreaterThanOrEqualTo(2_900);
        }
        awaitAllDone(20);
    }

    @Test
    void rowsBeyondTheWindowThatAnEarlierRunSetToWaitGoAtOnceWhenTheDeskAnswersAgain() throws Exception {
        // 20 conversations due now, then 20 whose backoff from an earlier run has ten minutes left; only the first
        // 20 fit in memory.
        backlog("web", messages(40, 1));
        try (Connection c = rig.db.connection(); PreparedStatement ps = c.prepareStatement("UPDATE outbox SET "
                + "attempts = 6, next_attempt_at = CURRENT_TIMESTAMP + INTERVAL '10' MINUTE WHERE id > "
                + "(SELECT MIN(id) + 19 FROM outbox)")) {
            assertThat(ps.executeUpdate()).isEqualTo(20);
        }
        FakeTargets targets = new FakeTargets();
        targets.down.add("desk");
        Dispatcher dispatcher = dispatcher(targets, 1000, 20, new Metrics(), HUB_DEFAULT_BACKOFF);
        dispatcher.recover();
        Poll.until("the desk's deliveries paused", () -> dispatcher.pausedTargets().containsKey("desk"));

        targets.down.remove("desk");
        long recovered = System.nanoTime();
        Poll.until("all 40 delivered", () -> targets.deskDelivered.size() == 40,
                () -> targets.deskDelivered.size() + " delivered");

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered)).isLessThan(6_000);
        awaitAllDone(40);
    }

    @Test
    void aProbeThatMeetsAOneRecordFailureDoesNotResumeADeskThatIsStillDown() throws Exception {
        FakeTargets targets = new FakeTargets();
        List<Long> normalAttempts = new CopyOnWriteArrayList<>();
        targets.desk = d -> {
            if (d.conversation().threadKey().equals("budget")) {
                // Raised by the connector itself (a ticket's used-up budget): the desk was not even called.
                throw DeliveryException.retryableForThisRecord("ticket has used its update budget", null);
            }
            normalAttempts.add(System.nanoTime());
            throw DeliveryException.retryable("HTTP 503: service unavailable", null);
        };
        Dispatcher dispatcher = dispatcher(targets, 1000, HubConfig.Delivery.DEFAULT_WINDOW, new Metrics(),
                new Backoff(Duration.ofMillis(300), Duration.ofSeconds(5)));
        store("web", List.of(new String[] {"budget", "b"}, new String[] {"a", "a"}, new String[] {"b", "b"},
                new String[] {"c", "c"}), 10);
        Poll.until("the desk's deliveries paused", () -> dispatcher.pausedTargets().containsKey("desk"));
        Thread.sleep(200);
        long opened = System.nanoTime();

        Poll.until("the budget conversation probed twice", () -> targets.deskAttempts.stream()
                .filter(d -> d.conversation().threadKey().equals("budget")).count() >= 3);
        Thread.sleep(400);

        // One probe at a time, 300 ms apart: had the one-record failure resumed the desk, the other conversations
        // would all have gone at once.
        List<Long> after = normalAttempts.stream().filter(t -> t > opened).sorted().toList();
        assertThat(after).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < after.size(); i++) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(after.get(i) - after.get(i - 1)))
                    .as("ms between two attempts of the down desk").isGreaterThanOrEqualTo(150);
        }
        assertThat(dispatcher.pausedTargets()).containsKey("desk");
    }

    @Test
    void oneConversationsRecordFailingDoesNotPauseTheDesk() throws Exception {
        FakeTargets targets = new FakeTargets();
        targets.desk = d -> {
            if (d.conversation().threadKey().startsWith("locked")) {
                throw DeliveryException.retryableForThisRecord("HTTP 400: UNABLE_TO_LOCK_ROW", null);
            }
            return FakeTargets.ticket(d);
        };
        Dispatcher dispatcher = dispatcher(targets, 1000);
        store("web", List.of(new String[] {"locked-1", "a"}, new String[] {"locked-2", "b"},
                new String[] {"locked-3", "c"}, new String[] {"locked-4", "d"}), 10);
        Poll.until("the locked conversations retried", () -> targets.deskAttempts.size() >= 20);

        assertThat(dispatcher.pausedTargets()).isEmpty();
        ingest("free", "f1");
        Poll.until("another conversation delivered", () -> targets.deskDelivered.size() == 1);
    }

    /** Holds the journal's writer (and so every commit) until the returned latch is counted down. */
    private CountDownLatch blockJournal() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        rig.journal.submit((c, after) -> {
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    // ---------------------------------------------------------------------------------------------------------

    @FunctionalInterface
    interface DeskBehaviour {
        DeskResult deliver(DeskDelivery delivery);
    }

    /** The connector side: records what it is asked to deliver and answers as told. */
    static final class FakeTargets implements DeliveryTargets {
        final List<DeskDelivery> deskAttempts = new CopyOnWriteArrayList<>();
        final List<String> deskInstances = new CopyOnWriteArrayList<>();
        final List<DeskDelivery> deskDelivered = new CopyOnWriteArrayList<>();
        final List<OutboundMessage> channelAttempts = new CopyOnWriteArrayList<>();
        final List<String> channelInstances = new CopyOnWriteArrayList<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final Set<String> busyConversations = ConcurrentHashMap.newKeySet();
        volatile boolean sameConversationOverlapped;
        volatile long workMillis;
        volatile DeskBehaviour desk = FakeTargets::ticket;
        // Desk instances that answer every delivery with a retryable error.
        final Set<String> down = ConcurrentHashMap.newKeySet();

        static DeskResult ticket(DeskDelivery d) {
            return new DeskResult(d.ticketRef() != null ? d.ticketRef() : "T-" + d.conversation().id(),
                    "item-" + d.message().id());
        }

        @Override
        public DeskResult deliverToDesk(String instanceId, DeskDelivery delivery) {
            String lane = instanceId + "|" + delivery.conversation().id();
            if (!busyConversations.add(lane)) {
                sameConversationOverlapped = true;
            }
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                synchronized (this) {
                    deskAttempts.add(delivery);
                    deskInstances.add(instanceId);
                }
                if (workMillis > 0) {
                    Thread.sleep(workMillis);
                }
                if (down.contains(instanceId)) {
                    throw DeliveryException.retryable("HTTP 503: service unavailable", null);
                }
                DeskResult result = desk.deliver(delivery);
                deskDelivered.add(delivery);
                return result;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw DeliveryException.retryable("interrupted", e);
            } finally {
                inFlight.decrementAndGet();
                busyConversations.remove(lane);
            }
        }

        @Override
        public String sendToChannel(String instanceId, OutboundMessage message) {
            channelAttempts.add(message);
            channelInstances.add(instanceId);
            return "sent-" + message.message().id();
        }

        /** Successfully delivered message texts per thread key, in the order the desk received them. */
        Map<String, List<String>> deskTextsByThread() {
            Map<String, List<String>> map = new ConcurrentHashMap<>();
            for (DeskDelivery d : deskDelivered) {
                map.computeIfAbsent(d.conversation().threadKey(), k -> Collections.synchronizedList(
                        new ArrayList<>())).add(d.message().text());
            }
            return map;
        }

        /** Successful deliveries per conversation id, in order. */
        Map<String, List<DeskDelivery>> deskByConversation() {
            Map<String, List<DeskDelivery>> map = new ConcurrentHashMap<>();
            for (DeskDelivery d : deskDelivered) {
                map.computeIfAbsent(d.conversation().id(), k -> new ArrayList<>()).add(d);
            }
            return map;
        }
    }
}
