package dev.omnibridge.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Checks delivery order within one conversation against what the sender can know of the hub's order. Messages sent
 * concurrently have no defined order between them (the hub orders them by its commit), but when message a was
 * acknowledged before message b was sent, the hub stored a first and must deliver it first. An inversion is a
 * message b that reached the desk before such an a. Send times are scheduled times (never later than the real
 * send), so a pair is only counted when the order is certain.
 */
final class OrderCheck {
    /** One message: its send and ack times ({@link System#nanoTime()}) and its position in the desk's arrivals. */
    record Sent(int seq, long sentNanos, long ackNanos, int position) {
    }

    private final List<Sent> messages = new ArrayList<>();

    void add(int seq, long sentNanos, long ackNanos, int position) {
        messages.add(new Sent(seq, sentNanos, ackNanos, position));
    }

    /** The messages delivered before a message that was acknowledged before they were sent. */
    List<Sent> inversions() {
        Sent[] byAck = messages.toArray(Sent[]::new);
        Arrays.sort(byAck, Comparator.comparingLong(Sent::ackNanos));
        long[] acks = new long[byAck.length];
        int[] maxPositionSoFar = new int[byAck.length];
        int max = Integer.MIN_VALUE;
        for (int i = 0; i < byAck.length; i++) {
            acks[i] = byAck[i].ackNanos();
            max = Math.max(max, byAck[i].position());
            maxPositionSoFar[i] = max;
        }
        List<Sent> out = new ArrayList<>();
        for (Sent b : messages) {
            int acknowledgedBefore = lowerBound(acks, b.sentNanos());
            if (acknowledgedBefore > 0 && maxPositionSoFar[acknowledgedBefore - 1] > b.position()) {
                out.add(b);
            }
        }
        out.sort(Comparator.comparingInt(Sent::seq));
        return out;
    }

    /** How many of the sorted values are strictly below {@code x}. */
    private static int lowerBound(long[] sorted, long x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
