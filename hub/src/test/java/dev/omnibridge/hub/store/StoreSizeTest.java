package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded store's file stays under 3x the JSON of the messages it holds, after deliveries with redelivery
 * churn, and shrinks back online once they are done (issue 17). Everything goes through the hub's own writer
 * (InboundWriter, Journal, DeliveryStore's outcome units) with {@link StoreMaintenance} on the writer's idle
 * moments, exactly as the hub wires it; no SQL touches the delivery rows, so the test holds whatever their schema.
 *
 * <p>Traffic: {@code store.messages} customer messages (default 20,000; {@code -Dstore.messages=1000000} for the
 * issue's figure) of ~500 characters in conversations of 20, one desk. Deliveries follow the messages a batch or
 * two behind, as they do when the desk keeps up; every fifth delivery fails once (a 503) and is done on its retry.
 * The next batch is always queued before the previous one is awaited, so the writer is never idle during the load
 * (sustained saturation: compaction gets only the journal's once-a-second housekeeping slot); the 3x bound is for
 * the file once the deliveries are done, the peak during the load is held under 4x.
 * {@code -Dstore.compaction=false} runs the same without maintenance, for comparison.
 */
class StoreSizeTest {
    private static final int MESSAGES = Integer.getInteger("store.messages", 20_000);
    private static final boolean COMPACTION = Boolean.parseBoolean(System.getProperty("store.compaction", "true"));
    private static final int BATCH = 500;
    private static final int PER_CONVERSATION = 20;
    private static final String DESK = "desk";
    private static final String TEXT = ("Hello, my order has not arrived yet and the tracking page shows no update "
            + "since last week. Could you please check what happened and tell me when I can expect it? ").repeat(3);

    @TempDir
    Path dir;

    private final Set<String> ticketed = new HashSet<>();

    @Test
    void theFileSettlesUnderThreeTimesTheMessagesJsonAfterRedeliveryChurnAndShrinksOnceDeliveriesAreDone()
            throws Exception {
        Database db = StoreTestSupport.openDatabase(dir);
        Path file = dir.resolve("omnibridge.mv.db");
        Journal journal = new Journal(db);
        StoreMaintenance maintenance = new StoreMaintenance(HubConfig.Store.DEFAULT_COMPACT_BELOW_FILL,
                StoreMaintenance.DEFAULT_BUDGET_MILLIS);
        if (COMPACTION) {
            journal.whenIdle(maintenance);
        }
        Queue<DeliveryTask> committed = new ConcurrentLinkedQueue<>();
        InboundWriter writer = new InboundWriter(ch -> List.of(DESK), committed::add, Clock.systemUTC());
        DeliveryStore deliveries = new DeliveryStore(db);
        long peak = 0;
        long started = System.nanoTime();
        try {
            List<DeliveryTask> retries = new ArrayList<>();
            CompletableFuture<Void> previous = null;
            for (int from = 0; from < MESSAGES; from += BATCH) {
                List<CompletableFuture<?>> units = new ArrayList<>();
                for (int i = from; i < Math.min(MESSAGES, from + BATCH); i++) {
                    units.add(journal.submit(writer.work("web", Inbound.messages(List.of(message(i))))));
                }
                // The previous batch's retries succeed now; of the deliveries committed so far, every fifth fails.
                Instant now = Instant.now();
                for (DeliveryTask retry : retries) {
                    units.add(journal.submit(deliveries.done(retry, "note-" + retry.id(), null, now)));
                }
                retries = new ArrayList<>();
                DeliveryTask task;
                while ((task = committed.poll()) != null) {
                    if (task.id() % 5 == 0) {
                        DeliveryTask failed = task.withAttempt(1, now);
                        retries.add(failed);
                        units.add(journal.submit(deliveries.retryLater(failed, now, "HTTP 503 from the desk", now)));
                    } else {
                        units.add(journal.submit(deliveries.done(task, "note-" + task.id(), firstOfConversation(task),
                                now)));
                    }
                }
                // Waits for the previous batch only: the writer always has the next one queued, so it is never
                // idle while the load lasts (as under steady traffic) and garbage piles up until the load ends.
                if (previous != null) {
                    previous.get(2, TimeUnit.MINUTES);
                }
                previous = CompletableFuture.allOf(units.toArray(CompletableFuture[]::new));
                peak = Math.max(peak, Files.size(file));
            }
            previous.get(2, TimeUnit.MINUTES);
            // The last deliveries and their retries.
            Instant now = Instant.now();
            List<CompletableFuture<?>> units = new ArrayList<>();
            DeliveryTask task;
            while ((task = committed.poll()) != null) {
                units.add(journal.submit(deliveries.done(task, "note-" + task.id(), firstOfConversation(task), now)));
            }
            for (DeliveryTask retry : retries) {
                units.add(journal.submit(deliveries.done(retry, "note-" + retry.id(), null, now)));
            }
            CompletableFuture.allOf(units.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
            peak = Math.max(peak, Files.size(file));
            long loaded = System.nanoTime();

            // The writer is idle now: its housekeeping compacts the file while the store stays open.
            long settled = awaitSteadySize(file, maintenance);
            long json = StoreTestSupport.count(db, "SELECT COALESCE(SUM(OCTET_LENGTH(body)), 0) FROM messages");
            long stored = StoreTestSupport.count(db, "SELECT COUNT(*) FROM messages");
            StoreInfo.FileFigures figures = new StoreInfo(db, true).file().orElseThrow();
            String fill = figures.fillPercent() + "% x chunks " + figures.chunksFillPercent();
            System.out.printf("store size: messages=%,d compaction=%s load=%,d ms peak=%,d B (%.2fx JSON) "
                            + "settled=%,d B (%.2fx JSON, %,d B/message, fill %s%%) json=%,d B (%,d B/message) "
                            + "compaction steps=%,d%n", stored, COMPACTION, (loaded - started) / 1_000_000, peak,
                    (double) peak / json, settled, (double) settled / json, settled / stored, fill, json,
                    json / stored, maintenance.steps());

            // Where the bytes are, per table with its indexes (H2's estimate): what the schema costs per message.
            StringBuilder perTable = new StringBuilder();
            for (String table : new StoreInfo(db, true).contents().rows().keySet()) {
                long used = StoreTestSupport.count(db, "SELECT DISK_SPACE_USED(?)", table.toUpperCase(Locale.ROOT));
                perTable.append(String.format(" %s=%,d B/message", table, used / stored));
            }
            System.out.println("store size per table:" + perTable);

            assertThat(stored).isEqualTo(MESSAGES);
            assertThat(settled).as("file bytes after the deliveries are done, against the messages' JSON bytes %,d",
                    json).isLessThanOrEqualTo(3 * json);
            // Compaction leaves the file compact: smaller than at the peak, or, when the load left too little garbage
            // to be worth moving (since V6/V7 the writer rewrites far fewer pages per message: peak and settled file
            // both ~2.1x JSON), with free space inside the file below the compaction threshold.
            assertThat(settled < peak || figures.fillPercent() >= HubConfig.Store.DEFAULT_COMPACT_BELOW_FILL)
                    .as("file bytes after compaction %,d below the peak while delivering %,d, or the file at least "
                            + "%d %% filled (was %d %%)", settled, peak, HubConfig.Store.DEFAULT_COMPACT_BELOW_FILL,
                            figures.fillPercent()).isTrue();
            if (COMPACTION) {
                // The peak depends on how fast this machine writes between two housekeeping slots (2.2-3.1x seen
                // on two cores): a guard against runaway growth (6.2x before the store reused dead chunks at once,
                // 8x without compaction), not the 3x, which the settled file keeps.
                assertThat(peak).as("largest file bytes during the saturated load, against the messages' JSON bytes "
                        + "%,d", json).isLessThanOrEqualTo(4 * json);
            }
        } finally {
            journal.close();
            db.close();
        }
    }

    /**
     * Waits until neither the file's size nor the maintenance's step count has changed for 3 s (the maintenance rests
     * 1 s after a call with nothing to do), at most 5 minutes.
     */
    private static long awaitSteadySize(Path file, StoreMaintenance maintenance) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long last = Files.size(file);
        long lastSteps = maintenance.steps();
        long sameSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - sameSince < TimeUnit.SECONDS.toNanos(3)) {
            Thread.sleep(200);
            long now = Files.size(file);
            long steps = maintenance.steps();
            if (now != last || steps != lastSteps) {
                last = now;
                lastSteps = steps;
                sameSince = System.nanoTime();
            }
        }
        return last;
    }

    private static Message message(int i) {
        int conversation = i / PER_CONVERSATION;
        return Message.builder().channel(new ChannelRef("webhook-channel", "web"))
                .channelMessageId("m-" + i).threadKey("thread-" + conversation)
                .author(Author.customer("Ann Example", Address.email("ann" + conversation + "@example.com")))
                .text(TEXT + " (" + i + ")").build();
    }

    /** The ticket the desk opens with a conversation's first delivery (as the Dispatcher reports it). */
    private String firstOfConversation(DeliveryTask task) {
        return ticketed.add(task.conversationId()) ? "T-" + task.conversationId() : null;
    }
}
