package dev.omnibridge.hub.cluster;

import java.time.Instant;

/** A lease as the store has it: who holds it (null: nobody), its fencing token and when it expires. */
public record LeaseView(String name, String holder, long token, Instant acquiredAt, Instant expiresAt) {
}
