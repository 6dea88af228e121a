package dev.omnibridge.hub.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.migration.V6__Drop_message_foreign_key;
import io.micrometer.core.instrument.MeterRegistry;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/** The JDBC store: a pooled data source with the schema migrated to the current version. */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    static final int QUERY_CACHE_SIZE = 64;
    /**
     * H2's page cache (KB). Its default, 16 MB, holds pages that live for seconds: each young collection copies
     * them between the survivor spaces until they are promoted, and they fill the old generation (issue 17:
     * measured 5.5 MB surviving each young collection at 1,000 msg/s with 16 MB, 4.7 MB with 4 MB; live heap after
     * a full collection 29.7 MB against 24.8 MB). The pages a message's commit and its delivery touch are the
     * recent ones, which 4 MB keeps; older ones are read back from the file (the operating system caches it).
     */
    static final int CACHE_SIZE_KB = 4096;

    private final HikariDataSource dataSource;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static Database open(HubConfig.Store store, Path dataDir, int poolSize) {
        return open(store, dataDir, poolSize, null);
    }

    /**
     * @param metrics where the pool reports its connections (hikaricp_connections_active, _idle, _pending, _max,
     *                acquire and usage times, tagged pool="omnibridge-store"); null for none
     */
    public static Database open(HubConfig.Store store, Path dataDir, int poolSize, MeterRegistry metrics) {
        HikariConfig hc = new HikariConfig();
        if (store.embedded()) {
            // WRITE_DELAY=0: H2's default (500 ms) acknowledges commits that a SIGKILL then loses.
            // RETENTION_TIME=0: a chunk no longer used is free for new writes at once. H2's default (45 s) keeps every
            // chunk of the last 45 s: under a sustained load the file grew by all it wrote meanwhile (6.2x the
            // messages' JSON at the peak of StoreSizeTest, 4.8x with this, 2.5x with the journal's housekeeping
            // slot under load too). The retention guards against a power cut reordering writes, which H2 with
            // WRITE_DELAY=0 does not promise anyway (README, Durability); after a SIGKILL the operating system still
            // writes everything in order. StoreMaintenance compacts online; a clean stop adds H2's 200 ms.
            // QUERY_CACHE_SIZE: each session keeps this many parsed statements. A group of ingests and delivery
            // outcomes cycles through ~10 distinct ones, more than H2's default of 8: the LRU cache then evicted
            // each statement before its next use and every prepare parsed the SQL again.
            // CACHE_SIZE: see CACHE_SIZE_KB.
            // Encryption at rest (issue 20): CIPHER=AES with the configured key as H2's file password.
            StoreEncryption.checkOpenable(dataDir, store.encryptionKey());
            hc.setJdbcUrl("jdbc:h2:file:" + dataDir.resolve("omnibridge").toAbsolutePath()
                    + ";WRITE_DELAY=0;RETENTION_TIME=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=" + QUERY_CACHE_SIZE
                    + ";CACHE_SIZE=" + CACHE_SIZE_KB + StoreEncryption.urlOptions(store.encryptionKey()));
            hc.setUsername("sa");
            hc.setPassword(StoreEncryption.password(store.encryptionKey()));
        } else {
            hc.setJdbcUrl(store.url());
            hc.setUsername(store.username());
            hc.setPassword(store.password());
        }
        hc.setMaximumPoolSize(poolSize);
        hc.setPoolName("omnibridge-store");
        if (metrics != null) {
            hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics));
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            if (store.embedded() && store.encrypted() && StoreEncryption.wrongKey(e)) {
                throw new IllegalStateException("the store file " + StoreEncryption.file(dataDir) + " does not open "
                        + "with hub.store.encryptionKey: is it the key the file was encrypted with?");
            }
            throw e;
        }
        // PostgreSQL also gets its own tuning (db/migration-postgresql: storage parameters H2 does not know).
        String[] locations = !store.embedded() && store.url().startsWith("jdbc:postgresql:")
                ? new String[] {"classpath:db/migration", "classpath:db/migration-postgresql"}
                : new String[] {"classpath:db/migration"};
        // Java migrations are named here rather than found by a classpath scan: the hub's class loaders (plugins,
        // the launcher's lib folder) need not agree with Flyway's scanner.
        Flyway flyway = Flyway.configure().dataSource(ds).locations(locations)
                .javaMigrations(new V6__Drop_message_foreign_key()).load();
        // The migration's own result names the version: flyway.info() would scan and query everything again.
        MigrateResult migrated = flyway.migrate();
        LOG.info("Store ready at {} (schema version {})", store.embedded()
                ? dataDir.resolve("omnibridge.mv.db") : redactUrl(store.url()),
                migrated.targetSchemaVersion != null ? migrated.targetSchemaVersion : migrated.initialSchemaVersion);
        return new Database(ds);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void close() {
        dataSource.close();
    }

    static String redactUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1******");
    }
}
