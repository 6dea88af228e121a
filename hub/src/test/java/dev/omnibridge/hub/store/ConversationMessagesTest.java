package dev.omnibridge.hub.store;

import dev.omnibridge.model.Author;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.hub.store.StoreTestSupport.count;
import static dev.omnibridge.hub.store.StoreTestSupport.customerMessage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conversation's messages without a per-message index: the bulk-copied part ({@code conversation_messages}, up to
 * the mark) and the messages stored since, read together (migration V7).
 */
class ConversationMessagesTest {
    @TempDir
    Path dir;

    private Database db;
    private Journal journal;
    private DeliveryStore deliveries;
    private JournalQueries queries;
    private InboundWriter writer;
    private final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        db = StoreTestSupport.openDatabase(dir);
        // Copies only when a test asks, except where it checks the writer's own copying.
        journal = new Journal(db, Duration.ofHours(1));
        RecentMessages recent = new RecentMessages();
        deliveries = new DeliveryStore(db, recent);
        queries = new JournalQueries(db);
        writer = new InboundWriter(ch -> List.of("desk"), scheduled::add, Clock.systemUTC(), recent);
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    private String store(String id, String thread) throws Exception {
        return journal.submit(writer.work("web", Inbound.messages(List.of(customerMessage("web", id, thread,
                "ann@example.com", "text of " + id))))).get(10, TimeUnit.SECONDS).storedMessageIds().get(0);
    }

    private int catchUp() throws Exception {
        return journal.submit(ConversationMessages::catchUp).get(10, TimeUnit.SECONDS);
    }

    private String conversation(String thread) throws Exception {
        return queries.conversationByThread("web", thread).orElseThrow().id();
    }

    @Test
    void aConversationsMessagesAreReadInOrderFromTheCopiedPartAndTheMessagesStoredSince() throws Exception {
        String a1 = store("a-1", "ta");
        String b1 = store("b-1", "tb");
        String a2 = store("a-2", "ta");
        assertThat(catchUp()).isEqualTo(3);
        String a3 = store("a-3", "ta");
        String b2 = store("b-2", "tb");
        String a4 = store("a-4", "ta");

        assertThat(count(db, "SELECT COUNT(*) FROM conversation_messages")).as("copied so far").isEqualTo(3);
        String ta = conversation("ta");
        assertThat(queries.messages(ta, 10)).extracting(v -> v.message().id()).containsExactly(a1, a2, a3, a4);
        assertThat(queries.messages(ta, 3)).extracting(v -> v.message().id()).containsExactly(a1, a2, a3);
        assertThat(queries.recentMessages(ta, 3)).extracting(Message::id).containsExactly(a2, a3, a4);
        assertThat(queries.recentMessages(conversation("tb"), 10)).extracting(Message::id).containsExactly(b1, b2);

        assertThat(catchUp()).as("only what came after the mark").isEqualTo(3);
        assertThat(catchUp()).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM conversation_messages")).isEqualTo(6);
        assertThat(queries.messages(ta, 10)).extracting(v -> v.message().id()).containsExactly(a1, a2, a3, a4);
        assertThat(queries.recentMessages(ta, 1)).extracting(Message::id).containsExactly(a4);
    }

    @Test
    void theWriterCopiesOnItsOwnAboutOnceAPeriod() throws Exception {
        journal.close();
        journal = new Journal(db);
        for (int i = 0; i < 5; i++) {
            store("m-" + i, "t" + (i % 2));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count(db, "SELECT COUNT(*) FROM conversation_messages") < 5 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count(db, "SELECT COUNT(*) FROM conversation_messages")).isEqualTo(5);
        assertThat(count(db, "SELECT mark FROM store_marks WHERE name = 'conversation_messages'"))
                .isEqualTo(count(db, "SELECT MAX(seq) FROM messages"));
    }

    @Test
    void aCopyRolledBackWithItsTransactionLeavesNeitherEntriesNorAMovedMark() throws Exception {
        store("m-1", "t1");
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            assertThat(ConversationMessages.catchUp(c, new AfterCommit())).isOne();
            c.rollback();
        }
        assertThat(count(db, "SELECT COUNT(*) FROM conversation_messages")).isZero();
        assertThat(count(db, "SELECT mark FROM store_marks WHERE name = 'conversation_messages'")).isZero();
        assertThat(queries.recentMessages(conversation("t1"), 5)).hasSize(1);
        assertThat(catchUp()).isOne();
    }

    @Test
    void theLatestMessageOfADirectionIsFoundAcrossTheMark() throws Exception {
        store("m-1", "t1");
        store("m-2", "t1");
        catchUp();
        DeliveryTask first = scheduled.get(0);
        journal.submit(deliveries.done(first, "item-1", "T-1", Instant.now())).get(10, TimeUnit.SECONDS);
        journal.submit(writer.work("desk", Inbound.replies(List.of(new DeskReply("T-1", "r-1",
                Author.agent("Alice"), "Answer", null, null, null, null))))).get(10, TimeUnit.SECONDS);
        String t1 = conversation("t1");

        try (Connection c = db.connection()) {
            assertThat(read(ConversationMessages.latestBody(c, t1, Direction.INBOUND).orElseThrow()).text())
                    .as("the newest customer message, copied already").isEqualTo("text of m-2");
            assertThat(read(ConversationMessages.latestBody(c, t1, Direction.OUTBOUND).orElseThrow()).text())
                    .as("the agent's reply, not copied yet").isEqualTo("Answer");
        }
        catchUp();
        try (Connection c = db.connection()) {
            assertThat(read(ConversationMessages.latestBody(c, t1, Direction.OUTBOUND).orElseThrow()).text())
                    .isEqualTo("Answer");
            assertThat(ConversationMessages.latestBody(c, "no-such-conversation", Direction.INBOUND)).isEmpty();
        }
    }

    private static Message read(String json) throws Exception {
        return CanonicalJson.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
