package dev.omnibridge.hub.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single sign-ins started and not yet completed ({@link OidcLogins}), by their state: each is taken once, and only
 * within {@link #VALID_FOR} of its start. One node keeps them in memory ({@link #inMemory}); in cluster
 * mode they are rows of the store ({@code oidc_pending}), so that the provider's callback may land on any node.
 */
public interface PendingSignIns {
    /** How long a sign-in may take, from its start to the provider's callback. */
    Duration VALID_FOR = Duration.ofMinutes(10);
    /** At most this many sign-ins in progress at once (a flood of starts is refused, never kept). */
    int MAX = 1_000;

    /** What the callback needs of a sign-in; {@code browserHash} is the SHA-256 of its browser cookie's value. */
    record Pending(String nonce, String verifier, byte[] browserHash, Instant startedAt) {
        @Override
        public String toString() {
            return "Pending[startedAt=" + startedAt + "]";
        }
    }

    /** Keeps a new sign-in (and forgets expired ones); false, keeping nothing, when {@link #MAX} are in progress. */
    boolean add(String state, Pending pending);

    /** The sign-in of this state, removed so it is used once; empty when unknown, used or expired. */
    Optional<Pending> take(String state);

    /** In this node's memory (a hub on its own): a restart in the middle of a sign-in makes the user click again. */
    static PendingSignIns inMemory(Clock clock) {
        Map<String, Pending> pending = new ConcurrentHashMap<>();
        return new PendingSignIns() {
            @Override
            public boolean add(String state, Pending p) {
                Instant now = clock.instant();
                pending.values().removeIf(old -> !now.isBefore(old.startedAt().plus(VALID_FOR)));
                if (pending.size() >= MAX) {
                    return false;
                }
                pending.put(state, p);
                return true;
            }

            @Override
            public Optional<Pending> take(String state) {
                Pending p = pending.remove(state);
                return p == null || !clock.instant().isBefore(p.startedAt().plus(VALID_FOR))
                        ? Optional.empty() : Optional.of(p);
            }
        };
    }
}
