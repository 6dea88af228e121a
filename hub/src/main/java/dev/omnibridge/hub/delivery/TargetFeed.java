package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.store.DeliveryTask;

import java.util.ArrayDeque;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How far the {@link Dispatcher} has read one target's outbox. Rows are admitted to memory in id order, a page at
 * a time, and only while fewer than the window are held, so a backlog of any size costs bounded memory; ids grow
 * in commit order (one journal writer), so admitting in id order keeps every conversation's order. Fields are
 * guarded by the dispatcher's lanes lock; they change only under its admission lock as well, except {@link #held}
 * going down and {@link #waiting} growing.
 */
final class TargetFeed {
    final String target;
    // Every pending row of the target with an id up to here is admitted, finished, or left to its overflowing lane.
    long cursor;
    // The last read found nothing after the cursor: rows committed from now on may be admitted as they come.
    boolean caughtUp;
    // Admitted and not finished.
    int held;
    boolean refillQueued;
    // Overflowing lanes whose queue ran empty, waiting for their next rows.
    final ArrayDeque<Lane> waiting = new ArrayDeque<>();
    // Urgent first (DeliveryOrder.AHEAD): urgent rows committed beyond the cursor, by id, to be read ahead of the
    // pages together with their conversation's earlier rows.
    final TreeMap<Long, DeliveryTask> urgent = new TreeMap<>();
    // The store may hold urgent rows beyond the cursor that {@link #urgent} does not know (at start-up, or after
    // more of them came than it keeps): the next refill looks for them.
    boolean urgentInStore;
    // How far the store was searched for such rows (the search goes on from here, or from the cursor if later).
    long urgentScanned;
    // Ids beyond the cursor admitted by reading ahead (finished ones too): the pages skip them. Cleared as the
    // cursor passes them.
    final TreeSet<Long> ahead = new TreeSet<>();
    // While behind since it was last caught up: per conversation, how many rows beyond the cursor went through
    // enqueue and are not admitted yet (every row after the cursor did: the feed was caught up when it fell behind).
    // An urgent row of a conversation not in here has no earlier row waiting and is admitted without a read. Null:
    // not known (behind since a restart, or more conversations than the dispatcher keeps track of).
    java.util.Map<String, Integer> behind;
    // Issue 25, a cluster: the rows beyond the cursor are not all handed over by this node's writer, so a wake-up
    // (another node's notice, the safety refill) makes the next refill read; counted, so that one arriving during a
    // read is not lost when that read ends caught up.
    long wakeUps;
    // A read of the store is running (its rows not admitted yet): rows finished meanwhile are noted in
    // {@link #settled}, so that a read that saw them still pending (after its cursor went back) does not admit them.
    boolean reading;
    final java.util.Set<Long> settled = new java.util.HashSet<>();

    TargetFeed(String target) {
        this.target = target;
    }

    /** An urgent row beyond the cursor, to read ahead; past {@code cap} of them the store is asked instead. */
    void noteUrgent(DeliveryTask task, int cap) {
        if (urgent.size() < cap) {
            urgent.put(task.id(), task);
        } else {
            urgentInStore = true;
        }
    }

    /** A row beyond the cursor, not admitted: counted for its conversation (forgotten past {@code cap} of them). */
    void track(DeliveryTask task, int cap) {
        if (behind != null) {
            behind.merge(task.conversationId(), 1, Integer::sum);
            if (behind.size() > cap) {
                behind = null; // bounded memory: urgent rows go through reads again
            }
        }
    }

    /** A row beyond the cursor was admitted, or the cursor passed it. */
    void untrack(DeliveryTask task) {
        if (behind != null) {
            behind.computeIfPresent(task.conversationId(), (k, n) -> n > 1 ? n - 1 : null);
        }
    }

    /** The cursor moved on: forget what it passed. */
    void passedBy() {
        ahead.headSet(cursor, true).clear();
        urgent.headMap(cursor, true).clear();
        if (caughtUp) {
            // Every row beyond the cursor was read: ids read ahead and not met are finished ones.
            behind = null;
            ahead.clear();
            urgent.clear();
            urgentInStore = false;
        }
    }
}
