package dev.omnibridge.hub.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Named leases held in the store, so that work which must run on exactly one node at a time (a poller, a timer, a
 * share of the deliveries) does. Every node wants the leases of the work it is configured for; each lease is held
 * by one node, the nodes share them out evenly, and a lease whose holder stops renewing it moves to another node
 * after {@link ClusterConfig#leaseTtl()}.
 */
public interface Leases {
    /**
     * This node wants lease {@code name} (1-200 characters, e.g. {@code poll:telegram-1:updates},
     * {@code timer:retention}, {@code shard:17}): the listener hears each time it is acquired and lost. On a single
     * node the lease is acquired at once, before this returns.
     */
    Wanted want(String name, LeaseListener listener);

    /**
     * Checks, inside the transaction about to store the work's results, that {@code fence} still holds; locks the
     * lease row against a takeover until that transaction ends. Nothing to check for {@link Fence#NONE}.
     *
     * @throws LeaseLost the lease expired or moved: roll back
     */
    void verify(Connection c, Fence fence) throws SQLException;

    /**
     * By this node's own clock, whether {@code fence} is safely inside its lease (with a margin for clock drift):
     * checked before a call that cannot be undone (a desk request), so a node that was paused drops the work
     * instead. Always true for {@link Fence#NONE}.
     */
    boolean stillHeld(Fence fence);

    /** Every lease the store knows, with its holder (for the API and console). */
    List<LeaseView> all();

    /** A wanted lease; {@link #close()} stops wanting it and gives it up if held (the listener hears lost). */
    interface Wanted extends AutoCloseable {
        @Override
        void close();
    }
}
