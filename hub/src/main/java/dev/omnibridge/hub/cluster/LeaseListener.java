package dev.omnibridge.hub.cluster;

/**
 * Hears when this node gets and loses a lease it wants. Called on the lease thread (one at a time, never
 * concurrently for the same lease); must return quickly (start or stop a thread, not run the work).
 */
public interface LeaseListener {
    /** This node holds the lease from now on; work done under it carries {@code fence}. */
    void acquired(Fence fence);

    /**
     * This node no longer holds the lease (renewal failed, it was given up to balance the nodes, or the node
     * stops): stop the work; writes still carrying {@code fence} will be refused.
     */
    void lost(Fence fence);
}
