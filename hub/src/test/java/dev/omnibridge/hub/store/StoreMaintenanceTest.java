package dev.omnibridge.hub.store;

import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins what {@link StoreMaintenance} relies on in H2 2.3 (internal API): the MVStore is reachable from a pooled
 * connection, H2 does not compact by itself under {@code WRITE_DELAY=0}, and the maintenance, run on the journal
 * writer's idle moments, shrinks a file whose rows were mostly deleted while the store stays open and intact.
 */
class StoreMaintenanceTest {
    private static final int ROWS = 20_000;
    private static final String BODY = "x".repeat(1000);

    @TempDir
    Path dir;

    @Test
    void theMvStoreIsReachedThroughThePoolsConnectionOfTheEmbeddedStoreOnly() throws Exception {
        Database db = StoreTestSupport.openDatabase(dir);
        try (Connection c = db.connection()) {
            MVStore store = StoreMaintenance.mvStore(c);
            assertThat(store).isNotNull();
            assertThat(store.getFileStore().getFileName()).endsWith("omnibridge.mv.db");
        } finally {
            db.close();
        }
        try (Connection memory = DriverManager.getConnection("jdbc:h2:mem:maintenance-test", "sa", "")) {
            assertThat(StoreMaintenance.mvStore(memory)).as("an in-memory database has no file").isNull();
        }
    }

    @Test
    void withoutMaintenanceTheEmbeddedStoreNeverCompactsWhileOpen() throws Exception {
        Database db = StoreTestSupport.openDatabase(dir);
        Journal journal = new Journal(db);
        try {
            long full = fillThenDeleteMost(db);
            // H2 starts its background writer (its only online compaction) only with WRITE_DELAY > 0: with no such
            // thread nothing can compact the file but the hub itself. The writer's idle rounds (every 200 ms) go by
            // without housekeeping, and a write through the journal still leaves the file at its full size.
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .noneMatch(n -> n.startsWith("MVStore background writer"));
            journal.submit((c, after) -> Sql.update(c, "DELETE FROM inbound_skipped WHERE 1 = 0"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(Files.size(dir.resolve("omnibridge.mv.db"))).isGreaterThanOrEqualTo(full);
        } finally {
            journal.close();
            db.close();
        }
    }

    @Test
    void aFileWithMostRowsDeletedShrinksOnTheWritersIdleMomentsAndStaysIntact() throws Exception {
        Path file = dir.resolve("omnibridge.mv.db");
        Database db = StoreTestSupport.openDatabase(dir);
        Journal journal = new Journal(db);
        StoreMaintenance maintenance = new StoreMaintenance(80, 20);
        long full;
        try {
            full = fillThenDeleteMost(db);
            journal.whenIdle(maintenance);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (Files.size(file) > full / 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            System.out.printf("maintenance: %,d B with 90%% of the rows deleted -> %,d B in %,d steps%n", full,
                    Files.size(file), maintenance.steps());
            assertThat(Files.size(file)).as("file after compaction, from %,d bytes", full).isLessThan(full / 3);
            // The store works on while compacted: a write through the journal, and every kept row readable.
            journal.submit((c, after) -> Sql.update(c, "INSERT INTO scratch VALUES (?, ?)", -1, "after")).get(30,
                    TimeUnit.SECONDS);
            assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM scratch")).isEqualTo(ROWS / 10 + 1);
        } finally {
            journal.close();
            db.close();
        }
        Database reopened = StoreTestSupport.openDatabase(dir);
        try {
            assertThat(StoreTestSupport.count(reopened, "SELECT COUNT(*) FROM scratch WHERE body = ?", BODY))
                    .isEqualTo(ROWS / 10);
        } finally {
            reopened.close();
        }
    }

    @Test
    void eachIdleCallStopsAtItsBudgetAndRestsAfterFindingNothingToDo() throws Exception {
        Database db = StoreTestSupport.openDatabase(dir);
        AtomicLong clock = new AtomicLong();
        // The clock moves only when the test moves it: a zero budget is spent after the first step.
        StoreMaintenance maintenance = new StoreMaintenance(80, 0, clock::get);
        try {
            fillThenDeleteMost(db);
            try (Connection c = db.connection()) {
                maintenance.run(c);
                assertThat(maintenance.steps()).as("steps in one call with no budget left").isEqualTo(1);
                long steps = 0;
                for (int calls = 0; maintenance.steps() != steps; calls++) {
                    assertThat(calls).as("calls until the file is compact").isLessThan(10_000);
                    steps = maintenance.steps();
                    maintenance.run(c);
                }
                // That last call found nothing to do: within the next second calls leave the store alone...
                clock.addAndGet(StoreMaintenance.REST_NANOS - 1);
                Sql.update(c, "DELETE FROM scratch");
                c.commit();
                maintenance.run(c);
                assertThat(maintenance.steps()).isEqualTo(steps);
                // ...and after it, compaction goes on.
                clock.addAndGet(1);
                maintenance.run(c);
                assertThat(maintenance.steps()).isGreaterThan(steps);
            }
        } finally {
            db.close();
        }
    }

    /** 20,000 rows of 1 KB in commits of 500, then 90 % of them deleted likewise; returns the file's size. */
    private long fillThenDeleteMost(Database db) throws SQLException, java.io.IOException {
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE scratch (id INT PRIMARY KEY, body VARCHAR(2000))");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO scratch VALUES (?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, BODY);
                    ps.executeUpdate();
                    if (i % 500 == 499) {
                        c.commit();
                    }
                }
            }
            c.commit();
            for (int from = 0; from < ROWS; from += 500) {
                s.executeUpdate("DELETE FROM scratch WHERE id >= " + from + " AND id < " + (from + 500)
                        + " AND MOD(id, 10) <> 0");
                c.commit();
            }
        }
        return Files.size(dir.resolve("omnibridge.mv.db"));
    }
}
