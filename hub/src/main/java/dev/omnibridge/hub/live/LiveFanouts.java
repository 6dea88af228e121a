package dev.omnibridge.hub.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.hub.cluster.Bus;
import dev.omnibridge.hub.cluster.Cluster;
import dev.omnibridge.hub.store.LivePresenceTable;
import dev.omnibridge.live.LiveFanout;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The connector instances' {@link LiveFanout}s (issue 25): frames travel on the cluster bus's {@link Bus#LIVE} topic
 * as {@code {"i": instance, "k": key, "f": frame}}; presence is kept in {@code live_presence}
 * ({@link LivePresenceTable}). Socket counts are kept here in memory and written on a thread of their own (a socket
 * opens on the HTTP event loop, which must not wait for the store), with a heartbeat every {@link #HEARTBEAT} that
 * keeps open keys alive, so a node that dies stops counting as "connected" after {@link #ALIVE}.
 * A hub on its own gets {@link LiveFanout#SINGLE_NODE} for every instance and nothing runs.
 */
public final class LiveFanouts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveFanouts.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration HEARTBEAT = Duration.ofSeconds(30);
    static final Duration ALIVE = HEARTBEAT.multipliedBy(3);
    /** A visitor seen on this node is written down at most this often (they make a request every few seconds). */
    private static final long SEEN_EVERY_NANOS = Duration.ofSeconds(15).toNanos();
    private static final Duration FORGET_AFTER = Duration.ofDays(1);

    private record Key(String instanceId, String key) {
    }

    private final Bus bus;
    private final LivePresenceTable presence;
    private final Map<String, BiConsumer<String, String>> handlers = new ConcurrentHashMap<>();
    /** This node's open sockets per key; a key without any is absent. */
    private final Map<Key, Integer> sockets = new ConcurrentHashMap<>();
    private final Map<Key, Long> seenWritten = new ConcurrentHashMap<>();
    private final ScheduledExecutorService writer;
    /** Frames this node published for other nodes, and frames from other nodes it handed to an instance. */
    private final Counter published;
    private final Counter received;

    private LiveFanouts(Bus bus, LivePresenceTable presence, MeterRegistry metrics) {
        this.bus = bus;
        this.presence = presence;
        MeterRegistry registry = metrics != null ? metrics : new SimpleMeterRegistry();
        this.published = Counter.builder("omnibridge.live.frames").tag("direction", "published")
                .description("Live chat frames published to other hub nodes").register(registry);
        this.received = Counter.builder("omnibridge.live.frames").tag("direction", "received")
                .description("Live chat frames from other hub nodes handed to this node's sockets").register(registry);
        this.writer = presence == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "omnibridge-live-presence");
            t.setDaemon(true);
            return t;
        });
    }

    /** For a hub on its own: every instance gets {@link LiveFanout#SINGLE_NODE}. */
    public static LiveFanouts single() {
        return new LiveFanouts(null, null, null);
    }

    /**
     * The cluster's fan-out (or {@link #single} when the cluster is one node); subscribes to the bus now.
     *
     * @param metrics where {@code omnibridge_live_frames_total{direction=published|received}} goes (null: nowhere)
     */
    public static LiveFanouts start(Cluster cluster, DataSource store, MeterRegistry metrics) {
        if (!cluster.enabled()) {
            return single();
        }
        LiveFanouts f = new LiveFanouts(cluster.bus(), new LivePresenceTable(store, cluster.nodeId()), metrics);
        cluster.bus().subscribe(Bus.LIVE, f::received);
        f.write(f.presence::resetNode);
        f.writer.scheduleWithFixedDelay(f::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        return f;
    }

    /** The fan-out a connector instance gets from its context. */
    public LiveFanout forInstance(String instanceId) {
        return presence == null ? LiveFanout.SINGLE_NODE : new Instance(instanceId);
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.shutdown();
        }
    }

    private void received(String payload) {
        try {
            JsonNode n = JSON.readTree(payload);
            BiConsumer<String, String> handler = handlers.get(n.path("i").asText());
            if (handler != null) {
                handler.accept(n.path("k").asText(), n.path("f").asText());
                received.increment();
            }
        } catch (Exception e) {
            LOG.warn("Live fan-out: a frame from another node was not pushed: {}", e.toString());
        }
    }

    private void heartbeat() {
        List<LivePresenceTable.Sockets> open = new ArrayList<>();
        sockets.forEach((k, n) -> open.add(new LivePresenceTable.Sockets(k.instanceId(), k.key(), n)));
        seenWritten.clear();
        try {
            presence.put(open);
            presence.purge(FORGET_AFTER);
        } catch (SQLException e) {
            LOG.warn("Live fan-out: presence heartbeat of {} key(s) failed: {}", open.size(), e.getMessage());
        }
    }

    private interface StoreWork {
        void run() throws SQLException;
    }

    /** Store work off the caller's thread (an HTTP event loop), in submission order. */
    private void write(StoreWork work) {
        try {
            writer.execute(() -> {
                try {
                    work.run();
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("Live fan-out: presence not written: {}", e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the hub is stopping
        }
    }

    /** One instance's view. */
    private final class Instance implements LiveFanout {
        private final String instanceId;

        Instance(String instanceId) {
            this.instanceId = instanceId;
        }

        @Override
        public void publish(String key, String frame) {
            bus.publish(Bus.LIVE, JSON.createObjectNode().put("i", instanceId).put("k", key).put("f", frame)
                    .toString());
            published.increment();
        }

        @Override
        public void onFrame(BiConsumer<String, String> handler) {
            handlers.put(instanceId, handler);
        }

        @Override
        public void connected(String key) {
            changed(key, +1);
        }

        @Override
        public void disconnected(String key) {
            changed(key, -1);
        }

        private void changed(String key, int by) {
            Key k = new Key(instanceId, key);
            sockets.compute(k, (x, n) -> {
                int now = (n == null ? 0 : n) + by;
                return now > 0 ? now : null;
            });
            // Written with the count at the time of writing: a burst of opens and closes ends in the last count.
            write(() -> presence.put(instanceId, key, sockets.getOrDefault(k, 0)));
        }

        @Override
        public void seen(String key) {
            Key k = new Key(instanceId, key);
            long now = System.nanoTime();
            Long last = seenWritten.get(k);
            if (last != null && now - last < SEEN_EVERY_NANOS) {
                return;
            }
            seenWritten.put(k, now);
            write(() -> presence.touch(instanceId, key));
        }

        @Override
        public boolean connectedElsewhere(String key) {
            try {
                return presence.openElsewhere(instanceId, key, ALIVE);
            } catch (SQLException e) {
                // Unknown: say "there", so a reply stays in the chat rather than going to another channel.
                LOG.warn("Live fan-out: presence not read: {}", e.getMessage());
                return true;
            }
        }

        @Override
        public Optional<Instant> lastSeen(String key) {
            try {
                return presence.lastSeen(instanceId, key);
            } catch (SQLException e) {
                LOG.warn("Live fan-out: presence not read: {}", e.getMessage());
                return Optional.empty();
            }
        }
    }
}
