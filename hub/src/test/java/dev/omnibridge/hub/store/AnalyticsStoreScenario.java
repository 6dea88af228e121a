package dev.omnibridge.hub.store;

import dev.omnibridge.hub.store.AnalyticsQueries.By;
import dev.omnibridge.hub.store.AnalyticsQueries.Event;
import dev.omnibridge.hub.store.AnalyticsQueries.Open;
import dev.omnibridge.hub.store.AnalyticsQueries.Rating;
import dev.omnibridge.hub.store.AnalyticsQueries.Scope;
import dev.omnibridge.hub.store.AnalyticsQueries.Target;
import dev.omnibridge.hub.store.AnalyticsQueries.Timed;
import dev.omnibridge.hub.store.AnalyticsFirstReplies.Outcome;
import dev.omnibridge.hub.store.AnalyticsVolumes.HourCount;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The analytics reads and the volumes roll-up on one database (PostgreSQL in {@link PostgresStoreTest}; on H2 the
 * hub's endpoints are checked end to end by AnalyticsApiTest): a small journal whose every figure is worked out by
 * hand in the comments.
 */
final class AnalyticsStoreScenario {
    private static final Instant DAY = Instant.parse("2026-12-01T00:00:00Z");
    private final Database db;

    AnalyticsStoreScenario(Database db) {
        this.db = db;
    }

    private static Instant at(String time) {
        return Instant.parse("2026-12-01T" + time + ":00Z");
    }

    void run() throws Exception {
        try (Connection c = db.connection()) {
            seed(c);
        }
        Scope day = new Scope(DAY, DAY.plusSeconds(86_400), null, null, null);
        AnalyticsQueries q = new AnalyticsQueries(db);
        // web 10:00 one in, one out (the internal note is no traffic); web 11:00 one in; sms 10:00 one in.
        List<HourCount> expected = List.of(new HourCount(at("10:00"), "sms", "INBOUND", 1),
                new HourCount(at("10:00"), "web", "INBOUND", 1), new HourCount(at("10:00"), "web", "OUTBOUND", 1),
                new HourCount(at("11:00"), "web", "INBOUND", 1));
        assertThat(q.volumes(day.from(), day.to(), null)).as("from the journal").isEqualTo(expected);
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            assertThat(AnalyticsVolumes.rollUp(c, new AfterCommit())).isEqualTo(5);
            c.commit();
            assertThat(AnalyticsVolumes.rollUp(c, new AfterCommit())).as("nothing new").isZero();
            c.commit();
        }
        assertThat(q.volumes(day.from(), day.to(), null)).as("from the hourly table").isEqualTo(expected);
        assertThat(q.volumes(day.from(), day.to(), "sms")).containsExactly(expected.get(0));

        // conv-a resolved 12:00, created 10:00: 7,200 s.
        assertThat(q.resolutions(new Scope(day.from(), day.to(), "web", "zendesk", "HIGH"), By.PRIORITY))
                .containsExactly(new Timed("HIGH", "conv-a", 7200));
        // conv-b is routed to freshdesk (no ticket yet): its bot answer counts there.
        assertThat(q.selfServiceEvents(day, By.DESK)).containsExactlyInAnyOrder(
                new Event("zendesk", "conv-a", "ANSWERED"), new Event("zendesk", "conv-a", "HANDED_OFF"),
                new Event("freshdesk", "conv-b", "ANSWERED"));
        firstRepliesAndTargets(q, day);
        assertThat(q.ratings(day, By.DESK)).containsExactly(new Rating("zendesk", "CSAT", 4));
        assertThat(q.open(day, By.DESK)).containsExactly(new Open("freshdesk", "conv-b", at("10:10")));
        assertThat(q.open(new Scope(day.from(), day.to(), null, null, "NORMAL"), By.CHANNEL))
                .containsExactly(new Open("sms", "conv-b", at("10:10")));
    }

    /**
     * Each conversation's first reply and first-response target: the same before the writer's roll-up (worked out
     * from the timer events), after it (from its tables), and with new events above its mark (both).
     */
    private void firstRepliesAndTargets(AnalyticsQueries q, Scope day) throws Exception {
        // conv-a warned 10:03, answered 10:05 (clock from 10:00: 300 s), HIGH, at zendesk; conv-b (sms, NORMAL,
        // routed to freshdesk) breached 10:40, unanswered; conv-c (web, NORMAL) warned 10:20, resolved unanswered 10:30.
        List<Target> targets = List.of(new Target("HIGH", "conv-a", Outcome.MET, true),
                new Target("NORMAL", "conv-b", Outcome.BREACHED, false),
                new Target("NORMAL", "conv-c", Outcome.CLOSED, true));
        for (String when : List.of("from the timer events", "from the roll-up")) {
            assertThat(q.firstResponses(day, By.CHANNEL)).as(when).containsExactly(new Timed("web", "conv-a", 300));
            assertThat(q.firstResponses(day, By.DESK)).as(when).containsExactly(new Timed("zendesk", "conv-a", 300));
            assertThat(q.firstResponses(new Scope(day.from(), day.to(), null, "freshdesk", null), By.DESK)).isEmpty();
            assertThat(q.targets(day, By.PRIORITY)).as(when).containsExactlyInAnyOrderElementsOf(targets);
            assertThat(q.targets(new Scope(day.from(), day.to(), "web", null, null), By.DESK)).as(when)
                    .containsExactlyInAnyOrder(new Target("zendesk", "conv-a", Outcome.MET, true),
                            new Target(AnalyticsQueries.NO_DESK, "conv-c", Outcome.CLOSED, true));
            assertThat(q.targets(new Scope(day.from(), day.to(), null, "freshdesk", "NORMAL"), By.CHANNEL)).as(when)
                    .containsExactly(new Target("sms", "conv-b", Outcome.BREACHED, false));
            if (when.startsWith("from the timer")) {
                rollUpFirstReplies(5);
            }
        }
        // Later: conv-a's second clock (11:30) answered 11:40 is no first reply; conv-b answered at 10:50 (2,400 s)
        // is, its target stays breached. Read above the mark first, then rolled up.
        try (Connection c = db.connection()) {
            Sql.update(c, "INSERT INTO first_response_events (conversation_id, kind, happened_at, priority, "
                    + "clock_started_at) VALUES ('conv-b', 'ANSWERED', ?, 'HIGH', ?), "
                    + "('conv-a', 'WARNED', ?, 'HIGH', ?), ('conv-a', 'ANSWERED', ?, 'HIGH', ?)",
                    at("10:50"), at("10:10"), at("11:35"), at("11:30"), at("11:40"), at("11:30"));
        }
        for (String when : List.of("above the mark", "rolled up")) {
            assertThat(q.firstResponses(day, By.CHANNEL)).as(when).containsExactlyInAnyOrder(
                    new Timed("web", "conv-a", 300), new Timed("sms", "conv-b", 2400));
            assertThat(q.firstResponses(new Scope(day.from(), day.to(), null, null, "HIGH"), By.DESK)).as(when)
                    .containsExactlyInAnyOrder(new Timed("zendesk", "conv-a", 300),
                            new Timed("freshdesk", "conv-b", 2400));
            assertThat(q.targets(day, By.PRIORITY)).as(when).containsExactlyInAnyOrderElementsOf(targets);
            if (when.equals("above the mark")) {
                rollUpFirstReplies(3);
            }
        }
    }

    private void rollUpFirstReplies(int events) throws Exception {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            assertThat(AnalyticsFirstReplies.rollUp(c)).isEqualTo(events);
            c.commit();
            assertThat(AnalyticsFirstReplies.rollUp(c)).as("nothing new").isZero();
            c.commit();
        }
    }

    private static void seed(Connection c) throws Exception {
        Sql.update(c, "INSERT INTO contacts (id, display_name, created_at) VALUES ('k', 'K', ?)", DAY);
        Sql.update(c, "INSERT INTO conversations (id, channel_type, channel_instance, thread_key, contact_id, status, "
                + "created_at, last_message_at, resolved_at) VALUES ('conv-a', 'x', 'web', 'a', 'k', 'RESOLVED', ?, ?, "
                + "?)", at("10:00"), at("11:30"), at("12:00"));
        Sql.update(c, "INSERT INTO conversations (id, channel_type, channel_instance, thread_key, contact_id, status, "
                + "created_at, last_message_at) VALUES ('conv-b', 'x', 'sms', 'b', 'k', 'OPEN', ?, ?)", at("10:10"),
                at("10:10"));
        int n = 0;
        for (Object[] m : new Object[][] {{"conv-a", "INBOUND", "10:00"}, {"conv-a", "OUTBOUND", "10:05"},
                {"conv-a", "INTERNAL", "10:06"}, {"conv-b", "INBOUND", "10:10"}, {"conv-a", "INBOUND", "11:30"}}) {
            n++;
            Sql.update(c, "INSERT INTO messages (id, source_instance, source_id, conversation_id, direction, body, "
                    + "received_at) VALUES (?, 's', ?, ?, ?, '{}', ?)", "m" + n, "s" + n, m[0], m[1], at((String) m[2]));
        }
        Sql.update(c, "INSERT INTO desk_tickets (conversation_id, desk_instance, ticket_ref, created_at) VALUES "
                + "('conv-a', 'zendesk', 'T1', ?)", at("10:01"));
        Sql.update(c, "INSERT INTO conversation_routes (conversation_id, desk, position, assignment, route, active, "
                + "created_at) VALUES ('conv-b', 'freshdesk', 0, '', 'vip', TRUE, ?)", at("10:10"));
        Sql.update(c, "INSERT INTO conversations (id, channel_type, channel_instance, thread_key, contact_id, status, "
                + "created_at, last_message_at, resolved_at) VALUES ('conv-c', 'x', 'web', 'c', 'k', 'RESOLVED', ?, ?, "
                + "?)", at("10:15"), at("10:15"), at("10:30"));
        Sql.update(c, "INSERT INTO first_response_timers (conversation_id, channel_instance, priority, started_at) "
                + "VALUES ('conv-a', 'web', 'HIGH', NULL), ('conv-b', 'sms', 'NORMAL', ?), ('conv-c', 'web', 'NORMAL', "
                + "NULL)", at("10:10"));
        Sql.update(c, "INSERT INTO first_response_events (conversation_id, kind, happened_at, priority, "
                + "clock_started_at) VALUES ('conv-a', 'WARNED', ?, 'HIGH', ?), ('conv-c', 'WARNED', ?, 'NORMAL', ?), "
                + "('conv-a', 'ANSWERED', ?, 'HIGH', ?), ('conv-c', 'CLOSED', ?, 'NORMAL', ?), "
                + "('conv-b', 'BREACHED', ?, 'NORMAL', ?)", at("10:03"), at("10:00"), at("10:20"), at("10:15"),
                at("10:05"), at("10:00"), at("10:30"), at("10:15"), at("10:40"), at("10:10"));
        Sql.update(c, "INSERT INTO self_service_events (conversation_id, channel_instance, kind, created_at) VALUES "
                + "('conv-a', 'web', 'ANSWERED', ?), ('conv-a', 'web', 'HANDED_OFF', ?), ('conv-b', 'sms', 'ANSWERED', ?)",
                at("10:00"), at("10:02"), at("10:10"));
        Sql.update(c, "INSERT INTO surveys (conversation_id, contact_id, channel_instance, desk_instance, kind, state, "
                + "resolved_at, due_at, sent_at, rating, answered_at) VALUES ('conv-a', 'k', 'web', 'zendesk', 'CSAT', "
                + "'DONE', ?, ?, ?, 4, ?)", at("12:00"), at("12:15"), at("12:15"), at("12:30"));
    }
}
