package dev.omnibridge.hub.store;

import dev.omnibridge.hub.store.migration.V6__Drop_message_foreign_key;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.hub.store.StoreTestSupport.count;
import static dev.omnibridge.hub.store.StoreTestSupport.customerMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The schema's per-message costs and what replaces them: no foreign key on messages (migration V6), and the
 * invariant it used to check (every message names a stored conversation) kept by the hub's own write paths.
 */
class StoreSchemaTest {
    /** Messages whose conversation row does not exist. */
    static final String ORPHANS = "SELECT COUNT(*) FROM messages m WHERE NOT EXISTS "
            + "(SELECT 1 FROM conversations v WHERE v.id = m.conversation_id)";

    @TempDir
    Path dir;

    @Test
    void messagesCarryNoForeignKeyWhileRowsWrittenOncePerConversationKeepTheirs() throws Exception {
        Database db = StoreTestSupport.openDatabase(dir);
        try (Connection c = db.connection()) {
            assertThat(V6__Drop_message_foreign_key.foreignKeys(c)).as("foreign keys on messages").isEmpty();
            assertThat(foreignKeyTables(c)).containsExactlyInAnyOrder("CONTACT_ADDRESSES", "CONVERSATIONS",
                    "DESK_TICKETS");
        } finally {
            db.close();
        }
    }

    @Test
    void messagesHaveNoIndexByConversationThatEveryMessageWouldRewrite() throws Exception {
        Database db = StoreTestSupport.openDatabase(dir);
        try {
            // H2's own INFORMATION_SCHEMA.INDEX_COLUMNS: the indexes' leading columns on messages.
            assertThat(count(db, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE TABLE_NAME = "
                    + "'MESSAGES' AND COLUMN_NAME = 'CONVERSATION_ID' AND ORDINAL_POSITION = 1"))
                    .as("indexes on messages led by conversation_id (V7: conversation_messages instead)").isZero();
            assertThat(count(db, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE TABLE_NAME = "
                    + "'CONVERSATION_MESSAGES' AND COLUMN_NAME = 'CONVERSATION_ID' AND ORDINAL_POSITION = 1"))
                    .isOne();
        } finally {
            db.close();
        }
    }

    @Test
    void aVersion5StoreMigratesWithItsMessagesAndNewOnesJoinTheirConversation() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("omnibridge").toAbsolutePath();
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").target("5").load()
                .migrate();
        Instant t0 = Instant.parse("2026-01-05T10:00:00Z");
        Message m = customerMessage("web", "c-1", "t-1", "ann@example.com", "hello").toBuilder().id("msg-1")
                .direction(Direction.INBOUND).conversationId("conv-1").receivedAt(t0).build();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            assertThat(V6__Drop_message_foreign_key.foreignKeys(c)).as("V5's foreign key on messages").hasSize(1);
            StoreTestSupport.writeOldConversation(c, m, t0);
        }

        Database db = StoreTestSupport.openDatabase(dir);
        Journal journal = new Journal(db);
        try {
            try (Connection c = db.connection()) {
                assertThat(V6__Drop_message_foreign_key.foreignKeys(c)).isEmpty();
            }
            InboundWriter writer = new InboundWriter(ch -> List.of("desk"), t -> { }, Clock.systemUTC(),
                    new RecentMessages());
            IngestReport next = journal.submit(writer.work("web", Inbound.messages(List.of(
                    customerMessage("web", "c-2", "t-1", "ann@example.com", "again"))))).get(10, TimeUnit.SECONDS);

            assertThat(next.storedMessageIds()).hasSize(1);
            assertThat(new JournalQueries(db).messages("conv-1", 10)).extracting(v -> v.message().id())
                    .containsExactly("msg-1", next.storedMessageIds().get(0));
            assertThat(count(db, "SELECT COUNT(*) FROM conversation_messages i JOIN messages m ON m.seq = i.seq "
                    + "WHERE m.id = 'msg-1' AND i.conversation_id = 'conv-1'")).as("V7 copied the stored message")
                    .isOne();
        } finally {
            journal.close();
            db.close();
        }
    }

    @Test
    void everyStoredMessageNamesAStoredConversationEvenWhenAUnitThatMadeOneFails() throws Exception {
        Map<String, List<String>> routes = new ConcurrentHashMap<>(Map.of("web", List.of("desk")));
        List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
        Database db = StoreTestSupport.openDatabase(dir);
        Journal journal = new Journal(db);
        try {
            RecentMessages recent = new RecentMessages();
            DeliveryStore deliveries = new DeliveryStore(db, recent);
            InboundWriter writer = new InboundWriter(ch -> routes.getOrDefault(ch, List.of()), scheduled::add,
                    Clock.systemUTC(), recent);
            // A desk name longer than the outbox keeps: the database refuses the unit after it made the
            // conversation of its new thread and stored the message; the whole unit must go.
            routes.put("other", List.of("d".repeat(150)));
            CountDownLatch release = StoreTestSupport.holdWriter(journal);
            List<CompletableFuture<IngestReport>> group = new ArrayList<>();
            group.add(journal.submit(writer.work("web", Inbound.messages(List.of(msg("web", "m-1", "t1"))))));
            CompletableFuture<IngestReport> bad = journal.submit(writer.work("other",
                    Inbound.messages(List.of(msg("other", "o-1", "t9")))));
            group.add(journal.submit(writer.work("web", Inbound.messages(List.of(msg("web", "m-2", "t2"))))));
            release.countDown();
            for (CompletableFuture<IngestReport> f : group) {
                assertThat(f.get(10, TimeUnit.SECONDS).storedMessageIds()).hasSize(1);
            }
            assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(
                    java.sql.SQLException.class);
            assertThat(count(db, "SELECT COUNT(*) FROM conversations WHERE thread_key = 't9'")).isZero();

            routes.put("other", List.of("desk"));
            journal.submit(writer.work("other", Inbound.messages(List.of(msg("other", "o-1", "t9"),
                    msg("other", "o-2", "t9"))))).get(10, TimeUnit.SECONDS);
            // A desk reply to the first conversation: the outbound message takes the ticket's conversation.
            DeliveryTask first = scheduled.get(0);
            journal.submit(deliveries.done(first, "item-1", "T-1", Instant.now())).get(10, TimeUnit.SECONDS);
            IngestReport reply = journal.submit(writer.work("desk", Inbound.replies(List.of(new DeskReply("T-1",
                    "r-1", Author.agent("Alice"), "Answer", null, null, null, null))))).get(10, TimeUnit.SECONDS);

            assertThat(reply.storedMessageIds()).hasSize(1);
            assertThat(count(db, "SELECT COUNT(*) FROM messages")).isEqualTo(5);
            assertThat(count(db, "SELECT COUNT(*) FROM conversations WHERE thread_key = 't9'")).isOne();
            assertThat(count(db, ORPHANS)).as("messages without their conversation").isZero();
        } finally {
            journal.close();
            db.close();
        }
    }

    private static Message msg(String instance, String id, String thread) {
        return customerMessage(instance, id, thread, "ann@example.com", "text of " + id);
    }

    /** The tables that have a foreign key, upper case. */
    private static List<String> foreignKeyTables(Connection c) throws Exception {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT UPPER(table_name) FROM "
                + "information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY' AND table_schema = ?")) {
            ps.setString(1, c.getSchema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }
}
