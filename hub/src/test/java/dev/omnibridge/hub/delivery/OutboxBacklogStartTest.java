package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.IngestReport;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hub whose outbox holds a large backlog (a long desk outage) starts and delivers in a small heap. The hub runs
 * in a child JVM with {@code -Xmx64m -XX:+ExitOnOutOfMemoryError}: before the outbox was paged, start-up read
 * every pending row into memory, and 200,000 of them (about 450 bytes each with their lane and bookkeeping) do
 * not fit. {@code -Dbacklog.rows=1000000} runs the same proof with a million rows (slow to set up: minutes).
 */
class OutboxBacklogStartTest {
    private static final long ROWS = Long.getLong("backlog.rows", 200_000);
    private static final int CONVERSATIONS = 1000;
    private static final String HEAP = System.getProperty("backlog.heap", "64m");

    @TempDir
    Path dir;

    @Test
    void aHubWithALargeBacklogStartsAndDeliversInASmallHeap() throws Exception {
        Path data = dir.resolve("data");
        long setupStart = System.nanoTime();
        long total = fillBacklog(data);
        long setupMillis = (System.nanoTime() - setupStart) / 1_000_000;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("child.log");
        // Two windows: the dispatcher has taken rows from the store again after its first window, a page at a time
        // (what the small heap proves); more windows repeat the same refill at some 3 s each on CI.
        long deliver = 2L * HubConfig.Delivery.DEFAULT_WINDOW;
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), BacklogStart.class.getName(),
                data.toString(), String.valueOf(port), String.valueOf(total), String.valueOf(deliver))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = child.waitFor(5, TimeUnit.MINUTES);
        if (!exited) {
            child.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(exited).as("child finished; its output:%n%s", tail(output)).isTrue();
        assertThat(child.exitValue()).as("child exit code (3 = out of memory); its output:%n%s", tail(output))
                .isZero();
        Matcher m = Pattern.compile("RESULT startMillis=(\\d+) deliveredMillis=(\\d+) delivered=(\\d+) "
                + "heapAfterGc=(\\d+) heapMax=(\\d+)").matcher(output);
        assertThat(m.find()).as("result line in:%n%s", tail(output)).isTrue();
        long heapAfterGc = Long.parseLong(m.group(4));
        System.out.printf("backlog of %,d pending deliveries (setup %,d ms): hub started in %s ms with -Xmx%s, "
                        + "delivered %s in %s ms more; heap after GC %,d KiB of %,d KiB%n", total, setupMillis,
                m.group(1), HEAP, m.group(3), m.group(2), heapAfterGc / 1024, Long.parseLong(m.group(5)) / 1024);
        assertThat(Long.parseLong(m.group(3))).isGreaterThanOrEqualTo(deliver);
        // What every pending row would take in memory, at a modest 300 bytes each: paging keeps far below it.
        assertThat(heapAfterGc).isLessThan(Math.min(ROWS * 300, Long.parseLong(m.group(5))));
    }

    /** Real messages in {@link #CONVERSATIONS} conversations, then outbox rows for them up to {@link #ROWS}. */
    private long fillBacklog(Path data) throws Exception {
        Files.createDirectories(data);
        Database db = Database.open(new HubConfig.Store(null, null, null), data, 4);
        Journal journal = new Journal(db);
        try {
            InboundWriter writer = new InboundWriter(ch -> List.of("inbox"), t -> { }, Clock.systemUTC());
            List<CompletableFuture<IngestReport>> stored = new ArrayList<>();
            for (int i = 0; i < CONVERSATIONS; i++) {
                Message m = Message.builder().channel(new ChannelRef("webhook-channel", "web"))
                        .channelMessageId("seed-" + i).threadKey("thread-" + i)
                        .author(Author.customer("Ann", Address.email("ann" + i + "@example.com")))
                        .text("Where is my order?").build();
                stored.add(journal.submit(writer.work("web", Inbound.messages(List.of(m)))));
            }
            CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        } finally {
            journal.close();
        }
        // Further rows repeat those messages: the dispatcher's memory depends on the rows, not on what they carry.
        // Interleaved over the conversations, as a desk outage leaves them; committed in chunks.
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            long rounds = ROWS / CONVERSATIONS - 1;
            for (long from = 1; from <= rounds; from += 50) {
                s.executeUpdate("INSERT INTO outbox (id, message_id, conversation_id, target_instance, kind, "
                        + "attempts, next_attempt_at, created_at, updated_at) SELECT r.X * 1000000 + m.seq, m.id, "
                        + "m.conversation_id, 'inbox', 'DESK', 0, m.received_at, m.received_at, m.received_at "
                        + "FROM SYSTEM_RANGE(" + from + ", " + Math.min(rounds, from + 49) + ") r, messages m "
                        + "ORDER BY r.X, m.seq");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM outbox"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } finally {
            db.close();
        }
    }

    private static String tail(String output) {
        return output.length() <= 4000 ? output : output.substring(output.length() - 4000);
    }
}
