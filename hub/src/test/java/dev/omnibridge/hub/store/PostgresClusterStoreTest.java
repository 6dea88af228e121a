package dev.omnibridge.hub.store;

import dev.omnibridge.hub.cluster.WriterLock;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.model.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25: three nodes' journals (three pools) write one PostgreSQL store at once. With the cluster-wide writer
 * lock their groups commit one at a time, so ids keep growing in commit order across the nodes: a reader paging
 * {@code id > cursor} (as the dispatcher and the conversation index do) never skips a row, and no two nodes hand out
 * the same delivery id.
 */
class PostgresClusterStoreTest {
    private static final int NODES = 3;
    private static final int MESSAGES_PER_NODE = 200;
    private static final int CONVERSATIONS = 40;

    @TempDir
    Path dir;

    @Test
    void threeWritersNeverLetAPagingReaderSkipAnIdNorCollide() throws Exception {
        String url = EmbeddedPostgresStore.newDatabaseUrl("cluster_store");
        List<Database> pools = new ArrayList<>();
        List<Journal> journals = new ArrayList<>();
        List<InboundWriter> writers = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            Database db = Database.open(new HubConfig.Store(url, "postgres", ""), dir.resolve("node-" + n), 4);
            pools.add(db);
            Journal journal = new Journal(db);
            // -Dnolock=true shows what the lock prevents: without it the nodes collide (duplicate keys) at once.
            journal.sharedStore(Boolean.getBoolean("nolock") ? c -> { } : new WriterLock(null));
            journals.add(journal);
            writers.add(new InboundWriter(ch -> List.of("desk"), t -> { }, Clock.systemUTC(), RecentMessages.none(),
                    InboundWriter.Mode.SHARED_STORE, dev.omnibridge.hub.sla.FirstResponseHook.NONE));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        Set<Long> outboxSeen = new TreeSet<>();
        Set<Long> seqSeen = new TreeSet<>();
        Thread reader = new Thread(() -> {
            try (Connection c = pools.get(0).connection()) {
                long outboxCursor = 0;
                long seqCursor = 0;
                boolean last = false;
                while (!last) {
                    last = !writing.get(); // one more full pass after the writers are done
                    outboxCursor = page(c, "SELECT id FROM outbox WHERE id > ? ORDER BY id FETCH FIRST 50 ROWS ONLY",
                            outboxCursor, outboxSeen, last);
                    seqCursor = page(c, "SELECT seq FROM messages WHERE seq > ? ORDER BY seq FETCH FIRST 50 ROWS "
                            + "ONLY", seqCursor, seqSeen, last);
                }
            } catch (Throwable e) {
                readerFailure.set(e);
            }
        }, "paging-reader");
        reader.start();

        try {
            List<List<CompletableFuture<IngestReport>>> stored = new ArrayList<>();
            List<Thread> nodes = new ArrayList<>();
            for (int n = 0; n < NODES; n++) {
                int node = n;
                List<CompletableFuture<IngestReport>> mine = new ArrayList<>();
                stored.add(mine);
                Thread t = new Thread(() -> {
                    for (int i = 0; i < MESSAGES_PER_NODE; i++) {
                        // The same conversations on every node: their creation races across the nodes too.
                        Message m = StoreTestSupport.customerMessage("web", "n" + node + "-m" + i,
                                "t-" + (i % CONVERSATIONS), "c" + (i % CONVERSATIONS) + "@example.com", "text " + i);
                        mine.add(journals.get(node).submit(writers.get(node).work("web",
                                Inbound.messages(List.of(m)))));
                    }
                }, "node-" + n);
                nodes.add(t);
            }
            nodes.forEach(Thread::start);
            for (Thread t : nodes) {
                t.join(); // happens-before: each node's futures are visible here
            }
            for (List<CompletableFuture<IngestReport>> mine : stored) {
                for (CompletableFuture<IngestReport> f : mine) {
                    assertThat(f.get(60, TimeUnit.SECONDS).storedMessageIds()).hasSize(1);
                }
            }
        } finally {
            writing.set(false);
            reader.join(30_000);
            journals.forEach(Journal::close);
        }

        assertThat(readerFailure.get()).isNull();
        Database db = pools.get(0);
        int total = NODES * MESSAGES_PER_NODE;
        assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM messages")).isEqualTo(total);
        assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM outbox")).isEqualTo(total);
        assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM conversations")).isEqualTo(CONVERSATIONS);
        assertThat(StoreTestSupport.count(db, "SELECT COUNT(DISTINCT id) FROM outbox")).isEqualTo(total);
        assertThat(outboxSeen).as("every outbox id, seen by paging id > cursor while the nodes wrote")
                .isEqualTo(ids(db, "SELECT id FROM outbox"));
        assertThat(seqSeen).as("every message seq, seen by paging seq > cursor")
                .isEqualTo(ids(db, "SELECT seq FROM messages"));
        pools.forEach(Database::close);
    }

    /** Reads pages after {@code cursor}; all pages up to the end when {@code toEnd}. Returns the new cursor. */
    private static long page(Connection c, String sql, long cursor, Set<Long> seen, boolean toEnd) throws Exception {
        while (true) {
            int rows = 0;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, cursor);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        if (!seen.add(id)) {
                            throw new AssertionError("id " + id + " seen twice");
                        }
                        cursor = id;
                        rows++;
                    }
                }
            }
            if (!toEnd || rows == 0) {
                return cursor;
            }
        }
    }

    private static Set<Long> ids(Database db, String sql) throws Exception {
        Set<Long> ids = new TreeSet<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
