package dev.omnibridge.hub.store;

import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class JournalStatsTest {
    @TempDir
    Path dir;
    private Database db;
    private Journal journal;
    private InboundWriter writer;

    @BeforeEach
    void open() {
        db = StoreTestSupport.openDatabase(dir);
        journal = new Journal(db);
        writer = new InboundWriter(ch -> Map.of("web", List.of("desk")).getOrDefault(ch, List.of()), t -> { },
                Clock.systemUTC());
    }

    @AfterEach
    void close() {
        journal.close();
        db.close();
    }

    @Test
    void countsMessagesPerChannelInHourlyBucketsEndingWithTheCurrentHour() throws Exception {
        store("web", StoreTestSupport.customerMessage("web", "w-1", "t-1", "ann@example.com", "one"));
        store("web", StoreTestSupport.customerMessage("web", "w-2", "t-1", "ann@example.com", "two"));
        store("sms", StoreTestSupport.customerMessage("sms", "s-1", "t-2", "bob@example.com", "three"));

        JournalStats.Stats stats = new JournalStats(db).lastHours(24, Instant.now());

        assertThat(stats.buckets()).isEqualTo(24);
        assertThat(stats.bucketSeconds()).isEqualTo(3600);
        assertThat(stats.messagesPerChannel()).containsOnlyKeys("web", "sms");
        assertThat(stats.messagesPerChannel().get("web")[23]).isEqualTo(2);
        assertThat(stats.messagesPerChannel().get("sms")[23]).isEqualTo(1);
        assertThat(stats.messagesPerChannel().get("web")).hasSize(24).containsOnly(0, 2);
        assertThat(stats.firstResponse().unanswered()).as("nobody answered yet").isEqualTo(2);
        assertThat(stats.firstResponse().answered()).isZero();
        assertThat(stats.firstResponse().medianSeconds()).isNull();
    }

    @Test
    void deadLetteredDeliveriesCountAsDeliveryFailures() throws Exception {
        store("web", StoreTestSupport.customerMessage("web", "w-1", "t-1", "ann@example.com", "one"));
        try (Connection c = db.connection()) {
            assertThat(Sql.update(c, "INSERT INTO dead_letters (id, message_id, conversation_id, target_instance, "
                    + "kind, attempts, reason, created_at, failed_at) SELECT id, message_id, conversation_id, "
                    + "target_instance, kind, attempts, last_error, created_at, ? FROM outbox", Instant.now())).isOne();
            assertThat(Sql.update(c, "DELETE FROM outbox")).isOne();
        }

        long[] failures = new JournalStats(db).lastHours(6, Instant.now()).deliveryFailures();

        assertThat(failures).hasSize(6);
        assertThat(failures[5]).isEqualTo(1);
    }

    @Test
    void firstResponseTimesFallIntoTheirHistogramBucketsWithTheMedian() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        JournalStats.FirstResponse fr = JournalStats.firstResponse(
                Map.of("a", t0, "b", t0, "c", t0, "d", t0),
                Map.of("a", t0.plusSeconds(30), "b", t0.plusSeconds(600), "c", t0.plusSeconds(2 * 86400)));

        assertThat(fr.answered()).isEqualTo(3);
        assertThat(fr.unanswered()).isEqualTo(1);
        assertThat(fr.histogram()).containsExactly(1, 0, 1, 0, 0, 0, 1);
        assertThat(fr.medianSeconds()).isEqualTo(600);
    }

    private void store(String instance, dev.omnibridge.model.Message m) throws Exception {
        journal.submit(writer.work(instance, Inbound.messages(List.of(m)))).get(10, TimeUnit.SECONDS);
    }
}
