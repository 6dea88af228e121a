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

    synchronized Message get(String id) {
        return messages.get(id);
    }

    /** Call only once the message is committed. */
    synchronized void committed(Message m) {
        messages.put(m.id(), m);
    }

    synchronized void forget(String id) {
        messages.remove(id);
    }
}
