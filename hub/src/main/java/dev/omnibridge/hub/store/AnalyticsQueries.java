package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The rows service analytics are computed from, each with the key it is grouped by (channel instance, desk instance
 * or priority): read-only, on the small tables the hub keeps per conversation (timer events, conversations, bot
 * events, surveys), each through an index on its time column, never on the message journal (volumes: see
 * {@link AnalyticsVolumes}).
 *
 * <p>A conversation's desks are those it has a ticket at ({@code desk_tickets}) and those its sticky route sends it
 * to ({@code conversation_routes}, active), so that one waiting for its first ticket counts at its desk too. By desk,
 * a row of a conversation with two desks counts for each; one with none has the key {@value #NO_DESK}.
 */
public final class AnalyticsQueries {
    /** The key of rows of conversations with no desk, grouped by desk. */
    public static final String NO_DESK = "(none)";
    private static final String TIMER_PRIORITY = "COALESCE((SELECT t.priority FROM first_response_timers t "
            + "WHERE t.conversation_id = %s), 'NORMAL')";

    private final Database database;

    /** What the figures are grouped by. */
    public enum By {
        CHANNEL, DESK, PRIORITY
    }

    /**
     * The range {@code [from, to)} and the filters (null: any).
     *
     * @param priority LOW, NORMAL, HIGH or URGENT
     */
    public record Scope(Instant from, Instant to, String channel, String desk, String priority) {
    }

    /** A duration of one conversation's first response or resolution. */
    public record Timed(String key, String conversationId, double seconds) {
    }

    /** A timer event (WARNED, BREACHED, ANSWERED, CLOSED) or a bot event (ANSWERED, HANDED_OFF...). */
    public record Event(String key, String conversationId, String kind) {
    }

    /** A survey's answer: kind CSAT (1-5) or NPS (0-10). */
    public record Rating(String key, String kind, int rating) {
    }

    /** An open conversation, with when its customer's unanswered message came (null: not waiting). */
    public record Open(String key, String conversationId, Instant waitingSince) {
    }

    public AnalyticsQueries(Database database) {
        this.database = database;
    }

    /** Messages per hour, channel instance and direction: see {@link AnalyticsVolumes#hours}. */
    public List<AnalyticsVolumes.HourCount> volumes(Instant from, Instant to, String channel) throws SQLException {
        try (Connection c = database.connection()) {
            return AnalyticsVolumes.hours(c, from, to, channel);
        }
    }

    /**
     * The conversations' first replies given in the range ({@link AnalyticsFirstReplies}): from the customer's first
     * unanswered message to the first agent reply, in calendar time, at the priority of that clock.
     */
    public List<Timed> firstResponses(Scope scope, By by) throws SQLException {
        List<Timed> out = new ArrayList<>();
        try (Reading r = new Reading(database)) {
            Keys keys = Keys.load(r, scope, by, false);
            AnalyticsFirstReplies.firstReplies(r.connection, scope.from(), scope.to(), scope.channel(),
                    scope.priority(), reply -> keys.each(reply.conversationId(), reply.channel(), reply.priority(),
                            k -> out.add(new Timed(k, reply.conversationId(), reply.waitedMillis() / 1000.0))));
        }
        return out;
    }

    /**
     * Conversations resolved in the range (and still resolved): from their creation to their last resolution. Its
     * priority is the first-response timers' (NORMAL without).
     */
    public List<Timed> resolutions(Scope scope, By by) throws SQLException {
        List<Timed> out = new ArrayList<>();
        try (Reading r = new Reading(database)) {
            Keys keys = Keys.load(r, scope, by, true);
            List<Object> params = new ArrayList<>(List.of(scope.from(), scope.to()));
            StringBuilder sql = new StringBuilder("SELECT c.id, c.channel_instance, c.created_at, c.resolved_at "
                    + "FROM conversations c WHERE c.resolved_at >= ? AND c.resolved_at < ? AND c.status = 'RESOLVED'");
            if (scope.channel() != null) {
                sql.append(" AND c.channel_instance = ?");
                params.add(scope.channel());
            }
            r.each(sql.toString(), params, rs -> {
                String conv = rs.getString(1);
                double seconds = seconds(Sql.instant(rs, "created_at"), Sql.instant(rs, "resolved_at"));
                keys.each(conv, rs.getString(2), keys.timerPriority(conv),
                        k -> out.add(new Timed(k, conv, seconds)));
            });
        }
        return out;
    }

    /** The bot's events in the range (self_service_events). */
    public List<Event> selfServiceEvents(Scope scope, By by) throws SQLException {
        Select s = new Select("e.kind", "self_service_events e JOIN conversations c ON c.id = e.conversation_id",
                "e.created_at >= ? AND e.created_at < ?", scope, String.format(TIMER_PRIORITY, "c.id"));
        List<Event> out = new ArrayList<>();
        s.run(database, by, rs -> out.add(new Event(rs.getString("k"), rs.getString("conv"), rs.getString("kind"))));
        return out;
    }

    /** A first-response target settled in the range, and the key it counts under. */
    public record Target(String key, String conversationId, AnalyticsFirstReplies.Outcome outcome, boolean warned) {
    }

    /**
     * The conversations' first-response targets settled in the range ({@link AnalyticsFirstReplies}), at the
     * priority of the event that settled them.
     */
    public List<Target> targets(Scope scope, By by) throws SQLException {
        List<Target> out = new ArrayList<>();
        try (Reading r = new Reading(database)) {
            Keys keys = Keys.load(r, scope, by, false);
            AnalyticsFirstReplies.targets(r.connection, scope.from(), scope.to(), scope.channel(), scope.priority(),
                    t -> keys.each(t.conversationId(), t.channel(), t.priority(),
                            k -> out.add(new Target(k, t.conversationId(), t.outcome(), t.warned()))));
        }
        return out;
    }

    /**
     * Survey answers given in the range (state RATED or DONE). By desk, the survey's own desk (the one the rating
     * was written back to).
     */
    public List<Rating> ratings(Scope scope, By by) throws SQLException {
        List<Object> params = new ArrayList<>(List.of(scope.from(), scope.to()));
        StringBuilder where = new StringBuilder("s.answered_at >= ? AND s.answered_at < ? "
                + "AND s.state IN ('RATED', 'DONE') AND s.rating IS NOT NULL");
        if (scope.channel() != null) {
            where.append(" AND s.channel_instance = ?");
            params.add(scope.channel());
        }
        if (scope.desk() != null) {
            where.append(" AND s.desk_instance = ?");
            params.add(scope.desk());
        }
        String priority = String.format(TIMER_PRIORITY, "s.conversation_id");
        if (scope.priority() != null) {
            where.append(" AND ").append(priority).append(" = ?");
            params.add(scope.priority());
        }
        String key = switch (by) {
            case CHANNEL -> "s.channel_instance";
            case DESK -> "COALESCE(s.desk_instance, '" + NO_DESK + "')";
            case PRIORITY -> priority;
        };
        List<Rating> out = new ArrayList<>();
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, "SELECT " + key + " AS k, s.kind, s.rating FROM surveys s WHERE "
                     + where, params.toArray());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Rating(rs.getString(1), rs.getString(2), rs.getInt(3)));
            }
        }
        return out;
    }

    /** The conversations open now (the range does not apply), with their running first-response clock if any. */
    public List<Open> open(Scope scope, By by) throws SQLException {
        Select s = new Select("(SELECT t.started_at FROM first_response_timers t WHERE t.conversation_id = c.id) "
                + "AS waiting_since", "conversations c", "c.status = 'OPEN'", scope,
                String.format(TIMER_PRIORITY, "c.id"));
        s.ranged = false;
        List<Open> out = new ArrayList<>();
        s.run(database, by, rs -> out.add(new Open(rs.getString("k"), rs.getString("conv"),
                Sql.instant(rs, "waiting_since"))));
        return out;
    }

    private static double seconds(Instant from, Instant to) {
        if (from == null || to == null) {
            return 0;
        }
        return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
    }

    /**
     * A connection for one analytics call. On H2 its queries run lazily (rows streamed to the caller, not first
     * gathered into a result H2 would spill to a temporary file above its in-memory row limit: the hub's heap is
     * small and a month of timer events is hundreds of thousands of rows); reset before the connection goes back
     * to the pool.
     */
    private static final class Reading implements AutoCloseable {
        final Connection connection;
        final boolean h2;

        Reading(Database database) throws SQLException {
            this.connection = database.connection();
            boolean lazy = false;
            try {
                lazy = "H2".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
                if (lazy) {
                    try (Statement st = connection.createStatement()) {
                        st.execute("SET LAZY_QUERY_EXECUTION TRUE");
                    }
                }
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
            this.h2 = lazy;
        }

        void each(String sql, List<Object> params, RowReader reader) throws SQLException {
            try (PreparedStatement ps = Sql.prepare(connection, sql, params.toArray());
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = connection) {
                if (h2) {
                    try (Statement st = c.createStatement()) {
                        st.execute("SET LAZY_QUERY_EXECUTION FALSE");
                    }
                }
            }
        }
    }

    /**
     * What a row's conversation is counted under, read once per call from the small per-conversation tables into
     * maps (instead of a correlated subquery per row): its desks (desk_tickets and active conversation_routes, as they
     * are now) and its timer's priority (first_response_timers). Only the maps the grouping and the filters need are
     * read, and only the filtered desk's rows when there is a desk filter. Every row carries its channel.
     */
    private static final class Keys {
        final Scope scope;
        final By by;
        /** Conversation -> desks; null when neither grouped nor filtered by desk. */
        Map<String, List<String>> desks;
        /** Conversation -> its timer's priority; null when not needed (or the rows carry theirs). */
        Map<String, String> priorities;

        private Keys(Scope scope, By by) {
            this.scope = scope;
            this.by = by;
        }

        /** @param timerPriorities the rows carry no priority: look up their conversation's timer priority */
        static Keys load(Reading r, Scope scope, By by, boolean timerPriorities) throws SQLException {
            Keys keys = new Keys(scope, by);
            Map<String, String> names = new HashMap<>();
            if (by == By.DESK || scope.desk() != null) {
                keys.desks = new HashMap<>();
                List<Object> params = new ArrayList<>();
                String tickets = "SELECT dk.conversation_id, dk.desk_instance FROM desk_tickets dk";
                String routes = "SELECT dr.conversation_id, dr.desk FROM conversation_routes dr WHERE dr.active = TRUE";
                if (scope.desk() != null) {
                    tickets += " WHERE dk.desk_instance = ?";
                    routes += " AND dr.desk = ?";
                    params.add(scope.desk());
                }
                RowReader add = rs -> {
                    String desk = names.computeIfAbsent(rs.getString(2), n -> n);
                    List<String> list = keys.desks.computeIfAbsent(rs.getString(1), c -> new ArrayList<>(1));
                    if (!list.contains(desk)) {
                        list.add(desk);
                    }
                };
                r.each(tickets, params, add);
                r.each(routes, params, add);
            }
            if (timerPriorities && (by == By.PRIORITY || scope.priority() != null)) {
                keys.priorities = new HashMap<>();
                List<Object> params = new ArrayList<>();
                r.each("SELECT t.conversation_id, t.priority FROM first_response_timers t", params,
                        rs -> keys.priorities.put(rs.getString(1), names.computeIfAbsent(rs.getString(2), n -> n)));
            }
            return keys;
        }

        /** The timer's priority of a conversation (NORMAL without a timer); null when not needed. */
        String timerPriority(String conversationId) {
            return priorities == null ? null : priorities.getOrDefault(conversationId, "NORMAL");
        }

        /**
         * Hands each key a row of this conversation counts under to {@code out}, if it passes the filters (the
         * channel filter is already applied in SQL).
         *
         * @param channel  the row's channel
         * @param priority the row's priority (the timer event's, or the timer's)
         */
        void each(String conversationId, String channel, String priority, Consumer<String> out) {
            if (scope.priority() != null && !scope.priority().equals(priority)) {
                return;
            }
            List<String> ds = desks == null ? List.of() : desks.getOrDefault(conversationId, List.of());
            if (scope.desk() != null && !ds.contains(scope.desk())) {
                return;
            }
            switch (by) {
                case CHANNEL -> out.accept(channel);
                case PRIORITY -> out.accept(priority);
                case DESK -> {
                    if (scope.desk() != null) {
                        out.accept(scope.desk());
                    } else if (ds.isEmpty()) {
                        out.accept(NO_DESK);
                    } else {
                        ds.forEach(out);
                    }
                }
            }
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /**
     * One query over rows joined to their conversation {@code c}: the range, the filters, and the key. By desk it
     * runs twice, once over the desks with a ticket and once over the routed desks without one, so that each
     * (conversation, desk) pair counts once without a UNION the planners of H2 could not push the conversation into.
     */
    private static final class Select {
        final String columns;
        final String from;
        final String where;
        final Scope scope;
        final String priority;
        boolean ranged = true;

        Select(String columns, String from, String where, Scope scope, String priority) {
            this.columns = columns;
            this.from = from;
            this.where = where;
            this.scope = scope;
            this.priority = priority;
        }

        void run(Database database, By by, RowReader reader) throws SQLException {
            try (Connection c = database.connection()) {
                if (by != By.DESK) {
                    query(c, by == By.CHANNEL ? "c.channel_instance" : priority, "", reader);
                    return;
                }
                query(c, "dk.desk_instance", " JOIN desk_tickets dk ON dk.conversation_id = c.id", reader);
                query(c, "dk.desk", " JOIN conversation_routes dk ON dk.conversation_id = c.id AND dk.active = TRUE "
                        + "AND NOT EXISTS (SELECT 1 FROM desk_tickets dx WHERE dx.conversation_id = c.id "
                        + "AND dx.desk_instance = dk.desk)", reader);
                if (scope.desk() == null) {
                    query(c, "'" + NO_DESK + "'", "", " AND NOT EXISTS (SELECT 1 FROM desk_tickets dx "
                            + "WHERE dx.conversation_id = c.id) AND NOT EXISTS (SELECT 1 FROM conversation_routes "
                            + "dy WHERE dy.conversation_id = c.id AND dy.active = TRUE)", reader);
                }
            }
        }

        private void query(Connection c, String key, String join, RowReader reader) throws SQLException {
            query(c, key, join, "", reader);
        }

        private void query(Connection c, String key, String join, String extra, RowReader reader)
                throws SQLException {
            List<Object> params = new ArrayList<>();
            if (ranged) {
                params.add(scope.from());
                params.add(scope.to());
            }
            StringBuilder sql = new StringBuilder("SELECT ").append(key).append(" AS k, c.id AS conv, ")
                    .append(columns).append(" FROM ").append(from).append(join).append(" WHERE ").append(where)
                    .append(extra);
            if (scope.channel() != null) {
                sql.append(" AND c.channel_instance = ?");
                params.add(scope.channel());
            }
            if (scope.priority() != null) {
                sql.append(" AND ").append(priority).append(" = ?");
                params.add(scope.priority());
            }
            if (scope.desk() != null) {
                if (join.isEmpty()) {
                    sql.append(" AND (EXISTS (SELECT 1 FROM desk_tickets df WHERE df.conversation_id = c.id AND "
                            + "df.desk_instance = ?) OR EXISTS (SELECT 1 FROM conversation_routes dg WHERE "
                            + "dg.conversation_id = c.id AND dg.desk = ? AND dg.active = TRUE))");
                    params.add(scope.desk());
                    params.add(scope.desk());
                } else {
                    sql.append(" AND ").append(key).append(" = ?");
                    params.add(scope.desk());
                }
            }
            try (PreparedStatement ps = Sql.prepare(c, sql.toString(), params.toArray());
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }
    }
}
