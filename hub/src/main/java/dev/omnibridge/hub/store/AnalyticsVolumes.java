package dev.omnibridge.hub.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages per hour, channel instance and direction (migration V16_3), kept off the writer's per-message path: the
 * journal writer adds the counts of the messages stored since its last pass in bulk ({@link #rollUp}, every
 * {@link #PERIOD}), and moves the mark {@value #MARK} in {@code store_marks} in the same transaction, as
 * {@link ConversationMessages} does. It runs in the writer's transaction, the only one storing messages, so no
 * message below the new mark can still appear and none is counted twice.
 *
 * <p>A read ({@link #hours}) takes the table and the mark in one statement (one snapshot) and counts the messages
 * above that mark from {@code messages} itself: a range of its primary key no longer than about a second of traffic.
 * So a message counts from its commit on, exactly once.
 */
public final class AnalyticsVolumes {
    /** How often the writer rolls up: bounds the messages a read counts from the journal itself. */
    public static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsVolumes.class);
    static final String MARK = "analytics_volumes";
    /**
     * Messages one pass reads at most, so that a pass never holds the writer long (a store upgraded with millions of
     * messages catches up over a few minutes instead of stalling ingest once).
     */
    static final int PASS_LIMIT = 20_000;

    /** Messages of one hour, channel instance and direction ({@code INBOUND} or {@code OUTBOUND}). */
    public record HourCount(Instant hour, String channel, String direction, long messages) {
    }

    private record Key(Instant hour, String channel, String direction) {
    }

    private final RollUpProgress progress = new RollUpProgress(LOG, "messages", PASS_LIMIT);

    private AnalyticsVolumes() {
    }

    /** Installs the roll-up on the journal's writer. */
    public static void schedule(Journal journal) {
        AnalyticsVolumes volumes = new AnalyticsVolumes();
        journal.every(PERIOD, "timer:analytics-volumes",   // issue 25: on one node
                (c, after) -> volumes.progress.passed(rollUp(c, after), after));
    }

    /**
     * Adds the counts of the messages stored since the last pass (at most {@link #PASS_LIMIT}) and moves the mark.
     *
     * @return how many messages were looked at
     */
    static Integer rollUp(Connection c, AfterCommit after) throws SQLException {
        long mark = mark(c);
        Map<Key, Long> counts = new HashMap<>();
        long top = mark;
        int seen = 0;
        try (PreparedStatement ps = Sql.prepare(c, "SELECT m.seq, m.received_at, c.channel_instance, m.direction "
                + "FROM (SELECT x.seq, x.received_at, x.direction, x.conversation_id FROM messages x WHERE x.seq > ? "
                + "ORDER BY x.seq FETCH FIRST " + PASS_LIMIT + " ROWS ONLY) m "
                + "JOIN conversations c ON c.id = m.conversation_id ORDER BY m.seq", mark);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                seen++;
                top = rs.getLong(1);
                count(counts, Sql.instant(rs, "received_at"), rs.getString(3), rs.getString(4));
            }
        }
        if (seen == 0) {
            return 0;
        }
        for (Map.Entry<Key, Long> e : counts.entrySet()) {
            Key k = e.getKey();
            int n = Sql.update(c, "UPDATE analytics_volumes SET messages = messages + ? WHERE hour_start = ? "
                    + "AND channel_instance = ? AND direction = ?", e.getValue(), k.hour(), k.channel(), k.direction());
            if (n == 0) {
                Sql.update(c, "INSERT INTO analytics_volumes (hour_start, channel_instance, direction, messages) "
                        + "VALUES (?, ?, ?, ?)", k.hour(), k.channel(), k.direction(), e.getValue());
            }
        }
        if (Sql.update(c, "UPDATE store_marks SET mark = ? WHERE name = ?", top, MARK) == 0) {
            Sql.update(c, "INSERT INTO store_marks (name, mark) VALUES (?, ?)", MARK, top);
        }
        return seen;
    }

    private static void count(Map<Key, Long> counts, Instant at, String channel, String direction) {
        if (at == null || !("INBOUND".equals(direction) || "OUTBOUND".equals(direction))) {
            return; // internal notes are no traffic with the customer
        }
        counts.merge(new Key(at.truncatedTo(ChronoUnit.HOURS), channel, direction), 1L, Long::sum);
    }

    static long mark(Connection c) throws SQLException {
        return Sql.string(c, "SELECT mark FROM store_marks WHERE name = ?", MARK).map(Long::parseLong).orElse(0L);
    }

    /**
     * The counts of the hours starting in {@code [from, to)}, of one channel instance or all (null), sorted by hour
     * and channel: the rolled-up part and the messages above its mark, in one consistent picture.
     */
    public static List<HourCount> hours(Connection c, Instant from, Instant to, String channel) throws SQLException {
        Instant first = from.truncatedTo(ChronoUnit.HOURS);
        Map<Key, Long> counts = new HashMap<>();
        long mark = 0;
        // One statement for the table and its mark: a pass committing meanwhile is either wholly in both or in none.
        String table = "SELECT hour_start, channel_instance, direction, messages, 0 AS mark FROM analytics_volumes "
                + "WHERE hour_start >= ? AND hour_start < ?" + (channel == null ? "" : " AND channel_instance = ?");
        String sql = table + " UNION ALL SELECT NULL, NULL, NULL, 0, mark FROM store_marks WHERE name = ?";
        try (PreparedStatement ps = channel == null ? Sql.prepare(c, sql, first, to, MARK)
                : Sql.prepare(c, sql, first, to, channel, MARK);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String ch = rs.getString(2);
                if (ch == null) {
                    mark = rs.getLong(5);
                } else {
                    counts.merge(new Key(Sql.instant(rs, "hour_start"), ch, rs.getString(3)), rs.getLong(4),
                            Long::sum);
                }
            }
        }
        // The range of the primary key first (a derived table), so that the planner cannot start from conversations.
        String recent = "SELECT m.received_at, c.channel_instance, m.direction FROM (SELECT x.received_at, "
                + "x.direction, x.conversation_id FROM messages x WHERE x.seq > ?) m "
                + "JOIN conversations c ON c.id = m.conversation_id"
                + (channel == null ? "" : " WHERE c.channel_instance = ?");
        try (PreparedStatement ps = channel == null ? Sql.prepare(c, recent, mark)
                : Sql.prepare(c, recent, mark, channel);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant at = Sql.instant(rs, "received_at");
                if (at != null && !at.truncatedTo(ChronoUnit.HOURS).isBefore(first)
                        && at.truncatedTo(ChronoUnit.HOURS).isBefore(to)) {
                    count(counts, at, rs.getString(2), rs.getString(3));
                }
            }
        }
        List<HourCount> out = new ArrayList<>(counts.size());
        counts.forEach((k, n) -> out.add(new HourCount(k.hour(), k.channel(), k.direction(), n)));
        out.sort(java.util.Comparator.comparing(HourCount::hour).thenComparing(HourCount::channel)
                .thenComparing(HourCount::direction));
        return out;
    }
}
