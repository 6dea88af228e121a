package dev.omnibridge.hub.cluster;

/**
 * Proof that this node held lease {@code name} when it started a piece of work: the work's store transaction
 * checks it ({@link Leases#verify}) so that a node that lost the lease (paused, cut off) cannot write after another
 * node took over. {@code token} grows by one at every acquisition.
 */
public record Fence(String name, String holder, long token) {
    /** For work that needs no lease (a single node holds everything). */
    public static final Fence NONE = new Fence("", "", 0);

    public boolean none() {
        return this == NONE || token == 0;
    }
}
