package dev.omnibridge.connector.webchat;

import dev.omnibridge.live.LiveSocket;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * What the instance remembers about one visitor between requests. It lives in memory only: the stored messages hold
 * everything that must survive a restart (the hand-off email is recovered from them).
 */
final class Visitor {
    volatile String name;
    /** The unverified pre-chat email: message metadata and hand-off target, never the contact's address. */
    volatile String email;
    volatile Instant lastSeen;
    volatile Instant lastTyping = Instant.EPOCH;
    volatile Instant agentTypingAt = Instant.EPOCH;
    /** Reply ids already recorded, so a receipt sent twice (two tabs) is stored once. */
    final Set<String> delivered = ConcurrentHashMap.newKeySet();
    final Set<String> read = ConcurrentHashMap.newKeySet();
    final Set<LiveSocket> sockets = new CopyOnWriteArraySet<>();

    Visitor(Instant now) {
        this.lastSeen = now;
    }

    /** Keeps what the visitor told about themselves; an absent value keeps the earlier one. */
    void profile(String name, String email) {
        if (name != null) {
            this.name = name;
        }
        if (email != null) {
            this.email = email;
        }
    }
}
