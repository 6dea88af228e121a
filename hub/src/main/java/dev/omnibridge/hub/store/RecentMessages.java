package dev.omnibridge.hub.store;

import dev.omnibridge.model.Message;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages committed most recently, by id: a delivery usually starts a few milliseconds after its message was
 * stored, and taking the message from here spares reading and parsing it back. Bounded, so a backlog falls back to
 * the store; a message changed after it was stored is forgotten here.
 */
public final class RecentMessages {
    private static final int MAX_ENTRIES = 512;

    private final Map<String, Message> messages = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Message> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /**
     * Issue 25: off when other nodes write the store too: a message another node changed (a channel's metadata note,
     * retention's purge) would still be served here unchanged, as this node never hears of the change.
     */
    private final boolean off;

    public RecentMessages() {
        this(false);
    }

    private RecentMessages(boolean off) {
        this.off = off;
    }

    /** Remembers nothing: every delivery reads its message from the store (a store other nodes write too). */
    public static RecentMessages none() {
        return new RecentMessages(true);
    }

    synchronized Message get(String id) {
        return off ? null : messages.get(id);
    }

    /** Call only once the message is committed. */
    synchronized void committed(Message m) {
        if (!off) {
            messages.put(m.id(), m);
        }
    }

    synchronized void forget(String id) {
        messages.remove(id);
    }
}
