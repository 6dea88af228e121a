package dev.omnibridge.hub.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.omnibridge.hub.store.StoreTestSupport.count;
import static dev.omnibridge.hub.store.StoreTestSupport.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalBatchTest {
    @TempDir
    Path dir;

    private Database db;
    private Journal journal;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<String> afterCommits = new CopyOnWriteArrayList<>();

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

    /** Writes an offset per unit; a unit named "bad..." writes its offset, then breaks the batch it is in. */
    private final BatchedWork.Batch<String> offsets = (c, units, afters) -> {
        calls.add("batch of " + units.size());
        List<String> results = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            String key = ((OffsetUnit) units.get(i)).key;
            write(c, key);
            if (key.startsWith("bad")) {
                throw new SQLException("bad unit " + key);
            }
            afters.get(i).run(() -> afterCommits.add(key));
            results.add(key);
        }
        return results;
    };

    private final class OffsetUnit implements BatchedWork<String> {
        final String key;

        OffsetUnit(String key) {
            this.key = key;
        }

        @Override
        public Batch<String> batch() {
            return offsets;
        }

        @Override
        public String apply(Connection c, AfterCommit after) throws SQLException {
            calls.add("alone " + key);
            write(c, key);
            if (key.startsWith("bad")) {
                throw new SQLException("bad unit " + key);
            }
            after.run(() -> afterCommits.add(key));
            return key;
        }
    }

    private static void write(Connection c, String key) throws SQLException {
        Sql.update(c, "INSERT INTO connector_offsets (instance_id, offset_key, offset_value, updated_at) "
                + "VALUES (?, ?, ?, ?)", "test", key, "v-" + key, Instant.now());
    }

    private String offset(String key) {
        return string(db, "SELECT offset_value FROM connector_offsets WHERE instance_id = 'test' AND offset_key = ?",
                key);
    }


    @Test
    void neighbouringUnitsOfOneBatchRunInOneCallAndEachGetsItsOwnResultAndAfterCommit() throws Exception {
        CountDownLatch release = StoreTestSupport.holdWriter(journal);
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (String key : List.of("a", "b", "c")) {
            futures.add(journal.submit(new OffsetUnit(key)));
        }
        release.countDown();

        for (int i = 0; i < 3; i++) {
            assertThat(futures.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(List.of("a", "b", "c").get(i));
        }
        assertThat(calls).containsExactly("batch of 3");
        assertThat(afterCommits).containsExactly("a", "b", "c");
        assertThat(count(db, "SELECT COUNT(*) FROM connector_offsets")).isEqualTo(3);
    }

    @Test
    void aBatchWithABadUnitIsRolledBackAndItsUnitsRunAloneSoOnlyTheBadOneFails() throws Exception {
        CountDownLatch release = StoreTestSupport.holdWriter(journal);
        CompletableFuture<String> a = journal.submit(new OffsetUnit("a"));
        CompletableFuture<String> bad = journal.submit(new OffsetUnit("bad"));
        CompletableFuture<String> c = journal.submit(new OffsetUnit("c"));
        release.countDown();

        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo("c");
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(SQLException.class)
                .hasMessage("bad unit bad");
        assertThat(calls).containsExactly("batch of 3", "alone a", "alone bad", "alone c");
        // The failed batch's writes and after-commit actions are gone; each good unit's are there once.
        assertThat(afterCommits).containsExactly("a", "c");
        assertThat(offset("a")).isEqualTo("v-a");
        assertThat(offset("c")).isEqualTo("v-c");
        assertThat(offset("bad")).isNull();
    }

    @Test
    void aUnitOfAnotherKindBetweenBatchedUnitsKeepsItsPlaceInTheOrder() throws Exception {
        CountDownLatch release = StoreTestSupport.holdWriter(journal);
        List<CompletableFuture<?>> futures = new ArrayList<>();
        futures.add(journal.submit(new OffsetUnit("a")));
        futures.add(journal.submit(new OffsetUnit("b")));
        futures.add(journal.submit((c, after) -> {
            calls.add("other");
            return null;
        }));
        futures.add(journal.submit(new OffsetUnit("c")));
        release.countDown();

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(calls).containsExactly("batch of 2", "other", "alone c");
    }

    @Test
    void periodicWorkRunsAboutEveryPeriodWithoutAnythingSubmitted() throws Exception {
        CountDownLatch twice = new CountDownLatch(2);
        journal.every(Duration.ofMillis(50), (c, after) -> {
            after.run(twice::countDown);
            return null;
        });

        assertThat(twice.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void periodicWorkRunsOnceMoreWhenTheJournalClosesSoWhatItKeepsInMemoryIsWritten() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        journal.every(Duration.ofHours(1), (c, after) -> {
            write(c, "periodic-" + runs.get());
            after.run(runs::incrementAndGet);
            return null;
        });
        journal.submit(new OffsetUnit("a")).get(10, TimeUnit.SECONDS);
        assertThat(runs.get()).isZero();

        journal.close();

        assertThat(runs.get()).isEqualTo(1);
        assertThat(offset("periodic-0")).isEqualTo("v-periodic-0");
    }
}
