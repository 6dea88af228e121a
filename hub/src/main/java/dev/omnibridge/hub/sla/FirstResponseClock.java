package dev.omnibridge.hub.sla;

import dev.omnibridge.hub.metrics.FirstResponseMetrics;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starts and stops first-response clocks as the store writes messages ({@link FirstResponseHook}): a customer's
 * message starts one when none runs for its conversation, an agent's public reply stops it (and counts the wait in
 * the histogram). Runs on the journal's writer thread only, inside the message's transaction.
 *
 * <p>Cost per stored message: a customer message of a conversation whose clock is known to run (at that priority
 * or higher) costs a hash lookup and no statement; otherwise one primary-key read of the conversation's timer row
 * and at most one INSERT or UPDATE of it. An agent reply costs that read, and on the first reply the UPDATE and one
 * event row. Nothing depends on the number of running clocks (the B-tree lookups aside). What clocks run is learnt
 * from this writer's own commits, so it needs this node to be the store's only writer; with
 * {@code rememberRunning} false every customer message runs the read.
 */
public final class FirstResponseClock implements FirstResponseHook {
    /** Conversations whose running clock is remembered, at most; beyond, memory starts over (a miss costs a read). */
    private static final int MAX_REMEMBERED = 50_000;

    private final Deadlines deadlines;
    private final FirstResponseMetrics metrics;
    private final boolean rememberRunning;
    // Writer thread only (units and their after-commit actions), like the store's own caches.
    private final Map<String, Priority> running = new HashMap<>();
    private long forgets;

    /**
     * @param calendars       the business calendars the targets count in, by name
     * @param rememberRunning whether this node is the store's only writer, so it may remember which clocks run
     */
    public FirstResponseClock(FirstResponseConfig config, WorkingHours.Lookup calendars, FirstResponseMetrics metrics,
                              boolean rememberRunning) {
        this(new Deadlines(config, calendars), metrics, rememberRunning);
    }

    FirstResponseClock(Deadlines deadlines, FirstResponseMetrics metrics, boolean rememberRunning) {
        this.deadlines = deadlines;
        this.metrics = metrics;
        this.rememberRunning = rememberRunning;
    }

    Deadlines deadlines() {
        return deadlines;
    }

    @Override
    public void customerMessageStored(Connection c, Message stored, Instant now, Consumer<Runnable> afterCommit)
            throws SQLException {
        String channel = stored.channel().instanceId();
        if (!ClockRules.startsClock(stored) || !deadlines.policy(channel).enabled()) {
            return;
        }
        String id = stored.conversationId();
        Priority known = running.get(id);
        if (known != null && known.compareTo(stored.priority()) >= 0) {
            return;    // the clock runs, at this priority or a higher one: this message changes nothing
        }
        Optional<TimerRows.Timer> timer = TimerRows.find(c, id);
        Priority priority;
        if (timer.isEmpty()) {
            priority = stored.priority();
            TimerRows.insertRunning(c, id, channel, priority, now, deadlines.due(channel, priority, now));
        } else if (!timer.get().running()) {
            // A new question after an answer: a new clock, at the conversation's priority (a breach raised it).
            priority = ClockRules.higher(timer.get().priority(), stored.priority());
            TimerRows.restart(c, id, priority, now, deadlines.due(channel, priority, now));
        } else {
            TimerRows.Timer t = timer.get();
            priority = ClockRules.higher(t.priority(), stored.priority());
            if (priority != t.priority()) {
                reprioritise(c, t, priority);
            }
        }
        remember(id, priority, afterCommit);
    }

    /**
     * The running clock's conversation became more urgent: the steps not fired yet move to the new priority's
     * target, counted from the clock's start (a step already past is due at once, and fires on the next poll).
     */
    private void reprioritise(Connection c, TimerRows.Timer t, Priority priority) throws SQLException {
        TimerRows.Due due = deadlines.due(t.channelInstance(), priority, t.startedAt());
        boolean breachPending = t.breachDueAt() != null;
        boolean warnPending = t.warnDueAt() != null;
        TimerRows.reprioritise(c, t.conversationId(), priority, new TimerRows.Due(
                warnPending ? due.warnAt() : null, breachPending ? due.breachAt() : null));
    }

    @Override
    public void outboundMessageStored(Connection c, Message stored, Instant now, Consumer<Runnable> afterCommit)
            throws SQLException {
        if (!ClockRules.stopsClock(stored)) {
            return;
        }
        String id = stored.conversationId();
        forget(id);
        Optional<TimerRows.Timer> timer = TimerRows.find(c, id);
        if (timer.isEmpty() || !timer.get().running()) {
            return;    // answered before, or no clock: a later reply is no first response
        }
        TimerRows.Timer t = timer.get();
        Duration business = deadlines.hours(t.channelInstance()).between(t.startedAt(), now);
        Duration wall = Duration.between(t.startedAt(), now);
        TimerRows.stop(c, id, now);
        TimerRows.event(c, t, TimerRows.Event.ANSWERED, now, deadlines.policy(t.channelInstance())
                .target(t.priority()), business, null);
        afterCommit.accept(() -> metrics.answered(t.channelInstance(), wall.isNegative() ? Duration.ZERO : wall));
    }

    /**
     * The conversation's clock is no longer known to run (it stopped, fired, or its row changed in the current
     * transaction). Safe at any time: a forgotten clock only costs a read on its next message.
     */
    void forget(String conversationId) {
        forgets++;
        running.remove(conversationId);
    }

    /** Remembers the running clock once the transaction commits, unless some clock was forgotten meanwhile. */
    private void remember(String conversationId, Priority priority, Consumer<Runnable> afterCommit) {
        if (!rememberRunning) {
            return;
        }
        long seen = forgets;
        afterCommit.accept(() -> {
            if (forgets != seen) {
                return;    // e.g. a reply in the same group commit stopped it: only the store knows
            }
            if (running.size() >= MAX_REMEMBERED) {
                running.clear();
            }
            running.merge(conversationId, priority, ClockRules::higher);
        });
    }
}
