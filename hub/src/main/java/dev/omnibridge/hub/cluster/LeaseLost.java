package dev.omnibridge.hub.cluster;

import java.sql.SQLException;

/**
 * A transaction found that its node no longer holds the lease its work needs: the transaction must roll back
 * (nothing of the work is stored) and the work stops on this node; the node now holding the lease does it.
 */
public final class LeaseLost extends SQLException {
    public LeaseLost(Fence fence) {
        super("lease " + fence.name() + " (token " + fence.token() + ") is no longer held by " + fence.holder());
    }
}
