package dev.omnibridge.hub.sla;

import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What the store's write path tells the first-response timers: each message it stores, inside the transaction that
 * stores it, so that a clock starts or stops in the same commit as the message that starts or stops it (a crash
 * keeps both or neither). One call per stored message, from the journal's writer thread only. Which messages start
 * or stop a clock is the timers' business ({@link ClockRules}): the store calls for every message of the kind.
 */
public interface FirstResponseHook {
    /** Does nothing: a writer without timers. */
    FirstResponseHook NONE = new FirstResponseHook() {
        @Override
        public void customerMessageStored(Connection c, Message stored, Instant now, Consumer<Runnable> afterCommit) {
        }

        @Override
        public void outboundMessageStored(Connection c, Message stored, Instant now, Consumer<Runnable> afterCommit) {
        }
    };

    /**
     * A message from the customer's channel (direction INBOUND) was stored in the current transaction.
     *
     * @param stored      as stored: with its hub id, conversation id and priority
     * @param afterCommit takes what may only happen once the transaction has committed
     */
    void customerMessageStored(Connection c, Message stored, Instant now, Consumer<Runnable> afterCommit)
            throws SQLException;

    /**
     * A message to the customer (direction OUTBOUND: an agent's reply, or the hub's own automatic one) was stored
     * in the current transaction.
     */
    void outboundMessageStored(Connection c, Message stored, Instant now, Consumer<Runnable> afterCommit)
            throws SQLException;
}
