package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.model.Priority;

import java.util.ArrayDeque;

/**
 * One (target, conversation) pair of the {@link Dispatcher}: its admitted outbox rows in id order, delivered one
 * call at a time (one row, or the head and the rows after it as one batch). Fields are guarded by the dispatcher's lanes lock, except {@link #ticketRef}.
 */
final class Lane {
    final String key;
    final String target;
    final String conversationId;
    final ArrayDeque<DeliveryTask> queue = new ArrayDeque<>();
    // Scheduled, running, or waiting for its next rows: no one else may start it.
    boolean busy;
    // Outcomes of this lane not committed yet: while there are any, the lane stays so its ticket is not lost.
    int unrecorded;
    // The desk ticket a delivery of this lane created, possibly not committed yet.
    volatile String ticketRef;
    // The highest id ever admitted to this lane: every later row of the lane is still to be read.
    long lastAdmitted;
    // The lane reached its in-memory cap: the target's pages skip its rows, and the lane reads the rows in
    // (lastAdmitted, target cursor] itself once its queue is empty.
    boolean overflowing;
    // Overflowing, queue empty, queued on its target for those rows.
    boolean waiting;
    // Its head is due to run (a timer set, or parked while its target's breaker is open) and is not running: the
    // breaker's probe or close may start it now. Only a run whose generation is the lane's current one goes ahead,
    // so a timer set before such a start does nothing when it fires.
    boolean sleeping;
    int generation;
    // Sleeping because its target is held (a plugin swap, issue 24): release() wakes it.
    boolean parkedByHold;
    // Chosen as its target's probe: runs although the breaker is open.
    boolean probe;
    // When it was last chosen as a probe (a sequence), so that probes go round the waiting conversations.
    long probedAt;
    // The priority it waits for a worker with in the ready queue; null while it is not there (running, on a timer,
    // parked). A higher one admitted meanwhile puts it in again, ahead (the older entry then does nothing).
    Priority readyAs;
    // The priority of a row of this lane read ahead of a backlog but not admitted yet (its earlier rows came first):
    // the lane runs with it, so that those earlier rows do not hold the urgent one up. Null when there is none.
    Priority aheadOf;
    // Issue 25, a cluster: the conversation's share (-1 until asked), and the fence of that share's lease the current
    // delivery runs under.
    int shard = -1;
    dev.omnibridge.hub.cluster.Fence fence;
    // The share was lost while this lane was running: it lets go of its rows when the delivery returns.
    boolean revoked;

    Lane(String target, String conversationId) {
        this.key = key(target, conversationId);
        this.target = target;
        this.conversationId = conversationId;
    }

    static String key(String target, String conversationId) {
        return target + "|" + conversationId;
    }

    /** The lane's priority: the highest of its queued rows (NORMAL when it has none). */
    Priority priority() {
        Priority highest = Priority.LOW;
        for (DeliveryTask t : queue) {
            if (t.priority().compareTo(highest) > 0) {
                highest = t.priority();
                if (highest == Priority.URGENT) {
                    break;
                }
            }
        }
        if (aheadOf != null && aheadOf.compareTo(highest) > 0) {
            return aheadOf;
        }
        return queue.isEmpty() ? Priority.NORMAL : highest;
    }

    boolean idle() {
        return !busy && unrecorded == 0 && queue.isEmpty() && !overflowing;
    }
}
