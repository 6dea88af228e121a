package dev.omnibridge.hub.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.omnibridge.hub.store.StoreTestSupport.count;
import static dev.omnibridge.hub.store.StoreTestSupport.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalTest {
    @TempDir
    Path dir;

    private Database db;
    private Journal journal;

    @BeforeEach
    void open() {
        db = StoreTestSupport.openDatabase(dir);
        journal = new Journal(db);
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    private static void writeOffset(Connection c, String key) throws SQLException {
        Sql.update(c, "INSERT INTO connector_offsets (instance_id, offset_key, offset_value, updated_at) "
                + "VALUES (?, ?, ?, ?)", "test", key, "v-" + key, Instant.now());
    }

    private String offset(String key) {
        return string(db, "SELECT offset_value FROM connector_offsets WHERE instance_id = 'test' AND offset_key = ?",
                key);
    }

    @Test
    void failingUnitInAGroupFailsAloneWhileTheOthersCommit() throws Exception {
        // Hold the writer inside a first unit so that the next four queue up and share one group commit.
        CountDownLatch blockerRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> blocker = journal.submit((c, after) -> {
            blockerRunning.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        assertThat(blockerRunning.await(10, TimeUnit.SECONDS)).isTrue();

        Set<Connection> connections = ConcurrentHashMap.newKeySet();
        AtomicBoolean failedUnitsAfterCommitRan = new AtomicBoolean();
        List<String> committedAfterCommitRan = new ArrayList<>();
        CompletableFuture<String> a = journal.submit((c, after) -> {
            connections.add(c);
            writeOffset(c, "a");
            after.run(() -> committedAfterCommitRan.add("a"));
            return "a";
        });
        CompletableFuture<String> b = journal.submit((c, after) -> {
            connections.add(c);
            writeOffset(c, "b");
            after.run(() -> failedUnitsAfterCommitRan.set(true));
            throw new SQLException("boom");
        });
        CompletableFuture<String> sqlError = journal.submit((c, after) -> {
            connections.add(c);
            writeOffset(c, "d");
            after.run(() -> failedUnitsAfterCommitRan.set(true));
            writeOffset(c, "a"); // primary key violation, raised by the database itself
            return "d";
        });
        CompletableFuture<String> runtime = journal.submit((c, after) -> {
            connections.add(c);
            writeOffset(c, "e");
            throw new IllegalStateException("bug");
        });
        CompletableFuture<String> d = journal.submit((c, after) -> {
            connections.add(c);
            writeOffset(c, "c");
            after.run(() -> committedAfterCommitRan.add("c"));
            return "c";
        });
        release.countDown();

        blocker.get(10, TimeUnit.SECONDS);
        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(d.get(10, TimeUnit.SECONDS)).isEqualTo("c");
        assertThatThrownBy(() -> b.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SQLException.class).hasMessage("boom");
        assertThatThrownBy(() -> sqlError.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> runtime.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOf(IllegalStateException.class);
        assertThat(connections).as("the five units shared one transaction").hasSize(1);

        assertThat(offset("a")).isEqualTo("v-a");
        assertThat(offset("c")).isEqualTo("v-c");
        assertThat(offset("b")).isNull();
        assertThat(offset("d")).isNull();
        assertThat(offset("e")).isNull();
        assertThat(committedAfterCommitRan).containsExactly("a", "c");
        assertThat(failedUnitsAfterCommitRan).isFalse();
    }

    @Test
    void failingUnitOnItsOwnIsRolledBackAndTheJournalKeepsWorking() throws Exception {
        CompletableFuture<Object> failing = journal.submit((c, after) -> {
            writeOffset(c, "x");
            throw new SQLException("boom");
        });
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).cause().hasMessage("boom");

        journal.submit((c, after) -> {
            writeOffset(c, "y");
            return null;
        }).get(10, TimeUnit.SECONDS);

        assertThat(offset("x")).isNull();
        assertThat(offset("y")).isEqualTo("v-y");
    }

    @Test
    void afterCommitActionsSeeTheCommittedData() throws Exception {
        CompletableFuture<String> seenByAfterCommit = new CompletableFuture<>();
        journal.submit((c, after) -> {
            writeOffset(c, "k");
            after.run(() -> seenByAfterCommit.complete(offset("k")));
            return null;
        }).get(10, TimeUnit.SECONDS);

        assertThat(seenByAfterCommit.get(10, TimeUnit.SECONDS)).isEqualTo("v-k");
    }

    @Test
    void manyConcurrentSubmitsAllComplete() throws Exception {
        int threads = 8;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitted.add(pool.submit(() -> {
                    go.await();
                    List<CompletableFuture<Void>> futures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String key = thread + "-" + i;
                        futures.add(journal.submit((c, after) -> {
                            writeOffset(c, key);
                            return null;
                        }));
                    }
                    return futures;
                }));
            }
            go.countDown();
            for (Future<List<CompletableFuture<Void>>> f : submitted) {
                CompletableFuture.allOf(f.get(10, TimeUnit.SECONDS).toArray(CompletableFuture[]::new))
                        .get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(db, "SELECT COUNT(*) FROM connector_offsets")).isEqualTo((long) threads * perThread);
    }

    @Test
    void submitAfterCloseFailsInsteadOfHanging() {
        journal.close();

        CompletableFuture<Object> late = journal.submit((c, after) -> null);

        assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(SQLException.class);
    }

    @Test
    void workQueuedBeforeCloseIsStillCommitted() throws Exception {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String key = "k" + i;
            futures.add(journal.submit((c, after) -> {
                writeOffset(c, key);
                return null;
            }));
        }
        journal.close();

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(count(db, "SELECT COUNT(*) FROM connector_offsets")).isEqualTo(50);
    }
}
