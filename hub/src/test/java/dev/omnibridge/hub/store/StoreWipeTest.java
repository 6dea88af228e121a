package dev.omnibridge.hub.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins what {@link StoreWipe} relies on in H2 2.3 (internal API): a value overwritten in the embedded store stays in
 * the file's bytes (H2 writes new versions elsewhere), and a wipe on the journal writer removes every copy of it
 * from the file while the store stays open, intact and writable.
 */
class StoreWipeTest {
    private static final String SECRET = "erase-me-4711-priya.nandakumar@example.net";

    @TempDir
    Path dir;

    @Test
    void anOverwrittenValueStaysInTheFileUntilTheWipeRemovesItWhileTheStoreStaysIntact() throws Exception {
        Path file = dir.resolve("omnibridge.mv.db");
        Database db = StoreTestSupport.openDatabase(dir);
        Journal journal = new Journal(db);
        try {
            try (Connection c = db.connection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE filler (id INT PRIMARY KEY, body VARCHAR(2000))");
                s.execute("CREATE TABLE person (id INT PRIMARY KEY, secret VARCHAR(200))");
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO filler VALUES (?, ?)")) {
                    for (int i = 0; i < 5000; i++) {
                        ps.setInt(1, i);
                        ps.setString(2, ("filler " + i + " ").repeat(40));
                        ps.executeUpdate();
                        if (i == 2500) {
                            s.execute("INSERT INTO person VALUES (1, '" + SECRET + "')");
                        }
                        if (i % 250 == 249) {
                            c.commit();
                        }
                    }
                }
                c.commit();
                s.execute("UPDATE person SET secret = 'erased' WHERE id = 1");
                s.execute("DELETE FROM filler WHERE MOD(id, 3) = 0");
                c.commit();
            }
            assertThat(holds(file)).as("an overwritten value is still in the file").isTrue();

            StoreWipe.Result result = journal.submit((c, after) -> StoreWipe.wipe(c)).get(60, TimeUnit.SECONDS);

            System.out.printf("wipe: %,d B -> %,d B, %,d B zeroed%n", result.fileBytesBefore(),
                    result.fileBytesAfter(), result.zeroedBytes());
            assertThat(result.supported()).isTrue();
            assertThat(holds(file)).as("the value after the wipe").isFalse();
            journal.submit((c, after) -> Sql.update(c, "INSERT INTO person VALUES (2, 'after')"))
                    .get(10, TimeUnit.SECONDS);
            try (Connection c = db.connection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(LENGTH(body)) FROM filler")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(5000 - 1667);
            }
        } finally {
            journal.close();
            db.close();
        }
        Database again = StoreTestSupport.openDatabase(dir);
        try (Connection c = again.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT secret FROM person ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("erased");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("after");
        } finally {
            again.close();
        }
    }

    @Test
    void anotherStoreIsLeftAloneAndSaysSo() throws Exception {
        try (Connection memory = java.sql.DriverManager.getConnection("jdbc:h2:mem:wipe-test", "sa", "")) {
            assertThat(StoreWipe.wipe(memory).supported()).isFalse();
        }
    }

    private static boolean holds(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
