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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

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

    /** Reads of one call that run side by side (rows and desks); two calls at once still fit the pool's spare. */
    private static final int READ_THREADS = 4;

    private final Database database;
    private final ExecutorService reads;

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
        ThreadPoolExecutor pool = new ThreadPoolExecutor(READ_THREADS, READ_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "omnibridge-analytics-read");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.reads = pool;
    }

    /** Messages per hour, channel instance and direction: see {@link AnalyticsVolumes#hours}. */
    public List<AnalyticsVolumes.HourCount> volumes(Instant from, Instant to, String channel) throws SQLException {
        try (Connection c = database.connection()) {
            return AnalyticsVolumes.hours(c, from, to, channel);
        }
    }

    /** First responses and resolutions of one call, each row with its key. */
    public record ResponseTimes(List<Timed> firstResponses, List<Timed> resolutions) {
    }

    /**
     * First responses and resolutions in the range (see {@link #firstResponses} and {@link #resolutions}), read side
     * by side on their own connections with the desks, which are read once.
     */
    public ResponseTimes responseTimes(Scope scope, By by) throws SQLException {
        CompletableFuture<Keys> keys = keys(scope, by, true);
        CompletableFuture<List<Unkeyed<Timed>>> first = readAside((r, out) -> firstReplyRows(r, scope, out));
        List<Unkeyed<Timed>> resolved = read((r, out) -> resolutionRows(r, scope, out));
        Keys k = join(keys);
        return new ResponseTimes(k.keyed(join(first)), k.keyed(resolved));
    }

    /**
     * The conversations' first replies given in the range ({@link AnalyticsFirstReplies}): from the customer's first
     * unanswered message to the first agent reply, in calendar time, at the priority of that clock.
     */
    public List<Timed> firstResponses(Scope scope, By by) throws SQLException {
        CompletableFuture<Keys> keys = keys(scope, by);
        List<Unkeyed<Timed>> rows = read((r, out) -> firstReplyRows(r, scope, out));
        return join(keys).keyed(rows);
    }

    private static void firstReplyRows(Reading r, Scope scope, List<Unkeyed<Timed>> out) throws SQLException {
        AnalyticsFirstReplies.firstReplies(r.connection, scope.from(), scope.to(), scope.channel(), scope.priority(),
                reply -> out.add(new Unkeyed<>(reply.conversationId(), reply.channel(), reply.priority(),
                        k -> new Timed(k, reply.conversationId(), reply.waitedMillis() / 1000.0))));
    }

    /**
     * Conversations resolved in the range (and still resolved): from their creation to their last resolution. Its
     * priority is the first-response timers' (NORMAL without).
     */
    public List<Timed> resolutions(Scope scope, By by) throws SQLException {
        CompletableFuture<Keys> keys = keys(scope, by, true);
        List<Unkeyed<Timed>> rows = read((r, out) -> resolutionRows(r, scope, out));
        return join(keys).keyed(rows);
    }

    private static void resolutionRows(Reading r, Scope scope, List<Unkeyed<Timed>> out) throws SQLException {
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
            // The priority (the timer's) comes with the keys.
            out.add(new Unkeyed<>(conv, rs.getString(2), null, k -> new Timed(k, conv, seconds)));
        });
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
        CompletableFuture<Keys> keys = keys(scope, by);
        List<Unkeyed<Target>> rows = read((r, out) -> AnalyticsFirstReplies.targets(r.connection, scope.from(),
                scope.to(), scope.channel(), scope.priority(), t -> out.add(new Unkeyed<>(t.conversationId(),
                        t.channel(), t.priority(), k -> new Target(k, t.conversationId(), t.outcome(), t.warned())))));
        return join(keys).keyed(rows);
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

    /** A row read before its keys are known: its conversation, channel and priority, and what it is under a key. */
    private record Unkeyed<T>(String conversationId, String channel, String priority, Function<String, T> under) {
    }

    @FunctionalInterface
    private interface RowsReader<T> {
        void read(Reading r, List<Unkeyed<T>> out) throws SQLException;
    }

    private <T> List<Unkeyed<T>> read(RowsReader<T> rows) throws SQLException {
        List<Unkeyed<T>> out = new ArrayList<>();
        try (Reading r = new Reading(database)) {
            rows.read(r, out);
        }
        return out;
    }

    /** Reads on another connection, beside the caller's own reads. */
    private <T> CompletableFuture<List<Unkeyed<T>>> readAside(RowsReader<T> rows) {
        return aside(r -> {
            List<Unkeyed<T>> out = new ArrayList<>();
            rows.read(r, out);
            return out;
        });
    }

    /**
     * The keys of a call, read aside when the grouping or a filter needs them: the desks, and the timers' priorities
     * for rows that do not carry their own (resolutions).
     */
    private CompletableFuture<Keys> keys(Scope scope, By by, boolean timerPriorities) {
        CompletableFuture<Map<String, List<String>>> desks = by != By.DESK && scope.desk() == null
                ? CompletableFuture.completedFuture(null) : aside(r -> Keys.desks(r, scope));
        CompletableFuture<Map<String, String>> priorities = timerPriorities
                && (by == By.PRIORITY || scope.priority() != null)
                ? aside(Keys::timerPriorities) : CompletableFuture.completedFuture(null);
        return desks.thenCombine(priorities, (d, p) -> new Keys(scope, by, d, p));
    }

    private CompletableFuture<Keys> keys(Scope scope, By by) {
        return keys(scope, by, false);
    }

    @FunctionalInterface
    private interface Lookup<T> {
        T read(Reading r) throws SQLException;
    }

    private <T> CompletableFuture<T> aside(Lookup<T> lookup) {
        return CompletableFuture.supplyAsync(() -> {
            try (Reading r = new Reading(database)) {
                return lookup.read(r);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, reads);
    }

    private static <T> T join(CompletableFuture<T> future) throws SQLException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
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
     * a map (instead of a correlated subquery per row): its desks (desk_tickets and active conversation_routes, as they
     * are now), only when grouped or filtered by desk, and only the filtered desk's rows when there is a desk filter.
     * Every row carries its channel and priority.
     */
    private static final class Keys {
        final Scope scope;
        final By by;
        /** Conversation -> desks; null when neither grouped nor filtered by desk. */
        final Map<String, List<String>> desks;

        /** Conversation -> its timer's priority; null when not needed (or the rows carry theirs). */
        final Map<String, String> priorities;

        Keys(Scope scope, By by, Map<String, List<String>> desks, Map<String, String> priorities) {
            this.scope = scope;
            this.by = by;
            this.desks = desks;
            this.priorities = priorities;
        }

        /** Conversation -> its first-response timer's priority (a conversation without one is NORMAL). */
        static Map<String, String> timerPriorities(Reading r) throws SQLException {
            Map<String, String> priorities = new HashMap<>();
            Map<String, String> names = new HashMap<>();
            r.each("SELECT t.conversation_id, t.priority FROM first_response_timers t", List.of(),
                    rs -> priorities.put(rs.getString(1), names.computeIfAbsent(rs.getString(2), n -> n)));
            return priorities;
        }

        /** Conversation -> its desks now (only the filtered desk's rows when there is a desk filter). */
        static Map<String, List<String>> desks(Reading r, Scope scope) throws SQLException {
            Map<String, List<String>> desks = new HashMap<>();
            Map<String, String> names = new HashMap<>();
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
                List<String> list = desks.computeIfAbsent(rs.getString(1), c -> new ArrayList<>(1));
                if (!list.contains(desk)) {
                    list.add(desk);
                }
            };
            r.each(tickets, params, add);
            r.each(routes, params, add);
            return desks;
        }

        /** Each row under each key it counts under, if it passes the filters. */
        <T> List<T> keyed(List<Unkeyed<T>> rows) {
            List<T> out = new ArrayList<>(rows.size());
            for (Unkeyed<T> row : rows) {
                String priority = row.priority() != null || priorities == null ? row.priority()
                        : priorities.getOrDefault(row.conversationId(), "NORMAL");
                each(row.conversationId(), row.channel(), priority, k -> out.add(row.under().apply(k)));
            }
            return out;
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
