package dev.omnibridge.hub.store;

import java.time.Instant;

/** One outbox row that is waiting to be delivered. */
public record DeliveryTask(long id, String messageId, String conversationId, String target, TargetKind kind,
                           int attempts, Instant notBefore, Instant createdAt) {
    public enum TargetKind { DESK, CHANNEL }

    public DeliveryTask withAttempt(int attempts, Instant notBefore) {
        return new DeliveryTask(id, messageId, conversationId, target, kind, attempts, notBefore, createdAt);
    }

    /** Stable across retries and restarts, so a desk that honours it applies the delivery once. */
    public String idempotencyKey() {
        return "omnibridge-" + messageId + "-" + target;
    }
}
