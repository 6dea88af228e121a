package dev.omnibridge.hub.sla;

import dev.omnibridge.hub.metrics.FirstResponseMetrics;
import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.InternalNote;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.TxWork;
import dev.omnibridge.model.Priority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fires the warnings and breaches that are due. A poll is one unit of the journal's writer: it reads the due rows
 * through the index on their due time and fires each in the same transaction, so that a warning or a breach is
 * recorded together with its note's outbox rows (a crash keeps both or neither) and fires once: a fired step is no
 * longer due, and the writer is the only one changing the rows, so no other unit can fire it in between.
 *
 * <p>A breach tags the conversation {@value #BREACHED_TAG} (its timer keeps the breach), raises its priority one
 * step, records it in the conversation's timeline, sends the desks an internal note (through the outbox, tagged
 * and prioritised likewise) and counts it. A warning records and counts, and sends a note when configured. A
 * conversation resolved meanwhile (the desk closed it without an answer) has its clock closed instead.
 */
public final class FirstResponseAlarms {
    private static final Logger LOG = LoggerFactory.getLogger(FirstResponseAlarms.class);
    /** The tag of a conversation that waited longer than its target, and of the note saying so. */
    public static final String BREACHED_TAG = "sla-breached";
    /** The tag of the warning's note. */
    public static final String WARNING_TAG = "sla-warning";
    /** Metadata key of the timers' notes: {@code breached} or {@code warning}. */
    public static final String NOTE_KIND = "omnibridge.firstResponse";
    /** Rows fired per unit at most; a full page queues the next one at once, so ingest interleaves with a burst. */
    static final int PAGE = 100;
    /** When a timer whose firing failed is tried again. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);
    /** How often the journal runs a poll. */
    public static final Duration PERIOD = Duration.ofSeconds(1);

    /** Stores the hub's note in its conversation and queues it to the desks, in the caller's unit. */
    @FunctionalInterface
    public interface DeskNotes {
        List<String> store(Connection c, AfterCommit after, InternalNote note, Instant now) throws SQLException;
    }

    private final FirstResponseClock clock;
    private final DeskNotes notes;
    private final FirstResponseMetrics metrics;
    private final Clock time;
    private final Journal journal;

    /**
     * @param clock   the clocks the write path starts and stops (told when a fired clock's row changes)
     * @param notes   the store's internal notes ({@code InboundWriter::storeInternalNote})
     * @param time    what "now" is, for due times and the records
     * @param journal where a full page queues the next poll
     */
    public FirstResponseAlarms(FirstResponseClock clock, DeskNotes notes, FirstResponseMetrics metrics, Clock time,
                               Journal journal) {
        this.clock = clock;
        this.notes = notes;
        this.metrics = metrics;
        this.time = time;
        this.journal = journal;
    }

    /** Polls every {@link #PERIOD} on the journal's writer (and once more as it closes). */
    public void schedule() {
        journal.every(PERIOD, "timer:first-response", poll());   // issue 25: on one node
    }

    /** One poll: fires what is due now; returns how many steps it fired or closed. */
    public TxWork<Integer> poll() {
        return (c, after) -> {
            Instant now = time.instant();
            List<TimerRows.Timer> due = TimerRows.due(c, now, PAGE);
            for (TimerRows.Timer t : due) {
                fireAlone(c, after, t, now);
            }
            if (due.size() == PAGE) {
                after.run(() -> journal.submit(poll()).whenComplete((n, e) -> {
                    if (e != null) {
                        LOG.warn("First-response timers: firing the next due page failed: {}", e.getMessage());
                    }
                }));
            }
            return due.size();
        };
    }

    /**
     * Fires one timer under its own savepoint: should it fail, it is tried again a minute later while the others
     * fire now, so that one bad row cannot hold up every timer behind it.
     */
    private void fireAlone(Connection c, AfterCommit after, TimerRows.Timer t, Instant now) throws SQLException {
        java.sql.Savepoint savepoint = c.setSavepoint();
        AfterCommit mine = new AfterCommit();
        try {
            fire(c, mine, t, now);
            c.releaseSavepoint(savepoint);
            mine.moveTo(after);
        } catch (SQLException | RuntimeException e) {
            c.rollback(savepoint);
            LOG.warn("First-response timers: conversation {} could not fire ({}); trying again in a minute",
                    t.conversationId(), e.getMessage());
            TimerRows.postpone(c, t.conversationId(), now.plus(RETRY_AFTER_FAILURE));
        }
    }

