package dev.omnibridge.hub.sla;

import dev.omnibridge.hub.store.Database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The timers as the admin API and the console show them: per conversation its clock (running, warned, breached,
 * answered), its due times, its tags, and the timeline of what the timers did.
 */
public final class FirstResponseViews {
    private static final int MAX_EVENTS = 200;

    private final Database database;

    public FirstResponseViews(Database database) {
        this.database = database;
    }

    /**
     * A conversation's timer.
     *
     * @param state      RUNNING (the customer waits), WARNED (and the warning fired), BREACHED (the target passed
     *                   and still no answer), ANSWERED (the last clock stopped at an agent's reply), or CLOSED (it
     *                   stopped without one: resolved unanswered, or timers turned off)
     * @param priority   the conversation's priority as the timers see it (a breach raises it)
     * @param startedAt  the running clock's start (the customer's first unanswered message), else null
     * @param warnAt     when the running clock's warning fires, while it has not
     * @param dueAt      when the running clock's target passes, while it has not
     * @param tags       {@code sla-breached} once any clock of the conversation breached
     * @param events     what the timers did, oldest first (null in the conversation list)
     */
    public record TimerView(String state, String priority, String startedAt, String warnAt, String dueAt,
                            String warnedAt, String breachedAt, String answeredAt, List<String> tags,
                            List<EventView> events) {
    }

    /**
     * One entry of the timeline: WARNED, BREACHED (with {@code raisedTo}), ANSWERED (with the business time the
     * customer waited) or CLOSED.
     */
    public record EventView(String kind, String at, String priority, String clockStartedAt, Long targetSeconds,
                            Long waitedSeconds, String raisedTo) {
    }

    public Optional<TimerView> conversation(String conversationId) throws SQLException {
        try (Connection c = database.connection()) {
            var timer = TimerRows.find(c, conversationId);
            if (timer.isEmpty()) {
                return Optional.empty();
            }
            List<EventView> events = new ArrayList<>();
            for (TimerRows.EventRow e : TimerRows.events(c, conversationId, MAX_EVENTS)) {
                events.add(new EventView(e.kind(), text(e.at()), e.priority().name(), text(e.clockStartedAt()),
                        e.targetSeconds(), e.waitedSeconds(), e.raisedTo() == null ? null : e.raisedTo().name()));
            }
            return Optional.of(view(timer.get(), events));
        }
    }

    /** The timers of the listed conversations, without their timelines (one query for the whole list). */
    public Map<String, TimerView> conversations(List<String> conversationIds) throws SQLException {
        Map<String, TimerView> views = new LinkedHashMap<>();
        try (Connection c = database.connection()) {
            for (TimerRows.Timer t : TimerRows.of(c, conversationIds)) {
                views.put(t.conversationId(), view(t, null));
            }
        }
        return views;
    }

    private static TimerView view(TimerRows.Timer t, List<EventView> events) {
        String state;
        if (t.running()) {
            boolean breached = t.breachedAt() != null && !t.breachedAt().isBefore(t.startedAt());
            state = breached ? "BREACHED" : t.warnedAt() != null ? "WARNED" : "RUNNING";
        } else {
            state = t.answeredAt() != null ? "ANSWERED" : "CLOSED";
        }
        List<String> tags = t.breachedAt() != null ? List.of(FirstResponseAlarms.BREACHED_TAG) : List.of();
        return new TimerView(state, t.priority().name(), text(t.startedAt()), text(t.warnDueAt()),
                text(t.breachDueAt()), text(t.warnedAt()), text(t.breachedAt()), text(t.answeredAt()), tags, events);
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
