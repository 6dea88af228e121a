package dev.omnibridge.hub.sla;

import dev.omnibridge.model.Priority;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the timers' two tables (migration V9): {@code first_response_timers}, one row per conversation, and
 * {@code first_response_events}, what the timers did. Portable SQL: H2 and PostgreSQL.
 */
final class TimerRows {
    private static final String COLUMNS = "conversation_id, channel_instance, priority, started_at, warn_due_at, "
            + "breach_due_at, warned_at, breached_at, answered_at";

    private TimerRows() {
    }

    /** A conversation's timer. {@code startedAt} null: no clock runs. */
    record Timer(String conversationId, String channelInstance, Priority priority, Instant startedAt,
                 Instant warnDueAt, Instant breachDueAt, Instant warnedAt, Instant breachedAt, Instant answeredAt) {
        boolean running() {
            return startedAt != null;
        }
    }

    /** When a clock's warning and breach are due; either may be null (off, or never in the calendar). */
    record Due(Instant warnAt, Instant breachAt) {
        Instant next() {
            if (warnAt == null) {
                return breachAt;
            }
            return breachAt == null || warnAt.isBefore(breachAt) ? warnAt : breachAt;
        }
    }

    enum Event { WARNED, BREACHED, ANSWERED, CLOSED }

    static Optional<Timer> find(Connection c, String conversationId) throws SQLException {
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT " + COLUMNS + " FROM first_response_timers "
                + "WHERE conversation_id = ?", conversationId); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    /**
     * The timers whose warning or breach is due at {@code now}, earliest first, at most {@code limit}: a range of
     * the index on next_due_at, so the rows read are the due ones, whatever the number of running clocks.
     */
    static List<Timer> due(Connection c, Instant now, int limit) throws SQLException {
        List<Timer> due = new ArrayList<>();
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT " + COLUMNS + " FROM first_response_timers "
                + "WHERE next_due_at <= ? ORDER BY next_due_at FETCH FIRST " + limit + " ROWS ONLY", now);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                due.add(read(rs));
            }
        }
        return due;
    }

    /** The timers of these conversations (the console's list), by conversation id. */
    static List<Timer> of(Connection c, List<String> conversationIds) throws SQLException {
        List<Timer> found = new ArrayList<>();
        if (conversationIds.isEmpty()) {
            return found;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(conversationIds.size(), "?"));
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT " + COLUMNS + " FROM first_response_timers "
                + "WHERE conversation_id IN (" + marks + ")", conversationIds.toArray());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                found.add(read(rs));
            }
        }
        return found;
    }

    private static Timer read(ResultSet rs) throws SQLException {
        return new Timer(rs.getString(1), rs.getString(2), Priority.valueOf(rs.getString(3)), Jdbc.instant(rs, 4),
                Jdbc.instant(rs, 5), Jdbc.instant(rs, 6), Jdbc.instant(rs, 7), Jdbc.instant(rs, 8),
                Jdbc.instant(rs, 9));
    }

    /** The conversation's first clock. */
    static void insertRunning(Connection c, String conversationId, String channelInstance, Priority priority,
                              Instant startedAt, Due due) throws SQLException {
        Jdbc.update(c, "INSERT INTO first_response_timers (conversation_id, channel_instance, priority, started_at, "
                + "warn_due_at, breach_due_at, next_due_at) VALUES (?, ?, ?, ?, ?, ?, ?)", conversationId,
                channelInstance, priority, startedAt, due.warnAt(), due.breachAt(), due.next());
    }

    /** A new clock for a conversation that had one before (answered, or closed unanswered). */
    static void restart(Connection c, String conversationId, Priority priority, Instant startedAt, Due due)
            throws SQLException {
        Jdbc.update(c, "UPDATE first_response_timers SET priority = ?, started_at = ?, warn_due_at = ?, "
                + "breach_due_at = ?, next_due_at = ?, warned_at = NULL WHERE conversation_id = ?", priority,
                startedAt, due.warnAt(), due.breachAt(), due.next(), conversationId);
    }

    /** A higher priority for the running clock: its steps not fired yet are due earlier. */
    static void reprioritise(Connection c, String conversationId, Priority priority, Due due) throws SQLException {
        Jdbc.update(c, "UPDATE first_response_timers SET priority = ?, warn_due_at = ?, breach_due_at = ?, "
                + "next_due_at = ? WHERE conversation_id = ?", priority, due.warnAt(), due.breachAt(), due.next(),
                conversationId);
    }

    /** The clock stops: answered ({@code answeredAt}), or closed unanswered (null). */
    static void stop(Connection c, String conversationId, Instant answeredAt) throws SQLException {
        String stopped = "UPDATE first_response_timers SET started_at = NULL, warn_due_at = NULL, "
                + "breach_due_at = NULL, next_due_at = NULL";
        if (answeredAt == null) {
            Jdbc.update(c, stopped + " WHERE conversation_id = ?", conversationId);
        } else {
            Jdbc.update(c, stopped + ", answered_at = ? WHERE conversation_id = ?", answeredAt, conversationId);
        }
    }

    /** Nothing fires for the timer before {@code until} (its firing failed: it is tried again then). */
    static void postpone(Connection c, String conversationId, Instant until) throws SQLException {
        Jdbc.update(c, "UPDATE first_response_timers SET next_due_at = ? WHERE conversation_id = ?", until,
                conversationId);
    }

    static void warned(Connection c, Timer t, Instant at) throws SQLException {
        Jdbc.update(c, "UPDATE first_response_timers SET warned_at = ?, warn_due_at = NULL, next_due_at = ? "
                + "WHERE conversation_id = ?", at, t.breachDueAt(), t.conversationId());
    }

    /** The breach: recorded, nothing more due for this clock, and the priority one step up. */
    static void breached(Connection c, Timer t, Priority raised, Instant at) throws SQLException {
        Jdbc.update(c, "UPDATE first_response_timers SET breached_at = ?, priority = ?, warn_due_at = NULL, "
                + "breach_due_at = NULL, next_due_at = NULL WHERE conversation_id = ?", at, raised,
                t.conversationId());
    }

    static void event(Connection c, Timer t, Event kind, Instant at, Duration target, Duration waited,
                      Priority raisedTo) throws SQLException {
        Jdbc.update(c, "INSERT INTO first_response_events (conversation_id, kind, happened_at, priority, "
                + "clock_started_at, target_seconds, waited_seconds, raised_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                t.conversationId(), kind, at, t.priority(), t.startedAt(),
                target == null ? null : target.toSeconds(), waited == null ? null : waited.toSeconds(), raisedTo);
    }

    /** One entry of a conversation's timeline. */
    record EventRow(String kind, Instant at, Priority priority, Instant clockStartedAt, Long targetSeconds,
                    Long waitedSeconds, Priority raisedTo) {
    }

    /** The conversation's latest {@code limit} entries, oldest first. */
    static List<EventRow> events(Connection c, String conversationId, int limit) throws SQLException {
        List<EventRow> events = new ArrayList<>();
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT kind, happened_at, priority, clock_started_at, "
                + "target_seconds, waited_seconds, raised_to FROM first_response_events WHERE conversation_id = ? "
                + "ORDER BY id DESC FETCH FIRST " + limit + " ROWS ONLY", conversationId);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String raised = rs.getString(7);
                events.add(new EventRow(rs.getString(1), Jdbc.instant(rs, 2), Priority.valueOf(rs.getString(3)),
                        Jdbc.instant(rs, 4), Jdbc.longOrNull(rs, 5), Jdbc.longOrNull(rs, 6),
                        raised == null ? null : Priority.valueOf(raised)));
            }
        }
        java.util.Collections.reverse(events);    // the latest ones, oldest first
        return events;
    }
}
