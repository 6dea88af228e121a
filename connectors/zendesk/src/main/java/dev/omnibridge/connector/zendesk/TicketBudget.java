package dev.omnibridge.connector.zendesk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zendesk allows one user 30 updates per ticket per 10 minutes. This keeps count of this instance's own updates per
 * ticket in a sliding window, so the connector can batch comments while few are left and wait instead of being
 * refused once none are. Memory only: after a restart Zendesk's own 429 + Retry-After still applies.
 */
final class TicketBudget {
    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final int MAX_TICKETS = 10_000;

    private final int limit;
    private final Clock clock;
    private final Map<String, Deque<Instant>> updates = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
            return size() > MAX_TICKETS;
        }
    };

    TicketBudget(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /** Updates still allowed on the ticket in the current window. */
    synchronized int remaining(String ticketId) {
        return limit - window(ticketId).size();
    }

    /** How long until the ticket has an update again; zero when it has one now. */
    synchronized Duration waitFor(String ticketId) {
        Deque<Instant> w = window(ticketId);
        if (w.size() < limit) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(clock.instant(), w.peekFirst().plus(WINDOW));
        return d.isNegative() ? Duration.ZERO : d;
    }

    synchronized void record(String ticketId) {
        window(ticketId).addLast(clock.instant());
    }

    private Deque<Instant> window(String ticketId) {
        Deque<Instant> w = updates.computeIfAbsent(ticketId, k -> new ArrayDeque<>());
        Instant since = clock.instant().minus(WINDOW);
        while (!w.isEmpty() && !w.peekFirst().isAfter(since)) {
            w.removeFirst();
        }
        return w;
    }
}
