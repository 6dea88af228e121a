package dev.omnibridge.hub.store;

import dev.omnibridge.hub.triage.DeskTarget;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The desks a conversation was routed to, with their assignment (migration V12, {@code conversation_routes}): read
 * and written by the writer in the message's transaction, read by the dispatcher for a desk's assignment. With
 * {@code exact} false (one writer per store), what a committed transaction read or wrote is kept in memory, so that
 * a later message of a known conversation is routed on the caller's thread without a read.
 */
final class ConversationRoutes {
    private static final int MAX_ENTRIES = 50_000;

    /** The recorded desks of a conversation and the route(s) that chose them; no desks = nothing recorded. */
    record Recorded(List<DeskTarget> desks, String route) {
        static final Recorded NONE = new Recorded(List.of(), "");

        boolean none() {
            return desks.isEmpty();
        }
    }

    private final boolean exact;
    private final Map<String, Recorded> cache = new ConcurrentHashMap<>();

    ConversationRoutes(boolean exact) {
        this.exact = exact;
    }

    /** What is known without the store: the conversation's committed record, or null when it must be read. */
    Recorded cached(String conversationId) {
        return exact ? null : cache.get(conversationId);
    }

    /** The conversation's record, as the transaction sees it; kept in memory once the transaction commits. */
    Recorded read(Connection c, AfterCommit after, String conversationId) throws SQLException {
        Recorded known = cached(conversationId);
        if (known != null) {
            return known;
        }
        Recorded read = select(c, conversationId);
        learn(after, conversationId, read);
        return read;
    }

    /**
     * Records the conversation's desks, or replaces its record: the desks it drops stay as inactive rows, so that
     * their deliveries still waiting keep the assignment they were routed with.
     *
     * @param replacing whether the conversation has a record (else only its rows are inserted)
     */
    void record(Connection c, AfterCommit after, String conversationId, List<DeskTarget> desks, String route,
                boolean replacing, Instant now) throws SQLException {
        // Forgotten at once: a message prepared from now on reads what this transaction leaves.
        cache.remove(conversationId);
        if (replacing) {
            Sql.update(c, "UPDATE conversation_routes SET active = FALSE WHERE conversation_id = ?", conversationId);
            for (DeskTarget desk : desks) {
                Sql.update(c, "DELETE FROM conversation_routes WHERE conversation_id = ? AND desk = ?",
                        conversationId, desk.desk());
            }
        }
        List<Object[]> rows = new ArrayList<>(desks.size());
        for (int i = 0; i < desks.size(); i++) {
            rows.add(new Object[] {conversationId, desks.get(i).desk(), i, encode(desks.get(i).assignment()),
                    Columns.text(route, 500), Boolean.TRUE, now});
        }
        Sql.insertRows(c, "INSERT INTO conversation_routes (conversation_id, desk, position, assignment, route, "
                + "active, created_at) VALUES ", rows);
        learn(after, conversationId, new Recorded(desks, route));
    }

    private void learn(AfterCommit after, String conversationId, Recorded recorded) {
        if (!exact) {
            after.run(() -> {
                if (cache.size() >= MAX_ENTRIES) {
                    cache.clear();
                }
                cache.put(conversationId, recorded);
            });
        }
    }

    private static Recorded select(Connection c, String conversationId) throws SQLException {
        List<DeskTarget> desks = new ArrayList<>();
        String route = "";
        try (PreparedStatement ps = Sql.prepare(c, "SELECT desk, assignment, route FROM conversation_routes "
                + "WHERE conversation_id = ? AND active = TRUE ORDER BY position", conversationId); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                desks.add(new DeskTarget(rs.getString(1), decode(rs.getString(2))));
                route = rs.getString(3);
            }
        }
        return desks.isEmpty() ? Recorded.NONE : new Recorded(desks, route);
    }

    /** The assignment recorded for the conversation's desk (also a desk a re-route dropped); empty when none. */
    static Map<String, String> assignment(Connection c, String conversationId, String desk) throws SQLException {
        return Sql.string(c, "SELECT assignment FROM conversation_routes WHERE conversation_id = ? AND desk = ?",
                conversationId, desk).map(ConversationRoutes::decode).orElse(Map.of());
    }

    // Form encoding (key=value&...), sorted by key: readable in the table, no JSON type needed on either database.
    static String encode(Map<String, String> assignment) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(assignment).entrySet()) {
            if (!s.isEmpty()) {
                s.append('&');
            }
            s.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return s.toString();
    }

    static Map<String, String> decode(String encoded) {
        Map<String, String> assignment = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return assignment;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            assignment.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return assignment;
    }
}
