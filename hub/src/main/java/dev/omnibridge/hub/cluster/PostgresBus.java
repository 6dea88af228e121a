package dev.omnibridge.hub.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.hub.config.HubConfig;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The cluster's {@link Bus} on PostgreSQL {@code LISTEN/NOTIFY}: topic {@code t} is the channel {@code omnibridge_t}.
 *
 * <p>Listening: one dedicated connection, not from the pool (a pooled connection would be handed to others and its
 * LISTENs lost), opened with the store's url, user and password, in autocommit: a listener inside a long transaction
 * would stop PostgreSQL from ever cleaning its notification queue. A daemon thread waits on it
 * ({@code getNotifications(500)}, which returns as soon as a notice arrives) and hands each payload to the topic's
 * handlers on that thread, so handlers must be quick.
 *
 * <p>Publishing: {@code SELECT pg_notify(?, ?)}, in the caller's transaction (PostgreSQL sends it at commit, never
 * after a rollback) or in a short transaction of its own on a pool connection. Every notice names its origin node,
 * so a node skips its own (pool connections have other backend pids, so the pid cannot tell).
 *
 * <p>What a listener misses while its connection is down would be lost with NOTIFY alone, so each notice (except
 * {@link #HINTS}, which only hurry work a timer does anyway) is also a row of {@code cluster_events}, written in the
 * same transaction. The notice carries the row's id and, when the whole notice stays under
 * {@link #INLINE_LIMIT_BYTES} (NOTIFY's limit is 8,000 bytes), the payload itself; otherwise the listener reads the
 * payload from the row. After reconnecting (with backoff), the listener LISTENs again and then reads the rows it has
 * not seen, of the last {@link #KEEP} at most. Rows older than that are purged by every node now and then.
 */
public final class PostgresBus implements Bus, BusStatus, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBus.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOPIC = Pattern.compile("[a-z0-9_]{1,40}");
    private static final String CHANNEL_PREFIX = "omnibridge_";
    /** Notices whose loss costs nothing but a short wait: an outbox wake-up (the dispatcher refills every second). */
    static final Set<String> HINTS = Set.of(OUTBOX);
    /** A notice (envelope included) larger than this travels as a row id; NOTIFY refuses 8,000 bytes and more. */
    static final int INLINE_LIMIT_BYTES = 7_000;
    /** How long rows of cluster_events are kept, so how long a listener may be away and still catch up. */
    static final Duration KEEP = Duration.ofMinutes(10);
    private static final int WAIT_MILLIS = 500;
    private static final long PING_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long PURGE_EVERY_NANOS = Duration.ofMinutes(1).toNanos();
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    /**
     * Rows are numbered when inserted but become visible when committed, so one with a lower id than the last seen
     * may still appear; catch-up reads back this many ids below it and skips those already handled.
     */
    private static final int ID_SLACK = 1_000;
    private static final int REMEMBERED_IDS = 20_000;
    private static final String INSERT = "INSERT INTO cluster_events (topic, origin, payload, created_at) "
            + "VALUES (?, ?, ?, CURRENT_TIMESTAMP)";

    private final HubConfig.Store store;
    private final DataSource pool;
    private final String nodeId;
    private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();
    /** Topics the listener connection listens to (Bus's own topics from the start, others once subscribed). */
    private final Set<String> listening = ConcurrentHashMap.newKeySet();
    private final Object connectionLock = new Object();
    // Listener thread only:
    private final Set<Long> seen = new HashSet<>();
    private final ArrayDeque<Long> seenOrder = new ArrayDeque<>();
    private long lastSeenId = -1;
    private Connection listener;
    private Set<String> listened = Set.of();

    private volatile boolean up;
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param store  the hub's store settings: the listening connection uses its url, user and password
     * @param pool   the store's pool, for notices published outside a caller's transaction
     * @param nodeId this node's id, stamped on every notice so that it skips its own
     */
    public PostgresBus(HubConfig.Store store, DataSource pool, String nodeId) {
        this.store = store;
        this.pool = pool;
        this.nodeId = nodeId;
        listening.addAll(List.of(OUTBOX, LIVE, CONFIG, KNOWLEDGE));
    }

    /**
     * Opens the listening connection (failing if the store cannot be reached now) and starts the listener thread.
     * Notices published from now on reach this node's handlers.
     */
    public void start() throws SQLException {
        synchronized (connectionLock) {
            connect();
            if (lastSeenId < 0) {
                lastSeenId = maxId(listener);
            }
        }
        thread = new Thread(this::run, "omnibridge-bus");
        thread.setDaemon(true);
        thread.start();
        LOG.info("Cluster bus listening as node {}", nodeId);
    }

    /** Whether the listening connection is open (for {@code /health}). */
    @Override
    public boolean isUp() {
        return up && !closed;
    }

    @Override
    public void publish(Connection c, String topic, String payload) throws SQLException {
        String notice = notice(c, topic, payload);
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL_PREFIX + topic);
            ps.setString(2, notice);
            ps.execute();
        }
    }

    @Override
    public void publish(String topic, String payload) {
        try (Connection c = pool.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                publish(c, topic, payload);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            // A notice is a hint to other nodes; what it points at is stored. Never fail the caller's work for it.
            LOG.warn("Cluster bus: a notice on topic {} was not sent: {}", topic, e.getMessage());
        }
    }

    @Override
    public void subscribe(String topic, Consumer<String> handler) {
        checkTopic(topic);
        handlers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(handler);
        if (listening.add(topic)) {
            // A topic Bus does not name: LISTEN now, so notices published after this returns arrive.
            synchronized (connectionLock) {
                if (listener != null) {
                    try {
                        listen(listener, Set.of(topic));
                    } catch (SQLException e) {
                        LOG.warn("Cluster bus: LISTEN {} failed ({}); retried on reconnect", topic, e.getMessage());
                        dropConnection();
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (connectionLock) {
            dropConnection();
        }
    }

    /** The text notified: origin, the row's id (if stored) and the payload when it fits; inserts the row. */
    private String notice(Connection c, String topic, String payload) throws SQLException {
        checkTopic(topic);
        // Measured as sent: JSON escaping (a frame is JSON itself) can nearly double a payload's size.
        boolean small = payload.length() <= INLINE_LIMIT_BYTES
                && JSON.createObjectNode().put("o", nodeId).put("p", payload).toString()
                        .getBytes(StandardCharsets.UTF_8).length + 32 <= INLINE_LIMIT_BYTES;
        ObjectNode envelope = JSON.createObjectNode().put("o", nodeId);
        if (!small || !HINTS.contains(topic)) {
            try (PreparedStatement ps = c.prepareStatement(INSERT, new String[] {"id"})) {
                ps.setString(1, topic);
                ps.setString(2, nodeId);
                ps.setString(3, payload);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    envelope.put("e", keys.getLong(1));
                }
            }
        }
        if (small) {
            envelope.put("p", payload);
        }
        return envelope.toString();
    }

    private void run() {
        long backoff = 100;
        long lastPing = System.nanoTime();
        long lastPurge = 0;
        while (!closed) {
            try {
                PGConnection pg;
                synchronized (connectionLock) {
                    if (listener == null) {
                        connect();
                        catchUp();
                        LOG.info("Cluster bus reconnected as node {}", nodeId);
                    }
                    pg = listener.unwrap(PGConnection.class);
                }
                backoff = 100;
                PGNotification[] notes = pg.getNotifications(WAIT_MILLIS);
                if (notes != null) {
                    for (PGNotification n : notes) {
                        received(n.getName(), n.getParameter());
                    }
                }
                long now = System.nanoTime();
                if (now - lastPing > PING_EVERY_NANOS) {
                    lastPing = now;
                    ping();
                }
                if (now - lastPurge > PURGE_EVERY_NANOS) {
                    lastPurge = now;
                    purge();
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                if (up) {
                    LOG.warn("Cluster bus: listening connection lost ({}); reconnecting", e.getMessage());
                } else {
                    LOG.debug("Cluster bus: reconnect failed: {}", e.getMessage());
                }
                synchronized (connectionLock) {
                    dropConnection();
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    break;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private void connect() throws SQLException {
        Properties props = new Properties();
        if (store.username() != null) {
            props.setProperty("user", store.username());
        }
        if (store.password() != null) {
            props.setProperty("password", store.password());
        }
        String name = "omnibridge-bus-" + nodeId;   // shown in pg_stat_activity
        props.setProperty("ApplicationName", name.substring(0, Math.min(63, name.length())));
        props.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(store.url(), props);
        try {
            c.setAutoCommit(true);
            Set<String> topics = Set.copyOf(listening);
            listen(c, topics);
            listened = topics;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        listener = c;
        up = true;
    }

    private static void listen(Connection c, Set<String> topics) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String topic : topics) {
                s.execute("LISTEN " + CHANNEL_PREFIX + topic);   // topic checked against TOPIC: a safe identifier
            }
        }
    }

    private void dropConnection() {
        up = false;
        if (listener != null) {
            try {
                listener.close();
            } catch (SQLException e) {
                // already broken
            }
            listener = null;
        }
    }

    /** The rows published while this node was not listening, oldest first (after LISTEN: nothing falls between). */
    private void catchUp() throws SQLException {
        int n = 0;
        try (PreparedStatement ps = listener.prepareStatement("SELECT id, topic, origin, payload FROM cluster_events "
                + "WHERE id > ? AND created_at > CURRENT_TIMESTAMP - INTERVAL '10 minutes' ORDER BY id")) {
            ps.setLong(1, Math.max(0, lastSeenId - ID_SLACK));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    if (firstSight(id) && !nodeId.equals(rs.getString(3))) {
                        deliver(rs.getString(2), rs.getString(4));
                        n++;
                    }
                }
            }
        }
        if (n > 0) {
            LOG.info("Cluster bus: caught up on {} notice(s) missed while reconnecting", n);
        }
    }

    private void received(String channel, String notice) throws SQLException {
        if (!channel.startsWith(CHANNEL_PREFIX)) {
            return;
        }
        String topic = channel.substring(CHANNEL_PREFIX.length());
        JsonNode envelope;
        try {
            envelope = JSON.readTree(notice);
        } catch (Exception e) {
            LOG.debug("Cluster bus: ignored a notice on {} that is not ours", channel);
            return;
        }
        if (nodeId.equals(envelope.path("o").asText())) {
            if (envelope.has("e")) {
                firstSight(envelope.path("e").asLong());
            }
            return;
        }
        String payload = envelope.path("p").isTextual() ? envelope.path("p").asText() : null;
        if (envelope.has("e")) {
            long id = envelope.path("e").asLong();
            if (!firstSight(id)) {
                return;   // already handed over by a catch-up
            }
            if (payload == null) {
                payload = storedPayload(id);
                if (payload == null) {
                    LOG.warn("Cluster bus: notice {} on {} is no longer stored; skipped", id, topic);
                    return;
                }
            }
        }
        if (payload != null) {
            deliver(topic, payload);
        }
    }

    private String storedPayload(long id) throws SQLException {
        synchronized (connectionLock) {
            try (PreparedStatement ps = listener.prepareStatement("SELECT payload FROM cluster_events WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        }
    }

    private void deliver(String topic, String payload) {
        for (Consumer<String> handler : handlers.getOrDefault(topic, List.of())) {
            try {
                handler.accept(payload);
            } catch (RuntimeException e) {
                LOG.warn("Cluster bus: a handler of topic {} failed: {}", topic, e.toString());
            }
        }
    }

    /** Remembers a row id as handled; false when it already was. */
    private boolean firstSight(long id) {
        if (!seen.add(id)) {
            return false;
        }
        seenOrder.addLast(id);
        if (seenOrder.size() > REMEMBERED_IDS) {
            seen.remove(seenOrder.removeFirst());
        }
        lastSeenId = Math.max(lastSeenId, id);
        return true;
    }

    private void ping() throws SQLException {
        synchronized (connectionLock) {
            try (Statement s = listener.createStatement()) {
                s.setQueryTimeout(5);
                s.execute("SELECT 1");
            }
            // A topic subscribed while the connection was being replaced is listened to here at the latest.
            if (!listened.containsAll(listening)) {
                Set<String> topics = Set.copyOf(listening);
                listen(listener, topics);
                listened = topics;
            }
        }
    }

    private void purge() {
        synchronized (connectionLock) {
            try (Statement s = listener.createStatement()) {
                int n = s.executeUpdate("DELETE FROM cluster_events WHERE created_at < CURRENT_TIMESTAMP - INTERVAL '"
                        + KEEP.toMinutes() + " minutes'");
                if (n > 0) {
                    LOG.debug("Cluster bus: purged {} old notice(s)", n);
                }
            } catch (SQLException e) {
                LOG.debug("Cluster bus: purge failed: {}", e.getMessage());
            }
        }
    }

    private static long maxId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(id) FROM cluster_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void checkTopic(String topic) {
        if (topic == null || !TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("a bus topic is 1-40 lowercase letters, digits or '_'");
        }
    }
}
