package dev.omnibridge.hub.store;

import dev.omnibridge.model.Priority;

import java.time.Instant;

/**
 * One outbox row that is waiting to be delivered.
 *
 * @param priority its message's priority, stored with the row: the dispatcher runs urgent conversations first
 */
public record DeliveryTask(long id, String messageId, String conversationId, String target, TargetKind kind,
                           int attempts, Instant notBefore, Instant createdAt, Priority priority) {
    public enum TargetKind { DESK, CHANNEL }

    public DeliveryTask {
        priority = priority == null ? Priority.NORMAL : priority;
    }

    /** A row of a NORMAL message. */
    public DeliveryTask(long id, String messageId, String conversationId, String target, TargetKind kind,
                        int attempts, Instant notBefore, Instant createdAt) {
        this(id, messageId, conversationId, target, kind, attempts, notBefore, createdAt, Priority.NORMAL);
    }

    public DeliveryTask withAttempt(int attempts, Instant notBefore) {
        return new DeliveryTask(id, messageId, conversationId, target, kind, attempts, notBefore, createdAt, priority);
    }

    /** Stable across retries and restarts, so a desk that honours it applies the delivery once. */
    public String idempotencyKey() {
        return "omnibridge-" + messageId + "-" + target;
    }
}
