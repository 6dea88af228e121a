package dev.omnibridge.hub.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Each conversation's first reply and first-response target (migration V16_4), the rows first-response times and SLA
 * figures are read from: one narrow row per conversation and a month in one range of a time index, instead of every
 * timer event joined to its conversation (a month of 1M messages holds about five times as many timer events as
 * conversations).
 *
 * <p>Kept like {@link AnalyticsVolumes}: the journal writer reads the {@code first_response_events} stored since its
 * last pass (at most {@link #PASS_LIMIT}), inserts the rows they settle and moves the mark {@value #MARK} in the same
 * transaction. The timers write their events on the writer thread only, so event ids grow in commit order and no
 * event below the mark can appear later. A read ({@link #firstReplies}, {@link #targets}) takes the mark first, then
 * the rows made from events up to it ({@code event_id}), and works out the events above it in memory the same way
 * the writer would: a reply counts from its commit on, exactly once, whether a pass committed in between or not.
 */
public final class AnalyticsFirstReplies {
    /** How often the writer rolls up: bounds the events a read works out itself. */
    public static final Duration PERIOD = Duration.ofSeconds(1);
    static final String MARK = "analytics_first_replies";
    /** Events one pass reads at most, so that a pass never holds the writer long (an upgraded store catches up). */
    static final int PASS_LIMIT = 20_000;
    /** Conversation ids per {@code IN} list: well under every engine's bound on parameters. */
    private static final int IN_CHUNK = 500;
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsFirstReplies.class);

    /** How a conversation's first-response target was settled. */
    public enum Outcome {
        /** Answered before the breach (a warning may have fired). */
        MET,
        /** The breach fired before the first answer. */
        BREACHED,
        /** Resolved without an answer before the breach. */
        CLOSED
    }

    /** A conversation's first agent reply: how long the customer waited for it, in calendar time. */
    public record FirstReply(String conversationId, String channel, String priority, Instant answeredAt,
                             long waitedMillis) {
    }

    /** How a conversation's first-response target was settled, and whether its warning had fired before. */
    public record Target(String conversationId, String channel, String priority, Instant settledAt, Outcome outcome,
                         boolean warned) {
    }

    /** One row of first_response_events, with the channel of its conversation. */
    private record TimerEvent(long id, String conversationId, String channel, String kind, Instant at,
                              String priority, Instant clockStartedAt) {
    }

    /** Events read above a mark, and the highest id read (the next mark, even if that event was left out). */
    private record Batch(List<TimerEvent> events, long top, int read) {
    }

    /** What a run of events settles that the rows up to the mark do not have yet. */
    private record Settled(List<FirstReply> replies, List<Long> replyEvents, List<Target> targets,
                           List<Long> targetEvents) {
    }

    private AnalyticsFirstReplies() {
    }

    /** Installs the roll-up on the journal's writer. */
    public static void schedule(Journal journal) {
        RollUpProgress progress = new RollUpProgress(LOG, "timer events", PASS_LIMIT);
        journal.every(PERIOD, "timer:analytics-first-replies",   // issue 25: on one node
                (c, after) -> progress.passed(rollUp(c), after));
    }

    /**
     * Inserts the rows the timer events stored since the last pass settle (at most {@link #PASS_LIMIT} events) and
     * moves the mark.
     *
     * @return how many events were looked at
     */
    static int rollUp(Connection c) throws SQLException {
        long mark = mark(c);
        Batch batch = eventsAbove(c, mark, PASS_LIMIT);
        if (batch.top() == mark) {
            return 0;
        }
        Settled s = settle(c, mark, batch.events());
        for (int i = 0; i < s.replies().size(); i++) {
            FirstReply r = s.replies().get(i);
            Sql.update(c, "INSERT INTO analytics_first_replies (conversation_id, event_id, answered_at, "
                    + "channel_instance, priority, waited_millis) VALUES (?, ?, ?, ?, ?, ?)", r.conversationId(),
                    s.replyEvents().get(i), r.answeredAt(), r.channel(), r.priority(), r.waitedMillis());
        }
        for (int i = 0; i < s.targets().size(); i++) {
            Target t = s.targets().get(i);
            Sql.update(c, "INSERT INTO analytics_first_reply_targets (conversation_id, event_id, settled_at, "
                    + "channel_instance, priority, outcome, warned) VALUES (?, ?, ?, ?, ?, ?, ?)", t.conversationId(),
                    s.targetEvents().get(i), t.settledAt(), t.channel(), t.priority(), t.outcome(), t.warned());
        }
        if (Sql.update(c, "UPDATE store_marks SET mark = ? WHERE name = ?", batch.top(), MARK) == 0) {
            Sql.update(c, "INSERT INTO store_marks (name, mark) VALUES (?, ?)", MARK, batch.top());
        }
        return batch.read();
    }

    static long mark(Connection c) throws SQLException {
        return Sql.string(c, "SELECT mark FROM store_marks WHERE name = ?", MARK).map(Long::parseLong).orElse(0L);
    }

    /**
     * The first replies given in {@code [from, to)}, of one channel and priority or all (null).
     *
     * @param out gets each reply, in no particular order
     */
    public static void firstReplies(Connection c, Instant from, Instant to, String channel, String priority,
                                    Consumer<FirstReply> out) throws SQLException {
        Query<FirstReply> query = new Query<>("analytics_first_replies", "answered_at", "waited_millis",
                rs -> new FirstReply(rs.getString(1), rs.getString(2), rs.getString(3),
                        Sql.instant(rs, "answered_at"), rs.getLong(5)),
                Settled::replies, FirstReply::answeredAt, FirstReply::channel, FirstReply::priority);
        query.run(c, from, to, channel, priority, out);
    }

    /**
     * The first-response targets settled in {@code [from, to)}, of one channel and priority or all (null).
     *
     * @param out gets each target, in no particular order
     */
    public static void targets(Connection c, Instant from, Instant to, String channel, String priority,
                               Consumer<Target> out) throws SQLException {
        Query<Target> query = new Query<>("analytics_first_reply_targets", "settled_at", "outcome, warned",
                rs -> new Target(rs.getString(1), rs.getString(2), rs.getString(3), Sql.instant(rs, "settled_at"),
                        Outcome.valueOf(rs.getString(5)), rs.getBoolean(6)),
                Settled::targets, Target::settledAt, Target::channel, Target::priority);
        query.run(c, from, to, channel, priority, out);
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * A read of one of the two tables: the rows made from events up to the mark (the mark read first, so a pass
     * committing meanwhile adds nothing twice), then those the events above it settle.
     */
    private record Query<T>(String table, String time, String columns, RowMapper<T> mapper,
                            Function<Settled, List<T>> aboveMark, Function<T, Instant> at,
                            Function<T, String> channelOf, Function<T, String> priorityOf) {
        void run(Connection c, Instant from, Instant to, String channel, String priority, Consumer<T> out)
                throws SQLException {
            long mark = mark(c);
            List<Object> params = new ArrayList<>(List.of(from, to, mark));
            String sql = "SELECT conversation_id, channel_instance, priority, " + time + ", " + columns + " FROM "
                    + table + " WHERE " + time + " >= ? AND " + time + " < ? AND event_id <= ?"
                    + filters(channel, priority, params);
            try (PreparedStatement ps = Sql.prepare(c, sql, params.toArray()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.accept(mapper.map(rs));
                }
            }
            for (T row : aboveMark.apply(settle(c, mark, eventsAbove(c, mark, Integer.MAX_VALUE).events()))) {
                Instant when = at.apply(row);
                if (!when.isBefore(from) && when.isBefore(to) && (channel == null
                        || channel.equals(channelOf.apply(row))) && (priority == null
                        || priority.equals(priorityOf.apply(row)))) {
                    out.accept(row);
                }
            }
        }
    }

    private static String filters(String channel, String priority, List<Object> params) {
        StringBuilder sql = new StringBuilder();
        if (channel != null) {
            sql.append(" AND channel_instance = ?");
            params.add(channel);
        }
        if (priority != null) {
            sql.append(" AND priority = ?");
            params.add(priority);
        }
        return sql.toString();
    }

    /**
     * The timer events above the mark in id order, at most {@code limit}, each with its conversation's channel
     * (from its timer, which every event has; from the conversation otherwise; an event with neither is left out).
     */
    private static Batch eventsAbove(Connection c, long mark, int limit) throws SQLException {
        String page = limit == Integer.MAX_VALUE ? "" : " ORDER BY x.id FETCH FIRST " + limit + " ROWS ONLY";
        String sql = "SELECT e.id, e.conversation_id, COALESCE(t.channel_instance, k.channel_instance), e.kind, "
                + "e.happened_at, e.priority, e.clock_started_at FROM (SELECT x.id, x.conversation_id, x.kind, "
                + "x.happened_at, x.priority, x.clock_started_at FROM first_response_events x WHERE x.id > ?" + page
                + ") e LEFT JOIN first_response_timers t ON t.conversation_id = e.conversation_id "
                + "LEFT JOIN conversations k ON k.id = e.conversation_id ORDER BY e.id";
        List<TimerEvent> events = new ArrayList<>();
        long top = mark;
        int read = 0;
        try (PreparedStatement ps = Sql.prepare(c, sql, mark); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                read++;
                top = rs.getLong(1);
                if (rs.getString(3) != null) {
                    events.add(new TimerEvent(top, rs.getString(2), rs.getString(3), rs.getString(4),
                            Sql.instant(rs, "happened_at"), rs.getString(6), Sql.instant(rs, "clock_started_at")));
                }
            }
        }
        return new Batch(events, top, read);
    }

    /**
     * The rows {@code events} (above {@code mark}, in id order) add to those made from events up to the mark: a
     * conversation's first ANSWERED is its first reply; its first ANSWERED, BREACHED or CLOSED settles its target,
     * warned when a WARNED came before (in these events or up to the mark).
     */
    private static Settled settle(Connection c, long mark, List<TimerEvent> events) throws SQLException {
        Settled s = new Settled(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        if (events.isEmpty()) {
            return s;
        }
        Set<String> conversations = new LinkedHashSet<>();
        events.forEach(e -> conversations.add(e.conversationId()));
        Set<String> replied = existing(c, "analytics_first_replies", mark, conversations);
        Set<String> settled = existing(c, "analytics_first_reply_targets", mark, conversations);
        Set<String> warned = new HashSet<>();
        Set<String> settledHere = new LinkedHashSet<>();
        for (TimerEvent e : events) {
            String conv = e.conversationId();
            Outcome outcome = switch (e.kind()) {
                case "ANSWERED" -> Outcome.MET;
                case "BREACHED" -> Outcome.BREACHED;
                case "CLOSED" -> Outcome.CLOSED;
                default -> null;
            };
            if ("WARNED".equals(e.kind())) {
                warned.add(conv);
            }
            if (outcome == Outcome.MET && replied.add(conv)) {
                long millis = e.clockStartedAt() == null ? 0
                        : Math.max(0, Duration.between(e.clockStartedAt(), e.at()).toMillis());
                s.replies().add(new FirstReply(conv, e.channel(), e.priority(), e.at(), millis));
                s.replyEvents().add(e.id());
            }
            if (outcome != null && settled.add(conv)) {
                settledHere.add(conv);
                s.targets().add(new Target(conv, e.channel(), e.priority(), e.at(), outcome, warned.contains(conv)));
                s.targetEvents().add(e.id());
            }
        }
        settledHere.removeAll(warned);
        Set<String> warnedBefore = warnedUpTo(c, mark, settledHere);
        if (!warnedBefore.isEmpty()) {
            s.targets().replaceAll(t -> warnedBefore.contains(t.conversationId())
                    ? new Target(t.conversationId(), t.channel(), t.priority(), t.settledAt(), t.outcome(), true) : t);
        }
        return s;
    }

    /** Those of the conversations that have a row in the table made from an event up to the mark. */
    private static Set<String> existing(Connection c, String table, long mark, Collection<String> conversations)
            throws SQLException {
        return inChunks(c, "SELECT conversation_id FROM " + table + " WHERE event_id <= ? AND conversation_id IN ",
                mark, conversations);
    }

    /** Those of the conversations whose warning fired in an event up to the mark. */
    private static Set<String> warnedUpTo(Connection c, long mark, Collection<String> conversations)
            throws SQLException {
        return inChunks(c, "SELECT DISTINCT conversation_id FROM first_response_events WHERE kind = 'WARNED' "
                + "AND id <= ? AND conversation_id IN ", mark, conversations);
    }

    private static Set<String> inChunks(Connection c, String sql, long mark, Collection<String> conversations)
            throws SQLException {
        Set<String> found = new HashSet<>();
        List<String> all = new ArrayList<>(conversations);
        for (int i = 0; i < all.size(); i += IN_CHUNK) {
            List<String> chunk = all.subList(i, Math.min(all.size(), i + IN_CHUNK));
            Object[] params = new Object[chunk.size() + 1];
            params[0] = mark;
            for (int j = 0; j < chunk.size(); j++) {
                params[j + 1] = chunk.get(j);
            }
            String marks = "(" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
            try (PreparedStatement ps = Sql.prepare(c, sql + marks, params); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }
}
