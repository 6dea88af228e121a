package dev.omnibridge.live;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Live traffic of one connector instance across the hub's nodes (see
 * {@link dev.omnibridge.spi.ConnectorContext#liveFanout()}). Several hub nodes may run the same instance behind a load
 * balancer: a visitor's socket is open on one node while the reply to push to it is delivered on another. The
 * instance publishes each frame for a key (e.g. a chat visitor's conversation key) and pushes the frames other nodes
 * publish to its own sockets; it reports its sockets per key, so that every node knows whether the visitor is still
 * there.
 *
 * <p>Keys are the instance's own (at most 500 characters); frames are text of any size. Frames and presence are
 * hints for live display: what matters is stored by the hub anyway (a frame lost while a node reconnects is in the
 * history the visitor reloads). A hub on its own gives {@link #SINGLE_NODE}, which does nothing across nodes.
 */
public interface LiveFanout {
    /** Sends {@code frame} for {@code key} to this instance on the other nodes (not to this node's handler). */
    void publish(String key, String frame);

    /**
     * What to do with a frame another node published: {@code handler.accept(key, frame)}, typically a push to this
     * node's open sockets of the key. Called on a hub thread that must not block; replaces an earlier handler.
     */
    void onFrame(BiConsumer<String, String> handler);

    /** A socket for {@code key} opened on this node (call once per socket). Never blocks. */
    void connected(String key);

    /** A socket for {@code key} closed on this node (once per socket that {@link #connected} reported). */
    void disconnected(String key);

    /** The visitor of {@code key} was seen now on this node (e.g. an HTTP request); cheap, calls are coalesced. */
    void seen(String key);

    /** Whether another node holds an open socket for {@code key} (its node alive). May query the store. */
    boolean connectedElsewhere(String key);

    /**
     * When the visitor of {@code key} was last seen on any node that reported it ({@link #connected},
     * {@link #disconnected}, {@link #seen}), or empty if none did. May query the store.
     */
    Optional<Instant> lastSeen(String key);

    /** A hub on its own: nothing to tell, nobody elsewhere. */
    LiveFanout SINGLE_NODE = new LiveFanout() {
        @Override
        public void publish(String key, String frame) {
        }

        @Override
        public void onFrame(BiConsumer<String, String> handler) {
        }

        @Override
        public void connected(String key) {
        }

        @Override
        public void disconnected(String key) {
        }

        @Override
        public void seen(String key) {
        }

        @Override
        public boolean connectedElsewhere(String key) {
            return false;
        }

        @Override
        public Optional<Instant> lastSeen(String key) {
            return Optional.empty();
        }
    };
}
