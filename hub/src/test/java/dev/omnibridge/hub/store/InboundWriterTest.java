package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.ThreadMove;
import dev.omnibridge.spi.MessageAnnotation;
import dev.omnibridge.spi.Skipped;
import dev.omnibridge.spi.TicketUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.hub.store.StoreTestSupport.count;
import static dev.omnibridge.hub.store.StoreTestSupport.customerMessage;
import static dev.omnibridge.hub.store.StoreTestSupport.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InboundWriterTest {
    private static final Map<String, List<String>> ROUTES = Map.of(
            "web", List.of("desk"),
            "chat", List.of("desk"),
            "multi", List.of("desk", "desk2"));

    @TempDir
    Path dir;

    private Database db;
    private Journal journal;
    private DeliveryStore deliveries;
    /** Every delivery, whatever its state (pending, finished, dead), as one table for counting. */
    private static final String ALL_DELIVERIES = "(SELECT kind, target_instance FROM outbox UNION ALL SELECT kind, "
            + "target_instance FROM delivery_results UNION ALL SELECT kind, target_instance FROM dead_letters) d";
    private JournalQueries queries;
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    private InboundWriter writer;

    @BeforeEach
    void open() {
        db = StoreTestSupport.openDatabase(dir);
        journal = new Journal(db);
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent);
        queries = new JournalQueries(db);
        writer = new InboundWriter(ch -> ROUTES.getOrDefault(ch, List.of()), scheduled::add, Clock.systemUTC(),
                recent);
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    private IngestReport ingest(String instance, Inbound inbound) throws Exception {
        return journal.submit(writer.work(instance, inbound)).get(10, TimeUnit.SECONDS);
    }

    private IngestReport ingest(Message... messages) throws Exception {
        return ingest(messages[0].channel().instanceId(), Inbound.messages(List.of(messages)));
    }

    private static DeskReply reply(String ticketRef, String replyId, String text) {
        return new DeskReply(ticketRef, replyId, Author.agent("Alice"), text, null, null, null, null);
    }

    private DeliveryTask scheduledFor(String messageId, String target) {
        return scheduled.stream().filter(t -> t.messageId().equals(messageId) && t.target().equals(target))
                .findFirst().orElseThrow(() -> new AssertionError("no task for " + messageId + " -> " + target
                        + " in " + scheduled));
    }

    /** Stores a customer message and lets the desk "create" ticket T-1 (answering with the given item id). */
    private DeliveryTask customerMessageOnTicket(String ticketRef, String itemId) throws Exception {
        IngestReport report = ingest(customerMessage("web", "m-1", "thread-1", "ann@example.com", "Hi"));
        DeliveryTask toDesk = scheduledFor(report.storedMessageIds().get(0), "desk");
        journal.submit(deliveries.done(toDesk, itemId, ticketRef, Instant.now())).get(10, TimeUnit.SECONDS);
        return toDesk;
    }

    @Test
    void customerMessageIsStoredWithConversationContactAndOneOutboxRowPerRoutedDesk() throws Exception {
        IngestReport report = ingest(customerMessage("multi", "m-1", "thread-1", "Ann@Example.com", "Hello"));

        assertThat(report.storedMessageIds()).hasSize(1);
        assertThat(report.duplicates()).isZero();
        assertThat(report.skipped()).isZero();
        String id = report.storedMessageIds().get(0);

        Message stored = queries.message(id).orElseThrow().message();
        assertThat(stored.id()).isEqualTo(id);
        assertThat(stored.conversationId()).isNotNull();
        assertThat(stored.channelMessageId()).isEqualTo("m-1");
        assertThat(stored.direction()).isEqualTo(Direction.INBOUND);
        assertThat(stored.receivedAt()).isNotNull();
        assertThat(stored.text()).isEqualTo("Hello");

        assertThat(count(db, "SELECT COUNT(*) FROM conversations")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM contacts")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM outbox WHERE message_id = ? AND kind = 'DESK' "
                + "AND attempts = 0", id)).isEqualTo(2);

        assertThat(scheduled).extracting(DeliveryTask::target).containsExactlyInAnyOrder("desk", "desk2");
        assertThat(scheduled).allSatisfy(t -> {
            assertThat(t.messageId()).isEqualTo(id);
            assertThat(t.conversationId()).isEqualTo(stored.conversationId());
            assertThat(t.kind()).isEqualTo(DeliveryTask.TargetKind.DESK);
            assertThat(t.attempts()).isZero();
        });

        DeliveryStore.Context ctx = deliveries.context(scheduled.get(0));
        assertThat(ctx.ticketRef()).isNull();
        assertThat(ctx.conversation().threadKey()).isEqualTo("thread-1");
        assertThat(ctx.conversation().channel()).isEqualTo(new ChannelRef("webhook-channel", "multi"));
        assertThat(ctx.conversation().customer()).isEqualTo(Address.email("ann@example.com"));
        assertThat(ctx.conversation().status()).isEqualTo(ConversationStatus.OPEN);
        assertThat(ctx.contact().displayName()).isEqualTo("Ann");
        assertThat(ctx.contact().addresses()).containsExactly(Address.email("ann@example.com"));
    }

    @Test
    void messageFromAChannelWithoutRoutesIsStoredButScheduledNowhere() throws Exception {
        IngestReport report = ingest(customerMessage("unrouted", "m-1", "t", "ann@example.com", "Hi"));

        assertThat(report.storedMessageIds()).hasSize(1);
        assertThat(scheduled).isEmpty();
        assertThat(count(db, "SELECT COUNT(*) FROM " + ALL_DELIVERIES)).isZero();
    }

    @Test
    void sameChannelMessageIdTwiceIsStoredAndScheduledOnce() throws Exception {
        Message m = customerMessage("web", "m-1", "thread-1", "ann@example.com", "Hello");

        IngestReport first = ingest(m);
        IngestReport second = ingest(m);

        assertThat(first.storedMessageIds()).hasSize(1);
        assertThat(second.storedMessageIds()).isEmpty();
        assertThat(second.duplicates()).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM messages")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM " + ALL_DELIVERIES)).isEqualTo(1);
        assertThat(scheduled).hasSize(1);
    }

    @Test
    void sameChannelMessageIdSubmittedConcurrentlyIsStoredAndScheduledOnce() throws Exception {
        Message m = customerMessage("web", "m-1", "thread-1", "ann@example.com", "Hello");
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<IngestReport>> reports = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            reports.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return journal.submit(writer.work("web", Inbound.messages(List.of(m)))).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        go.countDown();

        List<IngestReport> done = new ArrayList<>();
        for (CompletableFuture<IngestReport> r : reports) {
            done.add(r.get(10, TimeUnit.SECONDS));
        }
        assertThat(done).flatExtracting(IngestReport::storedMessageIds).hasSize(1);
        assertThat(done).extracting(IngestReport::duplicates).containsOnly(0, 1)
                .filteredOn(d -> d == 1).hasSize(4);
        assertThat(count(db, "SELECT COUNT(*) FROM messages")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM " + ALL_DELIVERIES)).isEqualTo(1);
        assertThat(scheduled).hasSize(1);
    }

    @Test
    void sameChannelMessageIdTwiceInOneBatchIsStoredOnce() throws Exception {
        Message m = customerMessage("web", "m-1", "thread-1", "ann@example.com", "Hello");

        IngestReport report = ingest(m, m);

        assertThat(report.storedMessageIds()).hasSize(1);
        assertThat(report.duplicates()).isEqualTo(1);
    }

    @Test
    void sameChannelMessageIdOnAnotherInstanceIsADifferentMessage() throws Exception {
        ingest(customerMessage("web", "m-1", "thread-1", "ann@example.com", "Hello"));
        IngestReport other = ingest(customerMessage("chat", "m-1", "thread-1", "ann@example.com", "Hello"));

        assertThat(other.storedMessageIds()).hasSize(1);
        assertThat(count(db, "SELECT COUNT(*) FROM messages")).isEqualTo(2);
    }

    @Test
    void messagesWithTheSameThreadKeyShareAConversation() throws Exception {
        String a = ingest(customerMessage("web", "m-1", "thread-1", "ann@example.com", "one"))
                .storedMessageIds().get(0);
        String b = ingest(customerMessage("web", "m-2", "thread-1", "ann@example.com", "two"))
                .storedMessageIds().get(0);
        String c = ingest(customerMessage("web", "m-3", "thread-2", "ann@example.com", "three"))
                .storedMessageIds().get(0);

        String convA = queries.message(a).orElseThrow().message().conversationId();
        String convB = queries.message(b).orElseThrow().message().conversationId();
        String convC = queries.message(c).orElseThrow().message().conversationId();
        assertThat(convB).isEqualTo(convA);
        assertThat(convC).isNotEqualTo(convA);
        assertThat(queries.messages(convA, 100)).extracting(v -> v.message().text()).containsExactly("one", "two");
        // Same customer address: both conversations belong to one contact.
        assertThat(count(db, "SELECT COUNT(*) FROM contacts")).isEqualTo(1);
    }

    private String conversationOf(IngestReport report) throws Exception {
        return queries.message(report.storedMessageIds().get(0)).orElseThrow().message().conversationId();
    }

    @Test
    void aThreadMoveRekeysTheConversationSoLaterMessagesAndRepliesUseTheNewKey() throws Exception {
        String conv = conversationOf(ingest(customerMessage("web", "m-1", "group-1", "ann@example.com", "before")));

        // The move and a message already under the new key, in one unit: the message joins the moved conversation.
        IngestReport moved = ingest("web", Inbound.messages(List.of(customerMessage("web", "m-2", "super-1",
                "ann@example.com", "after"))).withThreadMoves(List.of(new ThreadMove("group-1", "super-1"))));
        String later = conversationOf(ingest(customerMessage("web", "m-3", "super-1", "ann@example.com", "later")));

        assertThat(conversationOf(moved)).isEqualTo(conv);
        assertThat(later).isEqualTo(conv);
        assertThat(queries.conversation(conv).orElseThrow().threadKey()).isEqualTo("super-1");
        assertThat(count(db, "SELECT COUNT(*) FROM conversations")).isEqualTo(1);
        assertThat(deliveries.context(scheduled.get(scheduled.size() - 1)).conversation().threadKey())
                .isEqualTo("super-1");
    }

    @Test
    void aMessageUnderTheOldKeyInTheUnitOfItsMoveJoinsTheMovedConversation() throws Exception {
        String conv = conversationOf(ingest(customerMessage("web", "m-1", "group-2", "ann@example.com", "one")));

        IngestReport report = ingest("web", Inbound.messages(List.of(customerMessage("web", "m-2", "group-2",
                "ann@example.com", "two"))).withThreadMoves(List.of(new ThreadMove("group-2", "super-2"))));

        assertThat(conversationOf(report)).isEqualTo(conv);
        assertThat(queries.message(report.storedMessageIds().get(0)).orElseThrow().message().threadKey())
                .isEqualTo("super-2");
        assertThat(count(db, "SELECT COUNT(*) FROM conversations")).isEqualTo(1);
    }

    @Test
    void aMoveOntoAKeyWithItsOwnConversationOrFromAnUnknownKeyChangesNothing() throws Exception {
        String a = conversationOf(ingest(customerMessage("web", "m-1", "group-3", "ann@example.com", "one")));
        String b = conversationOf(ingest(customerMessage("web", "m-2", "super-3", "ann@example.com", "two")));

        ingest("web", Inbound.none().withThreadMoves(List.of(new ThreadMove("group-3", "super-3"),
                new ThreadMove("never-seen", "other"))));

        assertThat(queries.conversation(a).orElseThrow().threadKey()).isEqualTo("group-3");
        assertThat(queries.conversation(b).orElseThrow().threadKey()).isEqualTo("super-3");
        assertThat(count(db, "SELECT COUNT(*) FROM conversations")).isEqualTo(2);
    }

    @Test
    void sameCustomerAddressOnTwoInstancesIsOneContactWithTwoConversations() throws Exception {
        ingest(customerMessage("web", "m-1", "thread-1", "ann@example.com", "via web"));
        ingest(customerMessage("chat", "c-1", "thread-1", "ANN@example.com", "via chat"));

        assertThat(count(db, "SELECT COUNT(*) FROM contacts")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(DISTINCT contact_id) FROM conversations")).isEqualTo(1);
        assertThat(queries.conversations(10)).extracting(cv -> cv.channel().instanceId())
                .containsExactlyInAnyOrder("web", "chat");
    }

    @Test
    void deskReplyForAKnownTicketBecomesAnOutboundMessageForTheConversationsChannel() throws Exception {
        DeliveryTask toDesk = customerMessageOnTicket("T-1", "item-1");
        scheduled.clear();

        IngestReport report = ingest("desk", Inbound.replies(List.of(reply("T-1", "c-9", "Hello Ann"))));

        assertThat(report.storedMessageIds()).hasSize(1);
        String replyId = report.storedMessageIds().get(0);
        DeliveryTask toChannel = scheduled.stream().filter(t -> t.messageId().equals(replyId)).findFirst()
                .orElseThrow();
        assertThat(toChannel.kind()).isEqualTo(DeliveryTask.TargetKind.CHANNEL);
        assertThat(toChannel.target()).isEqualTo("web");
        assertThat(toChannel.conversationId()).isEqualTo(toDesk.conversationId());
        assertThat(scheduled).hasSize(1);

        DeliveryStore.Context ctx = deliveries.context(toChannel);
        Message out = ctx.message();
        assertThat(out.direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(out.text()).isEqualTo("Hello Ann");
        assertThat(out.channel()).isEqualTo(new ChannelRef("webhook-channel", "web"));
        assertThat(out.threadKey()).isEqualTo("thread-1");
        assertThat(out.conversationId()).isEqualTo(toDesk.conversationId());
        assertThat(out.author().displayName()).isEqualTo("Alice");
        assertThat(out.metadata()).containsEntry("desk.instance", "desk").containsEntry("desk.ticketRef", "T-1")
                .containsEntry("desk.replyId", "c-9");
        assertThat(ctx.conversation().deskTickets()).containsEntry("desk", "T-1");
        assertThat(count(db, "SELECT COUNT(*) FROM " + ALL_DELIVERIES
                + " WHERE kind = 'CHANNEL' AND target_instance = 'web'"))
                .isEqualTo(1);
    }

    @Test
    void sameDeskReplyTwiceIsStoredAndScheduledOnce() throws Exception {
        customerMessageOnTicket("T-1", "item-1");
        scheduled.clear();

        ingest("desk", Inbound.replies(List.of(reply("T-1", "c-9", "Hello"))));
        IngestReport again = ingest("desk", Inbound.replies(List.of(reply("T-1", "c-9", "Hello"))));

        assertThat(again.storedMessageIds()).isEmpty();
        assertThat(again.duplicates()).isEqualTo(1);
        assertThat(scheduled).hasSize(1);
    }

    @Test
    void deskReplyThatIsTheHubsOwnPostIsSkipped() throws Exception {
        customerMessageOnTicket("T-1", "item-1");
        scheduled.clear();

        IngestReport report = ingest("desk", Inbound.replies(List.of(reply("T-1", "item-1", "Hi"))));

        assertThat(report.storedMessageIds()).isEmpty();
        assertThat(report.skipped()).isEqualTo(1);
        assertThat(scheduled).isEmpty();
        assertThat(count(db, "SELECT COUNT(*) FROM messages WHERE direction = 'OUTBOUND'")).isZero();
    }

    @Test
    void channelMessageThatIsTheHubsOwnSentReplyIsSkipped() throws Exception {
        customerMessageOnTicket("T-1", "item-1");
        scheduled.clear();
        ingest("desk", Inbound.replies(List.of(reply("T-1", "c-9", "Hello Ann"))));
        DeliveryTask toChannel = scheduled.get(0);
        journal.submit(deliveries.done(toChannel, "ch-77", null, Instant.now())).get(10, TimeUnit.SECONDS);
        scheduled.clear();

        IngestReport echo = ingest(customerMessage("web", "ch-77", "thread-1", "ann@example.com", "Hello Ann"));

        assertThat(echo.storedMessageIds()).isEmpty();
        assertThat(echo.skipped()).isEqualTo(1);
        assertThat(scheduled).isEmpty();
        assertThat(count(db, "SELECT COUNT(*) FROM messages WHERE source_instance = 'web'")).isEqualTo(1);
    }

    @Test
    void deskReplyForAnUnknownTicketIsSetAsideAsADeadLetterOnce() throws Exception {
        customerMessageOnTicket("T-1", "item-1");
        scheduled.clear();

        IngestReport report = ingest("desk", Inbound.replies(List.of(reply("T-404", "c-1", "Hello"))));
        IngestReport otherDesk = ingest("desk2", Inbound.replies(List.of(reply("T-1", "c-2", "Hello"))));
        IngestReport again = ingest("desk", Inbound.replies(List.of(reply("T-404", "c-1", "Hello"))));

        assertThat(report.storedMessageIds()).isEmpty();
        assertThat(report.setAside()).singleElement().satisfies(item -> {
            assertThat(item.disposition()).isEqualTo(Skipped.Disposition.DEAD_LETTER);
            assertThat(item.sourceId()).isEqualTo("c-1");
            assertThat(item.reason()).contains("T-404").doesNotContain("Hello");
        });
        assertThat(otherDesk.setAside()).as("ticket refs are per desk instance").hasSize(1);
        assertThat(again.setAside()).isEmpty();
        assertThat(again.duplicates()).isEqualTo(1);
        assertThat(queries.skipped("DEAD_LETTER", 10)).extracting(JournalQueries.SkippedView::instance,
                JournalQueries.SkippedView::sourceId).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("desk", "c-1"), org.assertj.core.groups.Tuple.tuple("desk2", "c-2"));
        assertThat(scheduled).isEmpty();
        assertThat(count(db, "SELECT COUNT(*) FROM " + ALL_DELIVERIES + " WHERE kind = 'CHANNEL'")).isZero();
    }

    @Test
    void replyNamingItsConversationLinksATicketTheHubHasNotRecordedYet() throws Exception {
        IngestReport in = ingest(customerMessage("web", "m-1", "thread-1", "ann@example.com", "Hi"));
        DeliveryTask toDesk = scheduledFor(in.storedMessageIds().get(0), "desk");
        scheduled.clear();
        DeskReply early = new DeskReply("T-7", "c-1", Author.agent("Alice"), "Hello Ann", null, null, null,
                java.util.Map.of(DeskReply.CONVERSATION_ID, toDesk.conversationId()));

        IngestReport report = ingest("desk", Inbound.replies(List.of(early)));

        assertThat(report.storedMessageIds()).hasSize(1);
        assertThat(scheduled).singleElement().satisfies(t -> assertThat(t.target()).isEqualTo("web"));
        assertThat(deliveries.context(scheduled.get(0)).conversation().deskTickets()).containsEntry("desk", "T-7");
        journal.submit(deliveries.done(toDesk, "item-1", "T-7", Instant.now())).get(10, TimeUnit.SECONDS);
        assertThat(count(db, "SELECT COUNT(*) FROM desk_tickets")).isEqualTo(1);
    }

    @Test
    void replyNamingAConversationWithAnotherTicketIsNotTakenForIt() throws Exception {
        DeliveryTask toDesk = customerMessageOnTicket("T-1", "item-1");
        scheduled.clear();
        DeskReply stray = new DeskReply("T-2", "c-1", Author.agent("Mallory"), "Hi", null, null, null,
                java.util.Map.of(DeskReply.CONVERSATION_ID, toDesk.conversationId()));
        DeskReply unknown = new DeskReply("T-3", "c-2", Author.agent("Mallory"), "Hi", null, null, null,
                java.util.Map.of(DeskReply.CONVERSATION_ID, "no-such-conversation"));

        IngestReport report = ingest("desk", Inbound.replies(List.of(stray, unknown)));

        assertThat(report.skipped()).isEqualTo(2);
        assertThat(report.setAside()).extracting(Skipped::sourceId).containsExactly("c-1", "c-2");
        assertThat(scheduled).isEmpty();
    }

    @Test
    void offsetsSavedWithMessagesAreReadableAndUpdated() throws Exception {
        OffsetStore offsets = new OffsetStore(db);
        Message m = customerMessage("web", "m-1", "thread-1", "ann@example.com", "Hello");

        ingest("web", Inbound.messages(List.of(m)).withOffsets(Map.of("updateId", "8123", "uid", "7:1")));
        assertThat(offsets.get("web", "updateId")).contains("8123");
        assertThat(offsets.get("web", "uid")).contains("7:1");
        assertThat(offsets.get("chat", "updateId")).isEmpty();

        // A duplicate still moves the offset on, and offsets may come alone.
        ingest("web", Inbound.messages(List.of(m)).withOffsets(Map.of("updateId", "8124")));
        assertThat(offsets.get("web", "updateId")).contains("8124");
        ingest("web", Inbound.none().withOffsets(Map.of("updateId", "8125")));
        assertThat(offsets.get("web", "updateId")).contains("8125");
        assertThat(offsets.get("web", "uid")).contains("7:1");
    }

    @Test
    void offsetsAreFoundByKeyPrefixPerInstanceWithLikeWildcardsTakenLiterally() throws Exception {
        OffsetStore offsets = new OffsetStore(db);
        ingest("web", Inbound.none().withOffsets(Map.of("media.retry.m_1#1", "{\"a\":1}", "media.retry.m_2#1", "",
                "media.retry.mX3#1", "x", "updateId", "5")));
        ingest("chat", Inbound.none().withOffsets(Map.of("media.retry.m_9#1", "{}")));

        assertThat(offsets.withPrefix("web", "media.retry.")).containsExactly(
                Map.entry("media.retry.mX3#1", "x"), Map.entry("media.retry.m_1#1", "{\"a\":1}"),
                Map.entry("media.retry.m_2#1", ""));
        assertThat(offsets.withPrefix("web", "media.retry.m_")).containsOnlyKeys("media.retry.m_1#1",
                "media.retry.m_2#1");
        assertThat(offsets.withPrefix("web", "100%")).isEmpty();
    }

    @Test
    void ticketResolvedOnTheDeskResolvesTheConversationAndANewCustomerMessageReopensIt() throws Exception {
        DeliveryTask toDesk = customerMessageOnTicket("T-1", "item-1");
        String conversationId = toDesk.conversationId();

        ingest("desk", Inbound.none().withTicketUpdates(List.of(new TicketUpdate("T-1",
                ConversationStatus.RESOLVED))));
        assertThat(queries.conversation(conversationId)).get().extracting(Conversation::status)
                .isEqualTo(ConversationStatus.RESOLVED);

        ingest(customerMessage("web", "m-2", "thread-1", "ann@example.com", "One more thing"));
        assertThat(queries.conversation(conversationId)).get().extracting(Conversation::status)
                .isEqualTo(ConversationStatus.OPEN);
    }

    @Test
    void ticketUpdateForAnUnknownTicketChangesNothingAndIsRecordedAsIgnored() throws Exception {
        DeliveryTask toDesk = customerMessageOnTicket("T-1", "item-1");

        IngestReport report = ingest("desk", Inbound.none().withTicketUpdates(List.of(new TicketUpdate("T-2",
                ConversationStatus.RESOLVED))));

        assertThat(queries.conversation(toDesk.conversationId())).get().extracting(Conversation::status)
                .isEqualTo(ConversationStatus.OPEN);
        assertThat(report.setAside()).singleElement().satisfies(item -> {
            assertThat(item.disposition()).isEqualTo(Skipped.Disposition.IGNORED);
            assertThat(item.reason()).contains("T-2").contains("RESOLVED");
        });
        assertThat(queries.skipped("IGNORED", 10)).singleElement()
                .satisfies(v -> assertThat(v.instance()).isEqualTo("desk"));
    }

    /**
     * A message the database refuses in the middle of a unit of work: a channel type longer than its column. (Long
     * ids no longer do, they are stored under a bounded key; the hub sets the channel type from the instance, so
     * only a direct writer call can hand in such a type, which is what a test of the rollback needs.)
     */
    private static Message unstorable(String channelMessageId) {
        return customerMessage("web", channelMessageId, "thread-2", "bob@example.com", "cannot be stored")
                .toBuilder().channel(new dev.omnibridge.model.ChannelRef("t".repeat(150), "web")).build();
    }

    @Test
    void inboundThatCannotBeStoredLeavesNothingBehindAndSchedulesNothing() {
        Message good = customerMessage("web", "m-1", "thread-1", "ann@example.com", "fine");
        Message tooLong = unstorable("m-2");

        assertThatThrownBy(() -> ingest("web", Inbound.messages(List.of(good, tooLong))
                .withOffsets(Map.of("updateId", "1"))))
                .isInstanceOf(ExecutionException.class);

        assertThat(count(db, "SELECT COUNT(*) FROM messages")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM conversations")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM " + ALL_DELIVERIES)).isZero();
        assertThat(string(db, "SELECT offset_value FROM connector_offsets")).isNull();
        assertThat(scheduled).isEmpty();
    }

    @Test
    void aConversationWhoseCreationWasRolledBackIsCreatedAgainForTheNextMessage() throws Exception {
        Message first = customerMessage("web", "m-1", "thread-1", "ann@example.com", "fine");
        Message tooLong = unstorable("m-2");
        assertThatThrownBy(() -> ingest("web", Inbound.messages(List.of(first, tooLong))))
                .isInstanceOf(ExecutionException.class);

        String id = ingest(first).storedMessageIds().get(0);
        String again = ingest(customerMessage("web", "m-3", "thread-1", "ann@example.com", "again"))
                .storedMessageIds().get(0);

        String conversation = queries.message(id).orElseThrow().message().conversationId();
        assertThat(count(db, "SELECT COUNT(*) FROM conversations WHERE id = ?", conversation)).isEqualTo(1);
        assertThat(queries.message(again).orElseThrow().message().conversationId()).isEqualTo(conversation);
    }

    @Test
    void skippedItemsAreRecordedOnceWithTheirOffsetAndOpenNoConversationOrDelivery() throws Exception {
        Skipped noise = Skipped.ignored("oof@customer.test", "Auto-Submitted: auto-replied",
                java.net.URI.create("attachment:" + "a".repeat(64)));
        Skipped unreadable = Skipped.deadLetter("raw-" + "b".repeat(64), "unreadable mail: no boundary", null);

        IngestReport first = ingest("web", Inbound.none().withOffsets(Map.of("imap:INBOX", "7:2"))
                .withSkipped(List.of(noise, unreadable)));
        IngestReport again = ingest("web", Inbound.none().withOffsets(Map.of("imap:INBOX", "7:2"))
                .withSkipped(List.of(noise)));

        assertThat(first.setAside()).containsExactly(noise, unreadable);
        assertThat(again.setAside()).isEmpty();
        assertThat(again.duplicates()).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM conversations")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM " + ALL_DELIVERIES)).isZero();
        assertThat(queries.skipped("IGNORED", 10)).singleElement().satisfies(v -> {
            assertThat(v.instance()).isEqualTo("web");
            assertThat(v.sourceId()).isEqualTo("oof@customer.test");
            assertThat(v.reason()).isEqualTo("Auto-Submitted: auto-replied");
            assertThat(v.original()).isEqualTo("attachment:" + "a".repeat(64));
        });
        assertThat(queries.skipped("DEAD_LETTER", 10)).extracting(JournalQueries.SkippedView::reason)
                .containsExactly("unreadable mail: no boundary");
        assertThat(new OffsetStore(db).get("web", "imap:INBOX")).contains("7:2");
    }

    @Test
    void aChannelFindsWhatItReceivedAndWhatTheHubSentThroughItByChannelId() throws Exception {
        DeliveryTask toDesk = customerMessageOnTicket("T-1", "c-1");
        ingest("desk", Inbound.replies(List.of(reply("T-1", "r-1", "Hello Ann"))));
        DeliveryTask toChannel = scheduled.stream().filter(t -> t.target().equals("web")).findFirst().orElseThrow();
        journal.submit(deliveries.done(toChannel, "sent-mail-id@acme.test", null, Instant.now()))
                .get(10, TimeUnit.SECONDS);

        Message received = queries.channelMessage("web", "m-1").orElseThrow();
        Message sent = queries.channelMessage("web", "sent-mail-id@acme.test").orElseThrow();

        assertThat(received.id()).isEqualTo(toDesk.messageId());
        assertThat(sent.direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(sent.threadKey()).isEqualTo("thread-1");
        assertThat(queries.channelMessage("chat", "m-1")).as("another instance's ids are not visible").isEmpty();
        Conversation conversation = queries.conversationByThread("web", "thread-1").orElseThrow();
        assertThat(conversation.customer()).isEqualTo(Address.email("ann@example.com"));
        assertThat(queries.recentMessages(conversation.id(), 10)).extracting(Message::direction)
                .containsExactly(Direction.INBOUND, Direction.OUTBOUND);
        assertThat(queries.recentMessages(conversation.id(), 1)).extracting(Message::direction)
                .containsExactly(Direction.OUTBOUND);
    }

    @Test
    void deliveryStatusesOnlyMoveForwardAndShowOnTheSentMessage() throws Exception {
        customerMessageOnTicket("T-1", "c-1");
        String replyId = ingest("desk", Inbound.replies(List.of(reply("T-1", "r-1", "Hello Ann"))))
                .storedMessageIds().get(0);
        DeliveryTask toChannel = scheduledFor(replyId, "web");
        journal.submit(deliveries.done(toChannel, "SM123", null, Instant.now())).get(10, TimeUnit.SECONDS);

        IngestReport delivered = ingest("web", Inbound.statuses(List.of(
                new DeliveryStatus("SM123", DeliveryStatus.State.SENT, null, null, null),
                new DeliveryStatus("SM123", DeliveryStatus.State.DELIVERED, null, null, null))));
        IngestReport late = ingest("web", Inbound.statuses(List.of(
                new DeliveryStatus("SM123", DeliveryStatus.State.QUEUED, null, null, null))));

        assertThat(delivered.statuses()).extracting(DeliveryStatus::state)
                .containsExactly(DeliveryStatus.State.SENT, DeliveryStatus.State.DELIVERED);
        assertThat(late.statuses()).as("a late report of an earlier state changes nothing").isEmpty();
        JournalQueries.DeliveryView view = queries.message(replyId).orElseThrow().deliveries().get(0);
        assertThat(view.channelStatus()).isEqualTo("DELIVERED");
        assertThat(view.channelError()).isNull();
    }

    @Test
    void aFailureReportCarriesTheChannelsErrorCodeAndText() throws Exception {
        customerMessageOnTicket("T-1", "c-1");
        String replyId = ingest("desk", Inbound.replies(List.of(reply("T-1", "r-1", "Hello Ann"))))
                .storedMessageIds().get(0);
        // The report may come before the send call returned the channel's id: it is kept and joined later.
        ingest("web", Inbound.statuses(List.of(new DeliveryStatus("SM9", DeliveryStatus.State.FAILED, "30003",
                "Unreachable destination handset", null))));
        journal.submit(deliveries.done(scheduledFor(replyId, "web"), "SM9", null, Instant.now()))
                .get(10, TimeUnit.SECONDS);

        JournalQueries.DeliveryView view = queries.message(replyId).orElseThrow().deliveries().get(0);
        assertThat(view.channelStatus()).isEqualTo("FAILED");
        assertThat(view.channelError()).isEqualTo("30003: Unreachable destination handset");
    }

    @Test
    void anEditIsStoredInTheSameConversationAndLinkedToTheOriginalsHubId() throws Exception {
        String original = ingest(customerMessage("web", "m-1", "thread-1", "ann@example.com", "Hi")).storedMessageIds()
                .get(0);
        Message edit = customerMessage("web", "m-1:edited:1700000000", "thread-1", "ann@example.com", "Hi there")
                .toBuilder().metadata(Map.of(Message.EDIT_OF, "m-1")).build();

        String stored = ingest(edit).storedMessageIds().get(0);

        Message view = queries.message(stored).orElseThrow().message();
        assertThat(view.editOf()).isEqualTo("m-1");
        assertThat(view.metadata()).containsEntry(Message.EDIT_OF_MESSAGE_ID, original);
        assertThat(view.conversationId()).isEqualTo(queries.message(original).orElseThrow().message()
                .conversationId());
    }

    @Test
    void anAnnotationIsMergedIntoTheStoredMessagesMetadataAndCanBeTakenBack() throws Exception {
        String id = ingest(customerMessage("web", "m-1", "thread-1", "ann@example.com", "Hi")).storedMessageIds()
                .get(0);

        ingest("web", Inbound.none().withAnnotations(List.of(new MessageAnnotation("m-1", "reaction.ann", "👍"))));
        assertThat(queries.message(id).orElseThrow().message().metadata()).containsEntry("reaction.ann", "👍");

        ingest("web", Inbound.none().withAnnotations(List.of(new MessageAnnotation("m-1", "reaction.ann", null))));
        assertThat(queries.message(id).orElseThrow().message().metadata()).doesNotContainKey("reaction.ann");
        assertThat(count(db, "SELECT COUNT(*) FROM messages")).isEqualTo(1);
    }

    @Test
    void anAnnotationForAMessageTheHubDoesNotKnowIsRecordedAsIgnoredWithoutTheCustomersId() throws Exception {
        IngestReport report = ingest("web", Inbound.none().withAnnotations(List.of(
                new MessageAnnotation("wamid.unknown", "reaction.15551234567", "👍"))));
        IngestReport again = ingest("web", Inbound.none().withAnnotations(List.of(
                new MessageAnnotation("wamid.unknown", "reaction.15551234567", "👍"))));

        assertThat(report.setAside()).singleElement().satisfies(item -> {
            assertThat(item.disposition()).isEqualTo(Skipped.Disposition.IGNORED);
            assertThat(item.sourceId()).contains("wamid.unknown").doesNotContain("15551234567");
            assertThat(item.reason()).contains("reaction").doesNotContain("15551234567");
        });
        assertThat(again.duplicates()).isEqualTo(1);
        assertThat(queries.skipped("IGNORED", 10)).hasSize(1);
        assertThat(count(db, "SELECT COUNT(*) FROM messages")).isZero();
    }

    @Test
    void aDeliveryAfterAnAnnotationCarriesTheAnnotatedMessage() throws Exception {
        String id = ingest(customerMessage("web", "m-1", "thread-1", "ann@example.com", "Hi")).storedMessageIds()
                .get(0);
        DeliveryTask toDesk = scheduledFor(id, "desk");
        assertThat(deliveries.context(toDesk).message().metadata()).doesNotContainKey("reaction.ann");

        ingest("web", Inbound.none().withAnnotations(List.of(new MessageAnnotation("m-1", "reaction.ann", "👍"))));

        assertThat(deliveries.context(toDesk).message().metadata()).containsEntry("reaction.ann", "👍");
    }

    @Test
    void aReplyThatFailedForGoodBecomesAnInternalNoteForTheDesksOnce() throws Exception {
        customerMessageOnTicket("T-1", "c-1");
        String replyId = ingest("desk", Inbound.replies(List.of(reply("T-1", "r-1", "Hello Ann"))))
                .storedMessageIds().get(0);
        DeliveryTask toChannel = scheduledFor(replyId, "web");
        scheduled.clear();

        List<String> desks = journal.submit(writer.deliveryFailedNotice(toChannel, "opted out with STOP"))
                .get(10, TimeUnit.SECONDS);
        List<String> again = journal.submit(writer.deliveryFailedNotice(toChannel, "opted out with STOP"))
                .get(10, TimeUnit.SECONDS);

        assertThat(desks).containsExactly("desk");
        assertThat(again).as("the same failure is noted once").isEmpty();
        DeliveryTask toDesk = scheduled.get(0);
        Message notice = queries.message(toDesk.messageId()).orElseThrow().message();
        assertThat(notice.direction()).isEqualTo(Direction.INTERNAL);
        assertThat(notice.conversationId()).isEqualTo(toChannel.conversationId());
        assertThat(notice.text()).contains("not delivered").contains("opted out with STOP").contains("Hello Ann");
        assertThat(notice.metadata()).containsEntry(InboundWriter.DELIVERY_FAILED_FOR, replyId);
    }
}