    private void fire(Connection c, AfterCommit after, TimerRows.Timer t, Instant now) throws SQLException {
        clock.forget(t.conversationId());
        Deadlines deadlines = clock.deadlines();
        Duration target = deadlines.policy(t.channelInstance()).target(t.priority());
        Duration waited = deadlines.hours(t.channelInstance()).between(t.startedAt(), now);
        if (!deadlines.policy(t.channelInstance()).enabled()) {
            TimerRows.stop(c, t.conversationId(), null);    // turned off for the channel since the clock started
            return;
        }
        if (resolved(c, t.conversationId())) {
            TimerRows.stop(c, t.conversationId(), null);
            TimerRows.event(c, t, TimerRows.Event.CLOSED, now, target, waited, null);
            return;
        }
        if (t.breachDueAt() != null && !t.breachDueAt().isAfter(now)) {
            breach(c, after, t, now, target, waited);
        } else if (t.warnDueAt() != null && !t.warnDueAt().isAfter(now)) {
            warn(c, after, t, now, target, waited);
        }
    }

    private void breach(Connection c, AfterCommit after, TimerRows.Timer t, Instant now, Duration target,
                        Duration waited) throws SQLException {
        Priority raised = ClockRules.raised(t.priority());
        TimerRows.breached(c, t, raised, now);
        TimerRows.event(c, t, TimerRows.Event.BREACHED, now, target, waited, raised);
        String text = "First response overdue: the customer has waited since " + shown(t.startedAt()) + " ("
                + Durations.words(waited) + " of business time), past the " + t.priority() + " target of "
                + Durations.words(target) + ". Priority raised to " + raised + ".";
        notes.store(c, after, new InternalNote(t.conversationId(), t.channelInstance(), sourceId("breached", t),
                text, Set.of(BREACHED_TAG), raised, Map.of(NOTE_KIND, "breached")), now);
        after.run(() -> {
            metrics.breached(t.channelInstance(), t.priority().name());
            LOG.info("Conversation {} on {} passed its {} first-response target unanswered; priority raised to {}",
                    t.conversationId(), t.channelInstance(), t.priority(), raised);
        });
    }

    private void warn(Connection c, AfterCommit after, TimerRows.Timer t, Instant now, Duration target,
                      Duration waited) throws SQLException {
        TimerRows.warned(c, t, now);
        TimerRows.event(c, t, TimerRows.Event.WARNED, now, target, waited, null);
        if (clock.deadlines().policy(t.channelInstance()).warningNote()) {
            String text = "First response due soon: the customer has waited since " + shown(t.startedAt()) + " ("
                    + Durations.words(waited) + " of business time); the " + t.priority() + " target of "
                    + Durations.words(target) + " passes at " + shown(t.breachDueAt()) + ".";
            notes.store(c, after, new InternalNote(t.conversationId(), t.channelInstance(), sourceId("warning", t),
                    text, Set.of(WARNING_TAG), t.priority(), Map.of(NOTE_KIND, "warning")), now);
        }
        after.run(() -> metrics.warned(t.channelInstance(), t.priority().name()));
    }

    /** An instant as agents read it in a note: to the second, UTC. */
    private static String shown(Instant at) {
        return at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** Once per clock: the clock's start names it. */
    private static String sourceId(String kind, TimerRows.Timer t) {
        return "notice:first-response-" + kind + ":" + t.conversationId() + ":" + t.startedAt().toEpochMilli();
    }

    private static boolean resolved(Connection c, String conversationId) throws SQLException {
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT status FROM conversations WHERE id = ?", conversationId);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && "RESOLVED".equals(rs.getString(1));
        }
    }
}
