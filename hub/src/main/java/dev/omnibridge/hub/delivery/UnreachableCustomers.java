package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.DeliveryTask;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What becomes of a reply whose channel says the customer cannot be reached there any more
 * ({@link dev.omnibridge.spi.DeliveryException#customerUnreachable()}): sent another way, or given up on.
 * Decided inside the unit of work that records the failed delivery, so that the redirected delivery, the desk's note
 * and the original's outcome commit together or not at all.
 */
public interface UnreachableCustomers {
    /**
     * The decision: {@code redirectedTo} the channel instance the reply was queued to (the original delivery is then
     * recorded done with the result {@code fallback:<instance>}), or null, when {@code deadReason} is why the
     * original is dead-lettered.
     */
    record Decision(String redirectedTo, String deadReason) {
        public static Decision redirected(String instance) {
            return new Decision(instance, null);
        }

        public static Decision dead(String reason) {
            return new Decision(null, reason);
        }
    }

    /** Never redirects: every unreachable customer's reply is dead-lettered, as any permanent failure. */
    UnreachableCustomers NONE = (c, after, task, reason, now) -> Decision.dead(reason);

    Decision decide(Connection c, AfterCommit after, DeliveryTask task, String reason, Instant now)
            throws SQLException;
}
