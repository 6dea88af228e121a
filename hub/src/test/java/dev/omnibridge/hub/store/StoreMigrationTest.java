package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.migrate.StoreMigration;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 25: {@code omnibridge migrate-store} copies an H2 store, filled through the hub's own store classes, into
 * a real PostgreSQL (embedded, see {@link EmbeddedPostgresStore}); the counts match, a second run is refused, and
 * the store opened on the PostgreSQL URL reads the history.
 */
class StoreMigrationTest {
    static final String[] TABLES = {"messages", "conversations", "contacts", "desk_tickets", "outbox",
        "dead_letters", "connector_offsets", "delivery_results"};

    @TempDir
    Path h2;
    @TempDir
    Path pgDir;

    @Test
    void aStoreMovesFromH2ToPostgresWithItsWholeHistory() throws Exception {
        String conversation;
        List<String> messageIds = new ArrayList<>();
        String secretText = "Hello, my card is 4111";
        Database source = StoreTestSupport.openDatabase(h2);
        Journal journal = new Journal(source);
        try {
            List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
            RecentMessages recent = new RecentMessages();
            DeliveryStore store = new DeliveryStore(source, recent, journal);
            InboundWriter writer = new InboundWriter(ch -> List.of("desk"), scheduled::add, Clock.systemUTC(),
                    recent);
            for (int i = 1; i <= 5; i++) {
                Message m = StoreTestSupport.customerMessage("web", "m-" + i, "t-1", "ann@example.com",
                        i == 1 ? secretText : "message " + i);
                IngestReport r = journal.submit(writer.work("web", Inbound.messages(List.of(m))))
                        .get(10, TimeUnit.SECONDS);
                messageIds.addAll(r.storedMessageIds());
            }
            journal.submit(writer.work("web", Inbound.messages(List.of(StoreTestSupport.customerMessage("web",
                    "b-1", "t-2", "bob@example.com", "other"))))).get(10, TimeUnit.SECONDS);
            assertThat(scheduled).hasSize(6);
            // A ticket link (done with a ticket), a dead letter, outbox rows left pending, a connector offset.
            journal.submit(store.done(scheduled.get(0), "item-1", "T-1", Instant.now())).get(10, TimeUnit.SECONDS);
            journal.submit(store.dead(scheduled.get(1), "refused", Instant.now())).get(10, TimeUnit.SECONDS);
            journal.submit((c, after) -> {
                ChannelReports.saveOffset(c, "web", "cursor", "42", Instant.now());
                return null;
            })
                    .get(10, TimeUnit.SECONDS);
            conversation = new JournalQueries(source).conversationByThread("web", "t-1").orElseThrow().id();
        } finally {
            journal.close();
            source.close();
        }
        long[] before = counts(StoreTestSupport.openDatabase(h2));
        assertThat(before).doesNotContain(0L);

        String url = EmbeddedPostgresStore.newDatabaseUrl("migrate");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        StoreMigration migration = new StoreMigration(new StoreMigration.Options(h2, url, "postgres", "", null),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        StoreMigration.Result result = migration.run();
        assertThat(migration.report(result)).isZero();
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(result.verified()).as(output).isTrue();
        assertThat(result.copied()).containsEntry("messages", 6L).containsEntry("desk_tickets", 1L)
                .containsEntry("dead_letters", 1L).containsEntry("connector_offsets", 1L);
        System.out.println(output);
        assertThat(output).contains("verified:").doesNotContain(secretText).doesNotContain("4111");

        Database target = Database.open(new HubConfig.Store(url, "postgres", ""), pgDir, 2);
        try {
            assertThat(counts(target, false)).containsExactly(before);
            JournalQueries queries = new JournalQueries(target);
            assertThat(queries.conversationByThread("web", "t-1")).get()
                    .satisfies(c -> assertThat(c.id()).isEqualTo(conversation));
            assertThat(queries.messages(conversation, 10)).extracting(v -> v.message().id())
                    .containsExactlyInAnyOrderElementsOf(messageIds);
            assertThat(queries.message(messageIds.get(0)).orElseThrow().message().text()).isEqualTo(secretText);
            assertThat(new OffsetStore(target).get("web", "cursor")).contains("42");
            assertThat(new DeliveryStore(target, new RecentMessages(), null).deadLetters(10)).hasSize(1);
            // The identity sequences moved on: a new message stored on PostgreSQL gets a seq after the copied ones.
            Journal pgJournal = new Journal(target);
            try {
                InboundWriter writer = new InboundWriter(ch -> List.of("desk"), t -> { }, Clock.systemUTC(),
                        new RecentMessages());
                assertThat(pgJournal.submit(writer.work("web", Inbound.messages(List.of(StoreTestSupport
                        .customerMessage("web", "m-new", "t-1", "ann@example.com", "after the move")))))
                        .get(10, TimeUnit.SECONDS).storedMessageIds()).hasSize(1);
            } finally {
                pgJournal.close();
            }
            assertThat(queries.messages(conversation, 10)).hasSize(6);
        } finally {
            target.close();
        }

        // A hub started on the PostgreSQL URL sees the history through its API.
        dev.omnibridge.hub.testing.LocalHub local = new dev.omnibridge.hub.testing.LocalHub("migrate-admin-token");
        HubConfig c = local.config(pgDir, dev.omnibridge.hub.testing.LocalHub.QUICK_DELIVERY, List.of(), List.of());
        dev.omnibridge.hub.Hub hub = dev.omnibridge.hub.Hub.start(new HubConfig(c.http(), c.publicUrl(),
                c.dataDir(), c.pluginsDir(), c.adminToken(), new HubConfig.Store(url, "postgres", ""), c.delivery(),
                c.instances(), c.routes()));
        try {
            var conv = local.send(local.withToken(local.get("/api/conversations/" + conversation)));
            assertThat(conv.statusCode()).as(conv.body()).isEqualTo(200);
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(conv.body()).path("deskTickets")
                    .path("desk").asText()).isEqualTo("T-1");
            var message = local.send(local.withToken(local.get("/api/messages/" + messageIds.get(0))));
            assertThat(message.statusCode()).isEqualTo(200);
            assertThat(message.body()).contains(secretText);
        } finally {
            hub.close();
        }

        // A second run: the target is no longer empty.
        assertThatThrownBy(() -> new StoreMigration(new StoreMigration.Options(h2, url, "postgres", "", null),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run())
                .isInstanceOf(StoreMigration.MigrationException.class).hasMessageContaining("not empty");
    }

    @Test
    void anEncryptedStoreCopiesWithItsKeyAndTheAttachmentFilesAreChecked() throws Exception {
        String key = "migrate-test-key-0123456789";
        String present = "ab".repeat(32);
        String missing = "cd".repeat(32);
        Database source = Database.open(new HubConfig.Store(null, null, null).withEncryptionKey(key), h2, 4);
        Journal journal = new Journal(source);
        try {
            InboundWriter writer = new InboundWriter(ch -> List.of("desk"), t -> { }, Clock.systemUTC(),
                    new RecentMessages());
            List<Message> messages = new ArrayList<>();
            for (String sha : List.of(present, missing)) {
                messages.add(StoreTestSupport.customerMessage("web", "m-" + sha.charAt(0), "t-1", "ann@example.com",
                        "see the file").toBuilder().attachments(List.of(new dev.omnibridge.model.Attachment("a.pdf",
                        "application/pdf", 3, sha, java.net.URI.create("attachment:" + sha)))).build());
            }
            journal.submit(writer.work("web", Inbound.messages(messages))).get(10, TimeUnit.SECONDS);
        } finally {
            journal.close();
            source.close();
        }
        java.nio.file.Files.createDirectories(h2.resolve("attachments").resolve("ab"));
        java.nio.file.Files.write(h2.resolve("attachments").resolve("ab").resolve(present), new byte[] {1, 2, 3});
        String url = EmbeddedPostgresStore.newDatabaseUrl("migrate_encrypted");

        assertThatThrownBy(() -> new StoreMigration(new StoreMigration.Options(h2, url, "postgres", "", null),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run())
                .isInstanceOf(StoreMigration.MigrationException.class).hasMessageContaining("is encrypted");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        StoreMigration migration = new StoreMigration(new StoreMigration.Options(h2, url, "postgres", "", key),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        StoreMigration.Result result = migration.run();
        assertThat(migration.report(result)).isZero();
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(result.copied()).containsEntry("messages", 2L);
        assertThat(result.attachmentRefs()).isEqualTo(2);
        assertThat(result.missingAttachments()).containsExactly(missing);
        assertThat(output).contains("encrypted").contains("1 missing").doesNotContain(key);
    }

    /**
     * The figure of done-means 5: {@code -Dmigrate.messages=100000} seeds that many messages over 1,000
     * conversations and migrates them (skipped when the property is not set).
     */
    @Test
    void aLargeStoreMigratesWithinItsBudget() throws Exception {
        int total = Integer.getInteger("migrate.messages", 0);
        org.junit.jupiter.api.Assumptions.assumeTrue(total > 0, "set -Dmigrate.messages=N to run");
        Database source = StoreTestSupport.openDatabase(h2);
        Journal journal = new Journal(source);
        long seedStart = System.nanoTime();
        try {
            InboundWriter writer = new InboundWriter(ch -> List.of("desk"), t -> { }, Clock.systemUTC(),
                    new RecentMessages());
            for (int done = 0; done < total; done += 500) {
                List<Message> batch = new ArrayList<>();
                for (int i = done; i < Math.min(total, done + 500); i++) {
                    batch.add(StoreTestSupport.customerMessage("web", "m-" + i, "t-" + (i % 1000),
                            "c" + (i % 1000) + "@example.com", "message number " + i + " with some text"));
                }
                journal.submit(writer.work("web", Inbound.messages(batch))).get(60, TimeUnit.SECONDS);
            }
        } finally {
            journal.close();
            source.close();
        }
        System.out.printf("seeded %d messages in %.1f s%n", total, (System.nanoTime() - seedStart) / 1e9);
        String url = EmbeddedPostgresStore.newDatabaseUrl("migrate_large");
        long start = System.nanoTime();
        StoreMigration migration = new StoreMigration(new StoreMigration.Options(h2, url, "postgres", "", null),
                System.out);
        StoreMigration.Result result = migration.run();
        assertThat(migration.report(result)).isZero();
        System.out.printf("migrated %d messages in %.1f s%n", total, (System.nanoTime() - start) / 1e9);
        assertThat(result.copied()).containsEntry("messages", (long) total);
    }

    @Test
    void aRunningHubsStoreIsRefused() throws Exception {
        Database running = StoreTestSupport.openDatabase(h2);
        try {
            assertThatThrownBy(() -> new StoreMigration(new StoreMigration.Options(h2, "jdbc:postgresql://x/y",
                    "postgres", "", null), new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8)).run())
                    .isInstanceOf(StoreMigration.MigrationException.class).hasMessageContaining("stop the hub");
        } finally {
            running.close();
        }
    }

    private static long[] counts(Database db) {
        return counts(db, true);
    }

    private static long[] counts(Database db, boolean close) {
        try {
            long[] counts = new long[TABLES.length];
            for (int i = 0; i < TABLES.length; i++) {
                counts[i] = StoreTestSupport.count(db, "SELECT COUNT(*) FROM " + TABLES[i]);
            }
            return counts;
        } finally {
            if (close) {
                db.close();
            }
        }
    }
}
