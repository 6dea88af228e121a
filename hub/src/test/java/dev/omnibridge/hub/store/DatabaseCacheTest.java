package dev.omnibridge.hub.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseCacheTest {
    @TempDir
    Path dir;

    @Test
    void theEmbeddedStoreKeepsAtMostFourMegabytesOfPagesInTheHeap() throws Exception {
        try (Database db = StoreTestSupport.openDatabase(dir); Connection c = db.connection();
             Statement s = c.createStatement();
             // The store's page cache limit in MB, as H2 applies it (its default is 16).
             ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                     + " WHERE SETTING_NAME = 'info.CACHE_MAX_SIZE'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("4");
        }
    }
}
