package dev.omnibridge.hub.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conversation ids by channel instance and thread key, for conversations whose creation is committed. A
 * conversation is never deleted, and a re-keyed one ({@link dev.omnibridge.spi.ThreadMove}) keeps its id, so a hit
 * names the right conversation: a request thread can build and serialise its message before the journal writer runs
 * it, and the writer skips a lookup per message. Bounded by starting over when full; a miss only costs the lookup.
 */
final class KnownConversations {
    private static final int MAX_ENTRIES = 50_000;

    private final Map<String, String> ids = new ConcurrentHashMap<>();
    /**
     * Issue 25: off when other nodes write the store too: a thread key another node moved, or erased, would still
     * name its old conversation here (every lookup then misses and the writer reads the store).
     */
    private final boolean off;

    KnownConversations() {
        this(false);
    }

    KnownConversations(boolean off) {
        this.off = off;
    }

    String get(String channelInstance, String threadKey) {
        return off ? null : ids.get(key(channelInstance, threadKey));
    }

    /** Call only once the conversation's row is committed. */
    void committed(String channelInstance, String threadKey, String conversationId) {
        if (off) {
            return;
        }
        if (ids.size() >= MAX_ENTRIES) {
            ids.clear();
        }
        ids.put(key(channelInstance, threadKey), conversationId);
    }

    /** The conversation left this thread key (after the move committed); the new key is learnt on first use. */
    void moved(String channelInstance, String fromThreadKey) {
        ids.remove(key(channelInstance, fromThreadKey));
    }

    private static String key(String channelInstance, String threadKey) {
        return channelInstance + '\u0000' + threadKey;
    }
}
