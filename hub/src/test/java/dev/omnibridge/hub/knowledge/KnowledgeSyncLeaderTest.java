package dev.omnibridge.hub.knowledge;

import dev.omnibridge.hub.cluster.TestCluster;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.KnowledgeSnapshots;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.spi.HelpArticle;
import dev.omnibridge.spi.HelpCenter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25: a help center is read by one node of a cluster (the holder of {@code timer:knowledge:<desk>}), which
 * stores the entries; another node builds its index from them without asking the desk, and a leader that lost the
 * lease unnoticed stores nothing.
 */
class KnowledgeSyncLeaderTest {
    private static final Duration SOON = Duration.ofSeconds(10);
    private static final String LEASE = "timer:knowledge:help";
    private static final KnowledgeConfig CONFIG = new KnowledgeConfig(List.of(), List.of("en"),
            List.of(new KnowledgeConfig.Sync("help", Duration.ofHours(6))));

    @TempDir
    Path dir;

    private Database db;
    private Journal journal;
    private final AtomicInteger reads = new AtomicInteger();
    private volatile List<HelpArticle> articles = List.of(article("a-1", "How do I return an item?"));
    private final HelpCenter helpCenter = () -> {
        reads.incrementAndGet();
        return articles;
    };

    @BeforeEach
    void open() {
        db = Database.open(new HubConfig.Store(null, null, null), dir, 4);
        journal = new Journal(db);
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    private static HelpArticle article(String id, String title) {
        return new HelpArticle(id, "en", title, "Send it back within 30 days.", "https://help.example/" + id,
                List.of(), Instant.parse("2026-12-01T00:00:00Z"));
    }

    private KnowledgeService node(TestCluster cluster) {
        KnowledgeService s = new KnowledgeService(CONFIG, List.of("en"),
                desk -> HelpCenterLookup.Found.of(helpCenter), Clock.systemUTC(), null);
        s.cluster(cluster, cluster.bus(), new KnowledgeSnapshots(db, journal, cluster, cluster.bus()));
        return s;
    }

    @Test
    void theLeaderReadsTheHelpCenterAndTheOtherNodeBuildsFromWhatItStored() throws Exception {
        TestCluster a = new TestCluster("node-a");
        TestCluster b = new TestCluster("node-b");
        try (KnowledgeService leader = node(a); KnowledgeService standby = node(b)) {
            a.grant(LEASE);
            Poll.until("leader.entries().size() == 1", SOON, () -> leader.entries().size() == 1);
            assertThat(reads.get()).isEqualTo(1);
            KnowledgeSnapshots snapshots = new KnowledgeSnapshots(db, journal, a, a.bus());
            Poll.until("the snapshot stored", SOON, () -> {
                try {
                    return snapshots.load("desk:help").isPresent();
                } catch (java.sql.SQLException e) {
                    return false;
                }
            });

            standby.refresh();
            assertThat(standby.entries()).extracting(KnowledgeEntry::id).isEqualTo(
                    leader.entries().stream().map(KnowledgeEntry::id).toList());
            assertThat(standby.best("how do I return an item", "en")).isPresent();
            assertThat(reads.get()).as("only the leader asks the desk").isEqualTo(1);

            // Paused past its lease: what it reads then is not stored for the others.
            long version = snapshots.load("desk:help").orElseThrow().version();
            a.moveAway(LEASE, "node-b");
            articles = List.of(article("a-1", "How do I return an item?"), article("a-2", "Where is my parcel?"));
            leader.refresh();
            assertThat(snapshots.load("desk:help").orElseThrow().version()).isEqualTo(version);
            standby.refresh();
            assertThat(standby.entries()).hasSize(1);
        }
    }
}
