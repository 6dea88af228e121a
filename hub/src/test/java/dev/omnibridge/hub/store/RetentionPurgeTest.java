package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store side of retention: a channel's messages older than the cut-off are purged a batch at a time, the
 * batch says when more are left, the channel's mark spares a later run the messages already looked at, and other
 * channels' and newer messages are left alone. {@link PostgresStoreTest} runs the same scenario on PostgreSQL.
 */
class RetentionPurgeTest {
    @TempDir
    Path dir;

    @Test
    void oldMessagesOfTheChannelArePurgedInBatchesAndTheRestLeftAlone() throws Exception {
        Database db = Database.open(new HubConfig.Store(null, null, null), dir, 4);
        try {
            purgesInBatches(db);
        } finally {
            db.close();
        }
    }

    static void purgesInBatches(Database db) throws Exception {
        Instant t0 = Instant.parse("2026-10-01T08:00:00Z");
        Journal journal = new Journal(db);
        try {
            InboundWriter old = new InboundWriter(ch -> List.of("desk"), t -> { }, Clock.fixed(t0, ZoneOffset.UTC),
                    new RecentMessages());
            for (int i = 1; i <= 3; i++) {
                journal.submit(old.work("mail", Inbound.messages(List.of(StoreTestSupport.customerMessage("mail",
                        "old-" + i, "t-" + i, "ann@example.com", "old text " + i))))).get(10, TimeUnit.SECONDS);
            }
            journal.submit(old.work("chat", Inbound.messages(List.of(StoreTestSupport.customerMessage("chat",
                    "chat-1", "c-1", "bob@example.com", "chat text"))))).get(10, TimeUnit.SECONDS);
            InboundWriter later = new InboundWriter(ch -> List.of("desk"), t -> { },
                    Clock.fixed(t0.plusSeconds(86_400 * 2), ZoneOffset.UTC), new RecentMessages());
            journal.submit(later.work("mail", Inbound.messages(List.of(StoreTestSupport.customerMessage("mail",
                    "new-1", "t-1", "ann@example.com", "new text"))))).get(10, TimeUnit.SECONDS);
            Instant cutoff = t0.plusSeconds(86_400);
            Instant now = t0.plusSeconds(86_400 * 2);

            RetentionPurge.Batch first = journal.submit((c, after) -> RetentionPurge.purge(c, "mail", cutoff, 2, now))
                    .get(10, TimeUnit.SECONDS);
            RetentionPurge.Batch second = journal.submit((c, after) -> RetentionPurge.purge(c, "mail", cutoff, 2,
                    now)).get(10, TimeUnit.SECONDS);
            RetentionPurge.Batch third = journal.submit((c, after) -> RetentionPurge.purge(c, "mail", cutoff, 2,
                    now)).get(10, TimeUnit.SECONDS);

            assertThat(first.messages()).isEqualTo(2);
            assertThat(first.more()).as("a full batch: look again").isTrue();
            assertThat(second.messages()).isEqualTo(1);
            assertThat(second.more()).as("stopped at the first message not old enough").isFalse();
            assertThat(third.messages()).isZero();
            for (int i = 1; i <= 3; i++) {
                assertThat(StoreTestSupport.string(db, "SELECT body FROM messages WHERE source_id = ?", "old-" + i))
                        .doesNotContain("old text").contains(MessagePurge.PURGED);
            }
            assertThat(StoreTestSupport.string(db, "SELECT body FROM messages WHERE source_id = ?", "new-1"))
                    .contains("new text");
            assertThat(StoreTestSupport.string(db, "SELECT body FROM messages WHERE source_id = ?", "chat-1"))
                    .as("another channel").contains("chat text");
            assertThat(StoreTestSupport.string(db, "SELECT COUNT(*) FROM messages")).as("rows kept").isEqualTo("5");
            assertThat(Long.parseLong(StoreTestSupport.string(db, "SELECT mark FROM store_marks WHERE name = ?",
                    "retention:mail"))).isPositive();
        } finally {
            journal.close();
        }
    }

    @Test
    void aLongInstanceIdGetsAMarkNameThatFits() {
        String id = "a".repeat(63);
        assertThat(RetentionPurge.markName(id)).hasSizeLessThanOrEqualTo(40).startsWith("retention:#")
                .isNotEqualTo(RetentionPurge.markName("b".repeat(63)));
        assertThat(RetentionPurge.markName("mail")).isEqualTo("retention:mail");
    }
}
