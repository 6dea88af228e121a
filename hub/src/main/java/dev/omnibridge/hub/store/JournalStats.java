package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The console's charts, computed from the journal on demand (small windows, so no pre-aggregation). */
public final class JournalStats {
    /** Upper bounds (seconds) of the first-response histogram; the last bucket is "longer". */
    static final long[] RESPONSE_BOUNDS = {60, 300, 900, 3600, 4 * 3600, 24 * 3600};
    /** A console chart needs no more than this many rows; older traffic beyond it is left out. */
    private static final int MAX_ROWS = 200_000;

    private final Database database;

    public JournalStats(Database database) {
        this.database = database;
    }

    /**
     * @param messagesPerChannel per channel instance, messages (both directions) per bucket
     * @param deliveryFailures   per bucket, dead-lettered deliveries plus channel reports of FAILED/UNDELIVERED
     * @param firstResponse      how long customers waited for the first answer, in conversations opened in the window
     */
    public record Stats(Instant from, long bucketSeconds, int buckets, Map<String, long[]> messagesPerChannel,
                        long[] deliveryFailures, FirstResponse firstResponse) {
    }

    /**
     * @param histogram  counts per {@code boundsSeconds} bucket, plus one for longer waits
     * @param unanswered conversations whose customer has had no answer yet
     */
    public record FirstResponse(int answered, int unanswered, Long medianSeconds, long[] boundsSeconds,
                                long[] histogram) {
    }

    /** The last {@code hours} hours, hourly buckets, aligned to whole hours so charts do not jitter. */
    public Stats lastHours(int hours, Instant now) throws SQLException {
        Instant to = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant from = to.minus(Duration.ofHours(hours));
        long bucket = 3600;
        try (Connection c = database.connection()) {
            Map<String, long[]> perChannel = new TreeMap<>();
            Map<String, Instant> firstIn = new HashMap<>();
            Map<String, Instant> firstAnswer = new HashMap<>();
            try (PreparedStatement ps = Sql.prepare(c, "SELECT c.channel_instance, m.direction, m.received_at, "
                    + "m.conversation_id, c.created_at FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                    + "WHERE m.received_at >= ? ORDER BY m.seq FETCH FIRST " + MAX_ROWS + " ROWS ONLY", from);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String direction = rs.getString(2);
                    Instant at = Sql.instant(rs, "received_at");
                    String conversation = rs.getString(4);
                    if (!"INTERNAL".equals(direction)) {
                        int i = index(from, at, bucket, hours);
                        if (i >= 0) {
                            perChannel.computeIfAbsent(rs.getString(1), k -> new long[hours])[i]++;
                        }
                    }
                    // Only conversations that began in the window: their first customer message is in it.
                    boolean opened = !Sql.instant(rs, "created_at").isBefore(from);
                    if (opened && "INBOUND".equals(direction)) {
                        firstIn.putIfAbsent(conversation, at);
                    } else if (opened && "OUTBOUND".equals(direction) && firstIn.containsKey(conversation)) {
                        firstAnswer.putIfAbsent(conversation, at);
                    }
                }
            }
            long[] failures = new long[hours];
            count(c, "SELECT failed_at AS updated_at FROM dead_letters WHERE failed_at >= ?", from, bucket, hours,
                    failures);
            count(c, "SELECT updated_at FROM channel_message_status WHERE state IN ('FAILED', 'UNDELIVERED') "
                    + "AND updated_at >= ?", from, bucket, hours, failures);
            return new Stats(from, bucket, hours, perChannel, failures, firstResponse(firstIn, firstAnswer));
        }
    }

    static FirstResponse firstResponse(Map<String, Instant> firstIn, Map<String, Instant> firstAnswer) {
        List<Long> waits = new ArrayList<>();
        firstAnswer.forEach((conversation, answered) ->
                waits.add(Math.max(0, Duration.between(firstIn.get(conversation), answered).toSeconds())));
        Collections.sort(waits);
        long[] histogram = new long[RESPONSE_BOUNDS.length + 1];
        for (long w : waits) {
            int i = 0;
            while (i < RESPONSE_BOUNDS.length && w > RESPONSE_BOUNDS[i]) {
                i++;
            }
            histogram[i]++;
        }
        Long median = waits.isEmpty() ? null : waits.get(waits.size() / 2);
        return new FirstResponse(waits.size(), firstIn.size() - waits.size(), median, RESPONSE_BOUNDS.clone(),
                histogram);
    }

    private static void count(Connection c, String sql, Instant from, long bucket, int buckets, long[] into)
            throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, sql + " FETCH FIRST " + MAX_ROWS + " ROWS ONLY", from);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int i = index(from, Sql.instant(rs, "updated_at"), bucket, buckets);
                if (i >= 0) {
                    into[i]++;
                }
            }
        }
    }

    private static int index(Instant from, Instant at, long bucket, int buckets) {
        long i = Duration.between(from, at).toSeconds() / bucket;
        return i < 0 || i >= buckets ? -1 : (int) i;
    }
}
