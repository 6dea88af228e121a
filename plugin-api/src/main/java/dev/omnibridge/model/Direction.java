package dev.omnibridge.model;

/** Which way a message travels, seen from the customer. */
public enum Direction {
    /** From a customer into the hub. */
    INBOUND,
    /** From an agent or bot, out to a customer. */
    OUTBOUND,
    /** Produced by the hub or a desk for its own bookkeeping; never sent to a customer. */
    INTERNAL
}
