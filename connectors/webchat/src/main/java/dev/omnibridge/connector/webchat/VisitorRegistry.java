package dev.omnibridge.connector.webchat;

import dev.omnibridge.live.LiveSocket;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The visitors of one connector, by conversation key, with their open sockets. It outlives a stop and start of the
 * instance (like the hub's own memory), and pushes frames to every open tab of a visitor.
 */
final class VisitorRegistry {
    /** Beyond this many, visitors without sockets and quiet for {@link #FORGET_AFTER} are forgotten. */
    private static final int MAX_VISITORS_IN_MEMORY = 50_000;
    private static final Duration FORGET_AFTER = Duration.ofHours(12);

    private final Map<String, Visitor> visitors = new ConcurrentHashMap<>();
    private final Clock clock;

    VisitorRegistry(Clock clock) {
        this.clock = clock;
    }

    /** The visitor of a conversation key, remembered from now on. */
    Visitor visitor(String key) {
        if (visitors.size() > MAX_VISITORS_IN_MEMORY) {
            Instant cutoff = clock.instant().minus(FORGET_AFTER);
            visitors.entrySet().removeIf(e -> e.getValue().sockets.isEmpty() && e.getValue().lastSeen.isBefore(cutoff));
        }
        return visitors.computeIfAbsent(key, k -> new Visitor(clock.instant()));
    }

    /** The visitor if known, without remembering a new one (replies and hand-offs only look). */
    Visitor find(String key) {
        return visitors.get(key);
    }

    /** The visitor of a request that just proved its token: seen now. */
    Visitor seen(String key) {
        Visitor v = visitor(key);
        v.lastSeen = clock.instant();
        return v;
    }

    /** Sends a frame to every open socket of the visitor; returns how many took it. */
    int push(String key, String frame) {
        Visitor v = visitors.get(key);
        if (v == null) {
            return 0;
        }
        int n = 0;
        for (LiveSocket socket : v.sockets) {
            if (socket.isOpen() && socket.send(frame)) {
                n++;
            } else if (!socket.isOpen()) {
                v.sockets.remove(socket);
            }
        }
        if (n > 0) {
            v.lastSeen = clock.instant();   // a socket that takes a frame is a visitor who is still there
        }
        return n;
    }

    /** Closes every socket, when the instance stops; the visitors themselves are kept. */
    void closeAllSockets(String reason) {
        for (Visitor v : visitors.values()) {
            for (LiveSocket socket : v.sockets) {
                socket.close(1001, reason);
            }
            v.sockets.clear();
        }
    }

    static String shortKey(String key) {
        return key == null || key.length() < 4 ? "****" : key.substring(0, 4) + "****";
    }
}
